import { toErrorPayload } from '../../../shared/app-error'
import type { ConsulClient } from '../consul/consul-client'
import type { AgentChecksConfig } from './agent-checks-config'
import type { CheckKind, CheckReport, CheckSeverity } from './agent-check-report'
import type { AgentLogger } from './agent-logger'
import { DRILL_CHECK_NAME, VERIFY_CHECK_NAME, type AgentRegistration } from './agent-registration'
import { ConsulKvStatusStore, withCheck, type AgentStatus, type CheckSummary } from './agent-status-store'
import type { RunJournal } from './run-journal'
import type { SerialLane } from './serial-lane'

/** Runs one check somewhere (a check process in the daemon) and returns its report. */
export type CheckRunner = (kind: CheckKind, signal: AbortSignal) => Promise<CheckReport>

export interface LeaderChecksDependencies {
  checks: AgentChecksConfig
  client: Pick<ConsulClient, 'send' | 'getJson'>
  statusKey: string
  serviceId: string
  run: CheckRunner
  /** Shared with the snapshot cycles: one piece of work at a time. */
  lane: SerialLane
  registration: Pick<AgentRegistration, 'setLeaderCheck' | 'leaderCheckId'>
  journal: RunJournal
  logger: AgentLogger
  clock: () => Date
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

const CHECKS: Record<CheckKind, { name: string; suffix: string; what: string }> = {
  verify: { name: VERIFY_CHECK_NAME, suffix: 'verify', what: 'integrity re-check' },
  drill: { name: DRILL_CHECK_NAME, suffix: 'drill', what: 'restore drill' },
}

/**
 * The leader's scheduled checks, until `signal` (leadership lost, given up, shutdown). The
 * schedule belongs to the cluster: each step is due one interval after the last run recorded in
 * the status key by any leader (at once when none is), so a change of leader neither repeats a
 * check nor postpones it forever. Each verdict goes to the journal, the status key and the step's
 * TTL health check on this instance (TTL 2 × interval: a step that stops running turns critical).
 */
export async function runLeaderChecks(deps: LeaderChecksDependencies, signal: AbortSignal): Promise<void> {
  const kinds = (['verify', 'drill'] as const).filter((kind) => deps.checks[kind] !== null)
  if (kinds.length === 0) return
  const store = new ConsulKvStatusStore(deps.client, deps.statusKey)
  const status = await store.read(AbortSignal.any([signal, AbortSignal.timeout(10_000)])).catch(() => null)
  if (signal.aborted) return
  const due = new Map<CheckKind, number>()
  for (const kind of kinds) {
    const last = lastOf(status, kind)
    const interval = intervalOf(deps.checks, kind)
    due.set(kind, last === undefined ? deps.clock().getTime() : Date.parse(last.startedAt) + interval)
    await deps.registration.setLeaderCheck(deps.registration.leaderCheckId(CHECKS[kind].suffix), {
      name: CHECKS[kind].name,
      ttlMs: 2 * interval,
      status: last?.severity ?? 'warning',
      note: last?.summary ?? `No ${CHECKS[kind].what} has run yet.`,
    })
  }
  while (!signal.aborted) {
    const [kind, at] = [...due.entries()].sort((a, b) => a[1] - b[1])[0]!
    try {
      await sleepUntil(deps, at, signal)
    } catch {
      return
    }
    const report = await deps.lane.run(() =>
      signal.aborted ? Promise.resolve(null) : deps.run(kind, signal),
    )
    if (report === null || signal.aborted) return
    await record(deps, store, report)
    due.set(
      kind,
      Math.max(Date.parse(report.startedAt) + intervalOf(deps.checks, kind), deps.clock().getTime()),
    )
  }
}

async function record(
  deps: LeaderChecksDependencies,
  store: ConsulKvStatusStore,
  report: CheckReport,
): Promise<void> {
  const { kind } = report
  deps.journal.record({ event: 'check', serviceId: deps.serviceId, report })
  const summary: CheckSummary = {
    startedAt: report.startedAt,
    endedAt: report.endedAt,
    severity: report.severity,
    summary: report.summary,
    serviceId: deps.serviceId,
  }
  await deps.registration.setLeaderCheck(deps.registration.leaderCheckId(CHECKS[kind].suffix), {
    name: CHECKS[kind].name,
    ttlMs: 2 * intervalOf(deps.checks, kind),
    status: report.severity,
    note: report.summary,
  })
  try {
    const signal = AbortSignal.timeout(10_000)
    const previous = await store.read(signal)
    await store.write(withCheck(previous, kind, summary, deps.clock()), signal)
  } catch (error) {
    deps.logger.warn('Could not record the check in Consul KV', { error: toErrorPayload(error).message })
  }
  // Last, so that whoever reads the line finds the health check and the status key up to date.
  const log =
    report.severity === 'passing'
      ? deps.logger.info
      : report.severity === 'warning'
        ? deps.logger.warn
        : deps.logger.error
  log.call(deps.logger, headline(kind, report.severity), { summary: report.summary })
}

function headline(kind: CheckKind, severity: CheckSeverity): string {
  if (kind === 'verify')
    return severity === 'passing'
      ? 'Verified the newest backups'
      : severity === 'critical'
        ? 'A stored backup is damaged'
        : 'Could not verify every newest backup'
  return severity === 'passing'
    ? 'Restore drill passed'
    : severity === 'critical'
      ? 'Restore drill failed'
      : 'Restore drill could not run'
}

function lastOf(status: AgentStatus | null, kind: CheckKind): CheckSummary | undefined {
  return kind === 'verify' ? status?.lastVerify : status?.lastDrill
}

function intervalOf(checks: AgentChecksConfig, kind: CheckKind): number {
  return (kind === 'verify' ? checks.verify?.intervalMs : checks.drill?.intervalMs) ?? 0
}

async function sleepUntil(
  deps: Pick<LeaderChecksDependencies, 'clock' | 'sleep'>,
  at: number,
  signal: AbortSignal,
): Promise<void> {
  for (;;) {
    signal.throwIfAborted()
    const left = at - deps.clock().getTime()
    if (left <= 0) return
    await deps.sleep(Math.min(left, 2 ** 31 - 1), signal)
  }
}
