import { toErrorPayload } from '../../../shared/app-error'
import { tuneV8ForIdleDaemon } from '../../agent/idle-daemon-v8'
import { readAgentStatus } from '../../services/backups/agent-status'
import { formatGoDuration } from '../../services/backups/go-duration'
import { runDaemon, runOnce } from '../../services/backups/snapshot-agent'
import { nextRuns } from '../../services/backups/schedule'
import { ConsulClient } from '../../services/consul/consul-client'
import { humanizeBytes } from '../../services/snapshot/humanize-bytes'
import { buildRuntime, CONFIG_FLAGS, loadConfigFromFlags } from '../agent-setup'
import {
  checkInChildProcess,
  CYCLE_PROCESS_ENV,
  cycleInChildProcess,
  serveCycleRequest,
} from '../cycle-process'
import type { CliCommand, CliIo } from '../cli-io'
import { parseCommandLine } from '../command-line'
import { flagError, formatFlagHelp, intFlag, type FlagSpec } from '../parse-flags'
import { reportError } from '../report-error'

const FLAGS: FlagSpec[] = [
  ...CONFIG_FLAGS,
  {
    name: 'once',
    kind: 'bool',
    usage: 'Take one snapshot, apply retention and exit (as -interval 0): no lock, no registration.',
  },
  {
    name: 'next',
    kind: 'int',
    valueName: 'n',
    usage: 'Print the next n run times of the schedule and exit.',
  },
]

const HELP = `Usage: snapshot-studio agent [options]
       snapshot-studio agent status [options]

  The open snapshot agent, configured like Consul Enterprise's "consul snapshot
  agent" (same JSON files, keys, flags and defaults; see docs/agent.md).

  As a daemon (the default, -interval 1h) run it on every server: one Consul
  session and KV lock elect the instance that saves, it registers itself as the
  service "consul-snapshot" with health checks, and takes a snapshot right after
  obtaining leadership, then every interval. With -interval 0 or -once it takes
  one snapshot, applies retention and exits 0 (saved) or 1 (failed).

  "agent status" prints the leader, the standbys, the last success and failure,
  the last verify and drill, and the next run; it exits 2 when the last good
  snapshot is older than twice the interval, or the last verify or drill found
  a damaged backup.

    $ snapshot-studio agent -config-dir /etc/consul-snapshot.d
    $ snapshot-studio agent -once -local-path /backups -retain 7
    $ snapshot-studio agent -config-file agent.json -next 5

Options:

${formatFlagHelp(FLAGS)}
`

async function run(argv: string[], io: CliIo): Promise<number> {
  if (io.env[CYCLE_PROCESS_ENV] === '1') return serveCycleRequest(io)
  const parsed = parseCommandLine(argv, FLAGS, HELP, io)
  if (typeof parsed === 'number') return parsed
  try {
    const [sub, ...extra] = parsed.positionals
    if (sub !== undefined && sub !== 'status')
      throw flagError(`Unknown agent subcommand "${sub}" (only "status")`)
    if (extra.length > 0) throw flagError(`Too many arguments: ${extra.join(' ')}`)
    const config = await loadConfigFromFlags(parsed, io)

    const next = intFlag(parsed, 'next')
    if (next !== undefined) {
      if (next < 1) throw flagError('-next needs a positive number')
      const now = new Date()
      const runs = nextRuns(config.schedule, next, { after: now, from: now })
      if (runs.length === 0) io.stdout.write('One-shot mode (interval 0): no scheduled runs.\n')
      for (const runAt of runs) io.stdout.write(`${runAt.at.toISOString()}\n`)
      return 0
    }
    if (sub === 'status') return await status(config, io)

    if (!config.once) tuneV8ForIdleDaemon()
    const runtime = await buildRuntime(config, io)
    try {
      if (config.once) {
        const report = await runOnce(runtime, io.signal)
        if (report.ok) return 0
        io.stderr.write(
          `Error: ${report.error?.message ?? 'the snapshot failed'}${report.error?.hint ? ` ${report.error.hint}` : ''}\n`,
        )
        return 1
      }
      runtime.runCycle = cycleInChildProcess(config)
      runtime.runCheck = checkInChildProcess(config)
      const stop = new AbortController()
      const onSignal = () => stop.abort()
      process.once('SIGTERM', onSignal)
      process.once('SIGINT', onSignal)
      io.signal?.addEventListener('abort', onSignal, { once: true })
      try {
        await runDaemon(runtime, stop.signal)
      } finally {
        process.removeListener('SIGTERM', onSignal)
        process.removeListener('SIGINT', onSignal)
      }
      return 0
    } finally {
      await runtime.journal.close()
      // The stores' clients too: their keep-alive connections would outlive the agent's stop.
      await Promise.all(runtime.destinations.map((destination) => destination.close()))
      await runtime.client.close()
    }
  } catch (error) {
    return reportError(io, error)
  }
}

