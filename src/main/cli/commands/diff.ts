import { resolve } from 'node:path'
import { parseFlags, flagError, formatFlagHelp, boolFlag, stringFlag, type FlagSpec } from '../parse-flags'
import type { CliCommand, CliIo } from '../cli-io'
import { CONNECTION_FLAGS, STALE_FLAG, connectionFromFlags, staleFlag } from '../connection-flags'
import { composeConsulService } from '../../host/consul-service'
import { createInProcessInspectRunner } from '../../host/workers/in-process-inspect-runner'
import { compareWithLive, SnapshotComparison, type CompareOptions } from '../../services/diff'
import { humanizeBytes } from '../../services/snapshot'
import { progressLine } from '../progress-line'
import { reportError } from '../report-error'
import { writeJsonReport, writePrettyReport } from '../diff-report'

/**
 * `snapshot-studio diff A B` and `diff A -live`: what changed between two snapshots, or between a
 * snapshot and the cluster now. Exit codes are diff(1)'s, so scripts can branch on them.
 */
const SAME = 0
const DIFFERENT = 1
const TROUBLE = 2

const FLAGS: FlagSpec[] = [
  {
    name: 'format',
    kind: 'string',
    valueName: 'pretty|json',
    usage: 'Output format: a readable report (pretty, the default) or one JSON document.',
  },
  {
    name: 'prefix',
    kind: 'string',
    valueName: 'string',
    usage: 'Compare only KV keys that start with this prefix. Records are always compared whole.',
  },
  {
    name: 'indexes',
    kind: 'bool',
    usage:
      'Also report raft indexes (CreateIndex, ModifyIndex, LockIndex, RaftIndex) and content hashes that differ. They change on every write, so they are left out by default.',
  },
  {
    name: 'live',
    kind: 'bool',
    usage:
      'Compare FILE with the live cluster named by the connection flags: a fresh snapshot of it is taken into a private temporary folder, compared, and removed.',
  },
  ...CONNECTION_FLAGS,
  STALE_FLAG,
]

export const DIFF_HELP = `Usage: snapshot-studio diff [options] BEFORE AFTER
       snapshot-studio diff -live [connection flags] [options] BEFORE

  Compares two snapshots, or a snapshot with a live cluster, and prints what
  changed: KV keys (value, flags, lock session), nodes, services, checks,
  sessions, prepared queries, ACL tokens (by accessor ID; secrets are never
  printed, only "secret changed"), policies, roles, auth methods, binding
  rules, config entries and intentions. Raft indexes, hashes and coordinates
  change without anything having changed; they are left out.

  Exit status: 0 when they are the same, 1 when they differ, 2 on error.

    $ snapshot-studio diff monday.snap tuesday.snap
    $ snapshot-studio diff -prefix app/ -format json monday.snap tuesday.snap
    $ snapshot-studio diff -live --profile prod-eu monday.snap

Command Options:

${formatFlagHelp(FLAGS)}
`

async function run(argv: string[], io: CliIo): Promise<number> {
  let parsed
  try {
    parsed = parseFlags(argv, FLAGS)
  } catch (error) {
    reportError(io, error)
    return TROUBLE
  }
  if (parsed.help) {
    io.stdout.write(DIFF_HELP)
    return SAME
  }
  let comparison: SnapshotComparison | undefined
  const line = progressLine(io)
  try {
    const format = stringFlag(parsed, 'format') ?? 'pretty'
    if (format !== 'pretty' && format !== 'json')
      throw flagError(`Invalid -format "${format}": use pretty or json`)
    const live = boolFlag(parsed, 'live') ?? false
    const wanted = live ? 1 : 2
    if (parsed.positionals.length !== wanted)
      throw flagError(
        live
          ? `-live compares one FILE with the cluster (got ${parsed.positionals.length} arguments)`
          : `Expected two files, BEFORE and AFTER (got ${parsed.positionals.length}); use -live to compare one with a cluster`,
      )
    const [before, after] = parsed.positionals.map((p) => resolve(io.cwd, p)) as [string, string]
    const options: CompareOptions = {
      prefix: stringFlag(parsed, 'prefix') ?? '',
      includeIndexes: boolFlag(parsed, 'indexes') ?? false,
      signal: io.signal,
      onProgress: (p) =>
        line.show(
          p.phase === 'reading'
            ? `Reading ${humanizeBytes(p.done)}${p.total ? ` of ${humanizeBytes(p.total)}` : ''}`
            : p.phase === 'snapshotting'
              ? `Taking a snapshot of the cluster: ${humanizeBytes(p.done)}`
              : `Comparing ${p.done} of ${p.total ?? '?'} keys`,
        ),
    }
    if (live) {
      const { connection, warnings } = await connectionFromFlags(parsed, io)
      for (const warning of warnings) io.stderr.write(`Warning: ${warning}\n`)
      const liveLabel =
        stringFlag(parsed, 'profile') ?? `live ${connection.settings.address ?? '127.0.0.1:8500'}`
      const { consul } = composeConsulService({ inspect: createInProcessInspectRunner() })
      comparison = await compareWithLive(
        before,
        async (folder, work) =>
          (
            await consul.saveSnapshot({
              connection,
              destinationDir: folder,
              fileName: 'live.snap',
              stale: staleFlag(parsed),
              signal: work.signal,
              onProgress: (p) => work.onProgress?.(p.bytes),
            })
          ).path,
        { ...options, liveLabel },
      )
    } else {
      comparison = await SnapshotComparison.open(before, after, options)
    }
    line.clear()
    const summary = comparison.summary()
    const write = format === 'json' ? writeJsonReport : writePrettyReport
    await write(io.stdout as { write(chunk: string): unknown }, summary, comparison.allChanges())
    return summary.total === 0 ? SAME : DIFFERENT
  } catch (error) {
    line.clear()
    reportError(io, error)
    return TROUBLE
  } finally {
    await comparison?.close()
  }
}

export const diffCommand: CliCommand = {
  summary: 'Compare two snapshots, or a snapshot with a live cluster (exit 0 same, 1 different, 2 error)',
  run,
}
