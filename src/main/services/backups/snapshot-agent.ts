import { hostname } from 'node:os'
import { toErrorPayload } from '../../../shared/app-error'
import type { ConsulClient } from '../consul/consul-client'
import type { CheckKind, CheckReport } from './agent-check-report'
import type { AgentConfig } from './agent-config'
import type { AgentLogger } from './agent-logger'
import { AgentRegistration } from './agent-registration'
import { ConsulKvStatusStore, nextStatus, statusKeyFor } from './agent-status-store'
import { collectGarbage } from './collect-garbage'
import { ConsulLock, type HeldLock } from './consul-lock'
import type { Destination } from './destination'
import { formatGoDuration } from './go-duration'
import { runLeaderChecks, type CheckRunner } from './leader-checks'
import type { CheckDependencies } from './run-check'
import type { RunJournal } from './run-journal'
import { SerialLane } from './serial-lane'
import { expectedGapMs, nextRuns } from './schedule'
import type { CycleReport, SaveFunction } from './snapshot-cycle'
import { SnapshotIdSource } from './snapshot-id'

/**
 * The agent's two modes over one engine. Everything with a side effect comes in through
 * `AgentRuntime`, so the desktop app's plans and the tests drive the same code as the daemon.
 */
export interface AgentRuntime {
  config: AgentConfig
  /** A long-lived client for the lock, the registration and the status key. */
  client: ConsulClient
  save: SaveFunction
  destinations: Destination[]
  scratchPath: string
  serviceId: string
  clock: () => Date
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  logger: AgentLogger
  journal: RunJournal
  /**
   * Runs one cycle (save, hand-over, retention). Unset: in this process. The daemon runs each in a
   * child process, so the memory a 1 GB snapshot's streams touched goes back to the OS when it
   * ends instead of staying resident between runs (cli/cycle-process.ts).
   */
  runCycle?: CycleRunner
  /** Runs one scheduled check (verify, drill). Unset: in this process; the daemon uses a child. */
  runCheck?: CheckRunner
}

export type CycleRunner = (ids: SnapshotIdSource, signal: AbortSignal | undefined) => Promise<CycleReport>

/** Pause after giving up leadership, so that a healthier peer can win the lock. */
export const GIVE_UP_PAUSE_MS = 10_000
/** Pause after an error while trying for leadership (Consul unreachable, ACL denied). */
const ELECTION_RETRY_MS = 5_000

/** One-shot: one cycle and retention, no lock, no registration. Returns the cycle's report. */
export async function runOnce(rt: AgentRuntime, signal?: AbortSignal): Promise<CycleReport> {
  logStart(rt, 'once')
  rt.journal.record({ event: 'agent-start', serviceId: null, mode: 'once' })
  const report = await cycle(rt, new SnapshotIdSource(rt.clock), signal, null)
  rt.journal.record({ event: 'agent-stop', serviceId: null, mode: 'once' })
  return report
}

export type LeadershipOutcome = 'stopped' | 'lost' | 'gave-up'

/** The daemon: register, win the lock, snapshot on schedule while leading; until `stop`. */
export async function runDaemon(rt: AgentRuntime, stop: AbortSignal): Promise<void> {
  const { config, logger } = rt
  logStart(rt, 'daemon')
  rt.journal.record({ event: 'agent-start', serviceId: rt.serviceId, mode: 'daemon' })
  const gap = expectedGapMs(config.schedule, rt.clock())
  const registration = new AgentRegistration(
    {
      service: config.service,
      serviceId: rt.serviceId,
      deregisterAfterMs: config.deregisterAfterMs,
      savingTtlMs: 2 * gap,
      meta: { agent: 'snapshot-studio', host: hostname() },
    },
    { client: rt.client, logger, sleep: rt.sleep },
  )
  await registration.start()
  const lock = new ConsulLock(
    {
      key: config.lockKey,
      value: JSON.stringify({ serviceId: rt.serviceId, host: hostname(), pid: process.pid }),
      sessionName: `Consul Snapshot Agent (${rt.serviceId})`,
      sessionTtlMs: config.leadership.sessionTtlMs,
      lockDelayMs: config.leadership.lockDelayMs,
    },
    { client: rt.client, logger, sleep: rt.sleep },
  )
  const ids = new SnapshotIdSource(rt.clock)
  try {
    while (!stop.aborted) {
      logger.info('Waiting to obtain leadership...')
      let held: HeldLock
      try {
        held = await lock.acquire(stop)
      } catch (error) {
        if (stop.aborted) break
        logger.error('Could not take part in the leader election', { error: toErrorPayload(error).message })
        await rt.sleep(ELECTION_RETRY_MS, stop).catch(() => undefined)
        continue
      }
      logger.info('Obtained leadership')
      rt.journal.record({ event: 'leadership', serviceId: rt.serviceId, held: true })
      await registration.becameLeader().catch((error: unknown) =>
        logger.warn('Could not register the Saving Snapshots check', {
          error: toErrorPayload(error).message,
        }),
      )
      const outcome = await lead(rt, held, stop, ids, registration)
      const note =
        outcome === 'lost'
          ? 'Lost leadership'
          : outcome === 'gave-up'
            ? 'Gave up leadership'
            : 'Shutting down'
      if (outcome === 'lost') logger.warn('Lost leadership, stopping snapshots')
      if (outcome === 'gave-up') logger.error('Too many snapshot failures (will give up leadership)')
      await registration.lostLeadership(note)
      await held.release()
      rt.journal.record({ event: 'leadership', serviceId: rt.serviceId, held: false, reason: note })
      if (outcome === 'gave-up') await rt.sleep(GIVE_UP_PAUSE_MS, stop).catch(() => undefined)
    }
  } finally {
    await registration.stop()
    rt.journal.record({ event: 'agent-stop', serviceId: rt.serviceId, mode: 'daemon' })
    logger.info('Snapshot agent stopped')
  }
}