async function status(config: Awaited<ReturnType<typeof loadConfigFromFlags>>, io: CliIo): Promise<number> {
  const client = await ConsulClient.open(config.connection)
  try {
    const now = new Date()
    const report = await readAgentStatus(client, config, now)
    const line = (label: string, value: string) => io.stdout.write(`${(label + ':').padEnd(14)}${value}\n`)
    const leaderId = report.leader?.serviceId ?? null
    const leaderInstance = report.instances.find((i) => i.serviceId === leaderId)
    line(
      'Leader',
      report.leader
        ? `${leaderId ?? `session ${report.leader.session}`}${leaderInstance ? ` on ${leaderInstance.node} (saving check ${leaderInstance.saving ?? 'absent'})` : ''}`
        : 'none',
    )
    const standbys = report.instances.filter((i) => i.serviceId !== leaderId)
    line(
      'Standbys',
      standbys.length === 0
        ? 'none'
        : standbys.map((i) => `${i.serviceId} on ${i.node} (${i.alive})`).join(', '),
    )
    const success = report.status?.lastSuccess
    line(
      'Last success',
      success
        ? `${success.endedAt} ${success.name ?? ''} index ${success.index ?? '?'}${success.size !== null ? `, ${humanizeBytes(success.size)}` : ''} (${ago(now, success.endedAt)})`
        : 'none',
    )
    const failure = report.status?.lastFailure
    line(
      'Last error',
      failure ? `${failure.endedAt} ${failure.error ?? ''} (${ago(now, failure.endedAt)})` : 'none',
    )
    for (const [label, check] of [
      ['Last verify', report.status?.lastVerify],
      ['Last drill', report.status?.lastDrill],
    ] as const)
      if (check)
        line(
          label,
          `${check.endedAt} ${check.severity.toUpperCase()} ${check.summary} (${ago(now, check.endedAt)})`,
        )
    line(
      'Next run',
      report.nextRun ? report.nextRun.toISOString() : config.once ? 'one-shot mode' : 'unknown',
    )
    if (report.stale) {
      line(
        'Health',
        `STALE: no good snapshot within ${formatGoDuration(report.staleAfterMs ?? 0)} (2 × the schedule's gap)`,
      )
      return 2
    }
    // A damaged stored backup or a failed drill needs an operator as much as a stale schedule.
    const damaged = [report.status?.lastVerify, report.status?.lastDrill].find(
      (c) => c?.severity === 'critical',
    )
    if (damaged) {
      line('Health', `DAMAGED: ${damaged.summary}`)
      return 2
    }
    line('Health', 'OK')
    return 0
  } catch (error) {
    io.stderr.write(`Error: ${toErrorPayload(error).message}\n`)
    return 1
  } finally {
    await client.close()
  }
}

function ago(now: Date, iso: string): string {
  const ms = now.getTime() - new Date(iso).getTime()
  return `${formatGoDuration(Math.max(0, Math.round(ms / 1000) * 1000))} ago`
}

export const agentCommand: CliCommand = {
  summary: 'Scheduled snapshots with retention, leader election and health checks (snapshot agent)',
  run,
}
