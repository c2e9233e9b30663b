import { resolve } from 'node:path'
import { runDrill, type DrillResult, type DrillTarget } from '../../services/drill/run-drill'
import type { CliCommand, CliIo } from '../cli-io'
import { parseCommandLine } from '../command-line'
import { connectionFromFlags } from '../connection-flags'
import { flagError, formatFlagHelp, stringFlag, type FlagSpec } from '../parse-flags'
import { reportError } from '../report-error'

const FLAGS: FlagSpec[] = [
  {
    name: 'consul',
    kind: 'string',
    valueName: 'path',
    usage: 'The consul binary to start. The default is $CONSUL_BIN, else consul on the PATH.',
  },
  {
    name: 'profile',
    kind: 'string',
    valueName: 'NAME',
    usage:
      "Restore into this saved profile's cluster instead of a dev agent. Only a profile marked as a scratch cluster is accepted: the drill replaces its whole state.",
  },
  {
    name: 'format',
    kind: 'string',
    valueName: 'pretty|json',
    usage: 'Output format. The default is pretty.',
  },
]

export const DRILL_HELP = `Usage: snapshot-studio drill [options] FILE

  Answers "does this backup really restore?": starts a throw-away Consul dev
  agent on free loopback ports in a temporary folder, restores FILE into it,
  reads everything back through the HTTP API and compares it with the file:
  the number of objects of each kind and a digest of every KV pair. The agent
  is stopped and its folder removed afterwards, whatever happened.

  Exit code 0 when the drill passes, 1 when the backup fails it (unreadable,
  refused by Consul, or different after the restore), 2 when the drill itself
  could not run (no consul binary, an agent that did not start).

  With --profile NAME the file is restored into that profile's cluster
  instead, which must be marked as a scratch cluster (in the app: Connections,
  Edit, "Scratch cluster for restore drills"). Its whole state is replaced,
  without a safety snapshot or a question: the mark is that consent. It is
  then read back with the file's management token (its ACLs are the file's
  now) and compared the same way. Any other profile is refused (exit 2).

    $ snapshot-studio drill backup.snap
    $ snapshot-studio drill --profile drills backup.snap

Command Options:

${formatFlagHelp(FLAGS)}
`

function printPretty(io: CliIo, result: DrillResult): void {
  const into = result.target?.kind === 'scratch-cluster' ? `scratch cluster ${result.target.name}, ` : ''
  io.stdout.write(
    `${result.passed ? 'PASS' : 'FAIL'}  (${into}consul ${result.consul.version ?? 'unknown version'}, ${(result.durationMs / 1000).toFixed(1)} s)\n`,
  )
  if (result.failure) io.stdout.write(`  ${result.failure.message}\n`)
  if (result.counts.length > 0) {
    const width = Math.max(...result.counts.map((c) => c.kind.length))
    io.stdout.write(`\n  ${'Kind'.padEnd(width)}  File  Restored\n`)
    for (const c of result.counts)
      io.stdout.write(
        `  ${c.kind.padEnd(width)}  ${String(c.file).padStart(4)}  ${String(c.agent ?? '-').padStart(8)}\n`,
      )
  }
  if (result.differences.length > 0) {
    io.stdout.write('\nDifferences:\n')
    for (const d of result.differences) io.stdout.write(`  ${d.kind}: ${d.message}\n`)
  }
  for (const note of result.notes) io.stdout.write(`\nNote: ${note}\n`)
}

/** Exit 2 like every other way the drill itself cannot run; 1 means the backup failed it. */
const usageError = (io: CliIo, message: string): number => {
  reportError(io, flagError(message))
  return 2
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, DRILL_HELP, io)
  if (typeof parsed === 'number') return parsed
  if (parsed.positionals.length !== 1)
    return usageError(io, `Expected one FILE (got ${parsed.positionals.length} arguments)`)
  const format = stringFlag(parsed, 'format') ?? 'pretty'
  if (format !== 'pretty' && format !== 'json')
    return usageError(io, `Invalid -format "${format}": use pretty or json`)
  const consul = stringFlag(parsed, 'consul')
  const profile = stringFlag(parsed, 'profile')
  if (consul !== undefined && profile !== undefined)
    return usageError(io, '-consul starts a dev agent; --profile drills into a scratch cluster: give one')
  try {
    let target: DrillTarget = { kind: 'dev-agent' }
    if (profile !== undefined) {
      const { connection, warnings } = await connectionFromFlags(parsed, io)
      for (const warning of warnings) io.stderr.write(`Warning: ${warning}\n`)
      target = { kind: 'scratch-cluster', connection }
    }
    const result = await runDrill(resolve(io.cwd, parsed.positionals[0] as string), {
      target,
      ...(consul !== undefined ? { consulPath: resolve(io.cwd, consul) } : {}),
      env: io.env,
      signal: io.signal,
      onPhase: (phase) => io.stderr.write(`drill: ${phase.replace(/-/g, ' ')}\n`),
    })
    if (format === 'json') io.stdout.write(JSON.stringify(result, null, 2) + '\n')
    else printPretty(io, result)
    return result.passed ? 0 : 1
  } catch (error) {
    reportError(io, error)
    return 2
  }
}

export const drillCommand: CliCommand = {
  summary: 'Restore a snapshot into a throw-away Consul and check that it comes back whole',
  run,
}