async function lead(
  rt: AgentRuntime,
  held: HeldLock,
  stop: AbortSignal,
  ids: SnapshotIdSource,
  registration: AgentRegistration,
): Promise<LeadershipOutcome> {
  const signal = AbortSignal.any([held.lost, stop])
  // The checks live as long as this leadership, whichever way it ends (giving up included).
  const checksStop = new AbortController()
  const lane = new SerialLane()
  let checks: Promise<void> | null = null
  const startChecks = () =>
    runLeaderChecks(
      {
        checks: rt.config.checks,
        client: rt.client,
        statusKey: statusKeyFor(rt.config.lockKey),
        serviceId: rt.serviceId,
        run: rt.runCheck ?? ((kind, checkSignal) => runCheckHereFor(rt, kind, checkSignal)),
        lane,
        registration,
        journal: rt.journal,
        logger: rt.logger,
        clock: rt.clock,
        sleep: rt.sleep,
      },
      AbortSignal.any([signal, checksStop.signal]),
    ).catch((error: unknown) =>
      rt.logger.error('Scheduled checks stopped', { error: toErrorPayload(error).message }),
    )
  try {
    return await snapshotWhileLeading(rt, signal, stop, ids, registration, lane, () => {
      // After the first cycle, so a check never races the snapshot the leader takes at once.
      checks ??= startChecks()
    })
  } finally {
    checksStop.abort()
    await checks
  }
}

/**
 * One check in this process. The verify and drill code (age, the drill's throw-away Consul, a
 * whole undici) loads on first use: the daemon hands checks to a child process and never needs
 * it, and every module held would sit in its idle memory and lengthen each of its collections.
 */
async function runCheckHereFor(rt: AgentRuntime, kind: CheckKind, signal: AbortSignal): Promise<CheckReport> {
  const { runCheckHere } = await import('./run-check')
  return runCheckHere(kind, checkDependencies(rt), signal)
}

export function checkDependencies(rt: AgentRuntime): CheckDependencies {
  return {
    config: rt.config,
    destinations: rt.destinations,
    env: process.env,
    clock: rt.clock,
    now: rt.now,
  }
}

async function snapshotWhileLeading(
  rt: AgentRuntime,
  signal: AbortSignal,
  stop: AbortSignal,
  ids: SnapshotIdSource,
  registration: AgentRegistration,
  lane: SerialLane,
  afterFirstCycle: () => void,
): Promise<LeadershipOutcome> {
  const { config, logger } = rt
  const outcome = (): LeadershipOutcome => (stop.aborted ? 'stopped' : 'lost')
  // First snapshot right after obtaining leadership, then on schedule from here.
  const from = rt.clock()
  let failures = 0
  for (;;) {
    if (signal.aborted) return outcome()
    const report = await lane.run(() => cycle(rt, ids, signal, rt.serviceId))
    afterFirstCycle()
    if (signal.aborted) return outcome()
    if (report.ok) {
      failures = 0
      await registration.passSaving(`Saved snapshot ${report.id}`)
    } else if (report.partial) {
      // This instance can snapshot; another leader would meet the same broken store.
      failures = 0
      await registration.warnSaving(
        report.error?.message ?? `Saved snapshot ${report.id} in some destinations`,
      )
    } else {
      failures++
      logger.warn('Snapshot failed (will retry at next interval)', {
        error: report.error?.message ?? 'unknown',
        failures,
      })
      if (failures > config.maxFailures) return 'gave-up'
    }
    // A cycle run here leaves dead buffers that would stay resident until the next one. One run
    // in a child left none here, and a forced collection would only cost the idle daemon CPU (and
    // the second V8 context that reaches `gc`).
    if (!rt.runCycle) collectGarbage()
    const [next] = nextRuns(config.schedule, 1, { after: rt.clock(), from, seed: rt.serviceId })
    if (!next) return outcome()
    logger.debug('Next snapshot', { at: next.at.toISOString() })
    try {
      await sleepUntil(rt, next.at, signal)
    } catch {
      return outcome()
    }
  }
}

