import { resolve } from 'node:path'
import { redactSnapshot } from '../../services/snapshot/redact/redact-snapshot'
import { redactionKinds } from '../../services/snapshot/redact/redaction-rules'
import type { CliCommand, CliIo } from '../cli-io'
import { parseCommandLine } from '../command-line'
import { flagError, formatFlagHelp, stringFlag, type FlagSpec } from '../parse-flags'
import { reportError } from '../report-error'

const FLAGS: FlagSpec[] = [
  {
    name: 'kv-prefix',
    kind: 'string',
    valueName: 'prefix',
    repeatable: true,
    usage: 'Also empty the values of KV keys under this prefix. May be given more than once.',
  },
  {
    name: 'format',
    kind: 'string',
    valueName: 'pretty|json',
    usage: 'Output format of the report. The default is pretty.',
  },
]

export const REDACT_HELP = `Usage: snapshot-studio redact [options] IN OUT

  Writes a copy of the snapshot IN to OUT with its secrets replaced: ACL token
  secret IDs (new random ones), the server management token, the Connect CA's
  private keys and provider credentials, auth method and prepared query secrets,
  private keys in config entries, peering secrets and, when asked, KV values
  under chosen prefixes. Everything else is copied byte for byte; the copy is a
  valid snapshot that Consul inspects and restores. OUT must not exist yet and
  is created readable by its owner only. A report of what was replaced is
  printed.

  To hand a snapshot to support without the cluster's keys or the "app/secrets/"
  values:

    $ snapshot-studio redact -kv-prefix app/secrets/ backup.snap redacted.snap

Command Options:

${formatFlagHelp(FLAGS)}
`

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, REDACT_HELP, io)
  if (typeof parsed === 'number') return parsed
  if (parsed.positionals.length !== 2)
    return reportError(io, flagError(`Expected IN and OUT (got ${parsed.positionals.length} arguments)`))
  const format = stringFlag(parsed, 'format') ?? 'pretty'
  if (format !== 'pretty' && format !== 'json')
    return reportError(io, flagError(`Invalid -format "${format}": use pretty or json`))
  const prefixes = (parsed.values.get('kv-prefix') as string[] | undefined) ?? []
  const [input, output] = parsed.positionals.map((p) => resolve(io.cwd, p)) as [string, string]
  try {
    const report = await redactSnapshot(input, output, { kvPrefixes: prefixes, signal: io.signal })
    if (format === 'json') {
      io.stdout.write(JSON.stringify({ output, ...report }, null, 2) + '\n')
      return 0
    }
    io.stdout.write(`Wrote ${output} (${report.records} records, unchanged in number).\n`)
    const width = Math.max(...redactionKinds.map((k) => k.length))
    for (const kind of redactionKinds) {
      const count = report.blanked[kind]
      if (count > 0) io.stdout.write(`  ${kind.padEnd(width)}  ${count} replaced\n`)
    }
    if (redactionKinds.every((k) => report.blanked[k] === 0))
      io.stdout.write('  No secrets found to replace.\n')
    return 0
  } catch (error) {
    return reportError(io, error)
  }
}

export const redactCommand: CliCommand = {
  summary: 'Write a copy of a snapshot with its secrets replaced (still restorable)',
  run,
}
