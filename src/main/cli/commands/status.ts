import { parseCommandLine } from '../command-line'
import { testConnection } from '../../services/consul'
import type { CliCommand, CliIo } from '../cli-io'
import { CONNECTION_FLAGS, connectionFromFlags } from '../connection-flags'
import { flagError, formatFlagHelp, stringFlag, type FlagSpec } from '../parse-flags'
import { reportError } from '../report-error'

const FLAGS: FlagSpec[] = [
  ...CONNECTION_FLAGS,
  {
    name: 'format',
    kind: 'string',
    valueName: 'string',
    usage: 'Output format {pretty|json}. The default is pretty.',
  },
]

const HELP = `Usage: snapshot-studio status [options]

  Tests the connection: the cluster's leader and raft peers, the agent's
  version, datacenter and node, and whether the token may take and restore
  snapshots (acl = "write"). Exits 0 when the agent answered.

Command Options:

${formatFlagHelp(FLAGS)}
`

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, HELP, io)
  if (typeof parsed === 'number') return parsed
  try {
    if (parsed.positionals.length > 0)
      throw flagError(`Too many arguments (expected 0, got ${parsed.positionals.length})`)
    const format = stringFlag(parsed, 'format') ?? 'pretty'
    if (format !== 'pretty' && format !== 'json')
      throw flagError(`Unknown format: ${format} (use pretty or json)`)
    const { connection, warnings } = await connectionFromFlags(parsed, io)
    for (const warning of warnings) io.stderr.write(`Warning: ${warning}\n`)
    const result = await testConnection(connection, { signal: io.signal })
    if (format === 'json') {
      io.stdout.write(JSON.stringify(result, null, 2) + '\n')
      return 0
    }
    const rows: [string, string][] = [
      ['Endpoint', result.endpoint + (result.insecureTls ? '  (TLS verification OFF)' : '')],
      ['Leader', result.leader ?? 'none (the cluster has no leader)'],
      ['Raft peers', result.raftPeers.join(', ') || 'none'],
      ['Version', result.agent?.version ?? `unknown (${result.agentError?.message ?? 'agent:read needed'})`],
      ['Datacenter', result.agent?.datacenter ?? 'unknown'],
      [
        'Node',
        result.agent ? `${result.agent.nodeName} (${result.agent.server ? 'server' : 'client'})` : 'unknown',
      ],
      ['Snapshots', `${result.snapshotPermission.answer}: ${result.snapshotPermission.reason}`],
      ['Latency', `${result.latencyMs} ms`],
    ]
    const width = Math.max(...rows.map(([k]) => k.length))
    io.stdout.write(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n')
    return 0
  } catch (error) {
    return reportError(io, error)
  }
}

export const statusCommand: CliCommand = {
  summary: 'Tests a connection: leader, version, datacenter, snapshot permission',
  run,
}