async function cycle(
  rt: AgentRuntime,
  ids: SnapshotIdSource,
  signal: AbortSignal | undefined,
  serviceId: string | null,
): Promise<CycleReport> {
  const report = rt.runCycle ? await rt.runCycle(ids, signal) : await runCycleHere(rt, ids, signal)
  rt.journal.record({ event: 'cycle', serviceId, report })
  if (report.partial)
    rt.logger.warn('Snapshot stored in only some destinations', { error: report.error?.message ?? 'unknown' })
  else if (!report.ok && report.error?.code !== 'CANCELLED')
    rt.logger.error('Snapshot cycle failed', { error: report.error?.message ?? 'unknown' })
  await recordStatus(rt, report, serviceId)
  return report
}

/**
 * One cycle in this process: what a cycle process runs, and the one-shot mode. The cycle's code
 * (encryption, hand-over, retention) loads on first use, as the checks' does.
 */
export async function runCycleHere(
  rt: AgentRuntime,
  ids: SnapshotIdSource,
  signal: AbortSignal | undefined,
): Promise<CycleReport> {
  const { config } = rt
  const { runSnapshotCycle } = await import('./snapshot-cycle')
  return runSnapshotCycle(
    {
      connection: config.connection,
      datacenter: config.datacenter,
      stale: config.stale,
      scratchPath: rt.scratchPath,
      nameTemplate: config.nameTemplate,
      retention: config.retention,
      encryption: config.encryption,
      destinationEncryption: config.destinations.map((destination) => destination.encryption),
      signal,
    },
    { save: rt.save, destinations: rt.destinations, clock: rt.clock, now: rt.now, ids, logger: rt.logger },
  )
}

/** Last success / last failure in KV; a status that cannot be written never fails a backup. */
async function recordStatus(rt: AgentRuntime, report: CycleReport, serviceId: string | null): Promise<void> {
  if (report.error?.code === 'CANCELLED') return
  const store = new ConsulKvStatusStore(rt.client, statusKeyFor(rt.config.lockKey))
  try {
    const signal = AbortSignal.timeout(10_000)
    const previous = await store.read(signal)
    const gap = rt.config.once ? null : expectedGapMs(rt.config.schedule, rt.clock())
    await store.write(nextStatus(previous, report, serviceId, gap, rt.clock()), signal)
  } catch (error) {
    rt.logger.warn('Could not record the run status in Consul KV', { error: toErrorPayload(error).message })
  }
}

async function sleepUntil(rt: AgentRuntime, at: Date, signal: AbortSignal): Promise<void> {
  // setTimeout overflows after 2^31 ms (about 24 days): sleep in slices.
  for (;;) {
    const left = at.getTime() - rt.clock().getTime()
    if (left <= 0) return
    await rt.sleep(Math.min(left, 2 ** 31 - 1), signal)
  }
}

function logStart(rt: AgentRuntime, mode: 'daemon' | 'once'): void {
  const { config } = rt
  const schedule =
    config.schedule.kind === 'cron'
      ? `${config.schedule.expression} (${config.schedule.timeZone})`
      : formatGoDuration(config.intervalMs)
  rt.logger.info('Snapshot agent running', {
    mode,
    ...(mode === 'daemon' ? { serviceId: rt.serviceId } : {}),
    interval: schedule,
    jitter: formatGoDuration(config.schedule.jitterMs),
    retain: config.retention.retain,
    stale: config.stale,
    scratch: rt.scratchPath,
    service: config.service,
    deregisterAfter: formatGoDuration(config.deregisterAfterMs),
    lockKey: config.lockKey,
    maxFailures: config.maxFailures,
    destinations: rt.destinations.map((d) => d.description).join(', '),
    encryption: config.encryption ? `age, ${config.encryption.recipients.length} recipient(s)` : 'off',
    verify: config.checks.verify ? `every ${formatGoDuration(config.checks.verify.intervalMs)}` : 'off',
    drill: config.checks.drill ? `every ${formatGoDuration(config.checks.drill.intervalMs)}` : 'off',
  })
}
