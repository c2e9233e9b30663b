import { resolve } from 'node:path'
import { runDrill, type DrillResult } from '../../services/drill/run-drill'
import type { CliCommand, CliIo } from '../cli-io'
import { parseCommandLine } from '../command-line'
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

    $ snapshot-studio drill backup.snap

Command Options:

${formatFlagHelp(FLAGS)}
`

function printPretty(io: CliIo, result: DrillResult): void {
  io.stdout.write(
    `${result.passed ? 'PASS' : 'FAIL'}  (consul ${result.consul.version ?? 'unknown version'}, ${(result.durationMs / 1000).toFixed(1)} s)\n`,
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

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, DRILL_HELP, io)
  if (typeof parsed === 'number') return parsed
  if (parsed.positionals.length !== 1)
    return reportError(io, flagError(`Expected one FILE (got ${parsed.positionals.length} arguments)`))
  const format = stringFlag(parsed, 'format') ?? 'pretty'
  if (format !== 'pretty' && format !== 'json')
    return reportError(io, flagError(`Invalid -format "${format}": use pretty or json`))
  const consul = stringFlag(parsed, 'consul')
  try {
    const result = await runDrill(resolve(io.cwd, parsed.positionals[0] as string), {
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
