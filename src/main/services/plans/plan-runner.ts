import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { AppError, toErrorPayload } from '../../../shared/app-error'
import type { PlanDestination } from '../../../shared/backup-plan-schema'
import type {
  PlanFreshness,
  PlanRunFinished,
  PlanRunTrigger,
  PlanRunView,
  PlanView,
} from '../../../shared/backup-plan-types'
import type { ConsulConnection } from '../consul/consul-connection'
import type { AgentLogger } from '../backups/agent-logger'
import type { Destination } from '../backups/destination'
import { openRunJournal, type PlanCycleContext } from '../backups/run-journal'
import { expectedGapMs, type Schedule } from '../backups/schedule'
import { runSnapshotCycle, type CycleReport, type SaveFunction } from '../backups/snapshot-cycle'
import { unstoredCycleReport } from '../backups/unstored-cycle-report'
import { cycleView, readPlanHistory } from './plan-history'
import { planLocks, type PlanLockEnvironment, type PlanLocks } from './plan-locks'
import { engineSchedule, latestDueRun, upcomingRun } from './plan-schedule'
import type { StoredPlan } from './plan-file'
import type { PlanStore } from './plan-store'
import type { SecretStore } from '../profiles/secret-store'
import { planDestination } from './plan-destination-config'

/** Timers, injected so tests drive the schedule with a clock of their own. */
export interface PlanTimers {
  set(callback: () => void, ms: number): unknown
  clear(handle: unknown): void
}

export const realTimers: PlanTimers = {
  set(callback, ms) {
    const handle = setTimeout(callback, ms)
    // A pending backup must not keep a host process alive that is otherwise done.
    handle.unref()
    return handle
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

export interface PlanRunnerDependencies {
  store: PlanStore
  /** Per plan: `plans/<id>/` with the run journal, the claims and the run lock. */
  dataDir: string
  /** The profile's connection with its secrets (main process only). */
  connectionFor(profileId: string): Promise<ConsulConnection>
  save: SaveFunction
  /** Where remote destinations' secrets are read when a run starts. */
  secrets: SecretStore
  /** Tests put a destination of their own here; by default, the agent's destination factory. */
  destinationFor?: (destination: PlanDestination, planId: string) => Destination | Promise<Destination>
  clock?: () => Date
  now?: () => number
  timers?: PlanTimers
  logger: AgentLogger
  onRunFinished?: (event: PlanRunFinished) => void
  lockEnvironment?: PlanLockEnvironment
}

/** A timer longer than this is re-armed on expiry (setTimeout holds at most ~24.8 days). */
const MAX_TIMER_MS = 6 * 3_600_000

/**
 * Runs due backup plans in the host with the agent's engine (runSnapshotCycle: save, verify,
 * store in every destination, then retention by planRetention). At start, a run missed while the
 * host was down runs once; then each plan has one timer for its next run. A run takes the plan's
 * run lock and each scheduled occurrence is claimed first (plan-locks.ts), so two hosts on one
 * data folder never run the same plan twice.
 */
export class PlanRunner {
  private readonly timers = new Map<string, unknown>()
  private readonly running = new Set<string>()
  private readonly pending = new Set<Promise<unknown>>()
  private readonly stopping = new AbortController()
  private readonly clock: () => Date
  private readonly now: () => number
  private readonly timerApi: PlanTimers
  private unsubscribe: (() => void) | null = null

  constructor(private readonly deps: PlanRunnerDependencies) {
    this.clock = deps.clock ?? (() => new Date())
    this.now = deps.now ?? (() => performance.now())
    this.timerApi = deps.timers ?? realTimers
  }

  /** Catches up missed runs (once per plan), then arms every plan's timer. */
  async start(): Promise<void> {
    this.unsubscribe = this.deps.store.onChange(() => this.track(this.armAll()))
    for (const plan of this.deps.store.list()) {
      if (plan.input.paused) continue
      const schedule = engineSchedule(plan.input.schedule)
      const due = latestDueRun(schedule, await this.reference(plan), this.clock(), plan.id)
      if (due && (await this.locks(plan.id).claim(due.nominal)))
        this.track(this.runQuietly(plan.id, 'catch-up', due.nominal))
    }
    await this.armAll()
  }

  /** Stops the timers, aborts runs in flight (nothing half-stored: the engine gives files back). */
  async stop(): Promise<void> {
    this.unsubscribe?.()
    this.stopping.abort()
    for (const handle of this.timers.values()) this.timerApi.clear(handle)
    this.timers.clear()
    await this.idle()
  }

  /** Resolves once no run or re-arming started by the runner is in progress. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }

  runNow(planId: string): Promise<PlanRunView> {
    this.deps.store.get(planId)
    return this.track(this.run(planId, 'manual', this.clock()))
  }

  history(planId: string, limit: number): Promise<PlanRunView[]> {
    return readPlanHistory(this.journalPath(planId), limit)
  }

  async view(plan: StoredPlan): Promise<PlanView> {
    const runs = await this.history(plan.id, 1000)
    const lastRun = runs[0] ?? null
    const lastSuccessAt = runs.find((run) => run.ok)?.endedAt ?? null
    const schedule = engineSchedule(plan.input.schedule)
    const now = this.clock()
    const next = plan.input.paused ? null : upcomingRun(schedule, await this.reference(plan), now, plan.id)
    return {
      ...structuredClone(plan.input),
      id: plan.id,
      createdAt: plan.createdAt,
      updatedAt: plan.updatedAt,
      nextRunAt: next?.at.toISOString() ?? null,
      lastRun,
      lastSuccessAt,
      freshness: freshnessOf(plan, schedule, lastRun, lastSuccessAt, now),
      running: this.running.has(plan.id),
    }
  }

  private async armAll(): Promise<void> {
    const plans = this.deps.store.list()
    const ids = new Set(plans.map((plan) => plan.id))
    for (const [id, handle] of this.timers)
      if (!ids.has(id)) {
        this.timerApi.clear(handle)
        this.timers.delete(id)
      }
    for (const plan of plans) await this.arm(plan)
  }

  private async arm(plan: StoredPlan): Promise<void> {
    const previous = this.timers.get(plan.id)
    if (previous !== undefined) this.timerApi.clear(previous)
    this.timers.delete(plan.id)
    if (plan.input.paused || this.stopping.signal.aborted) return
    const schedule = engineSchedule(plan.input.schedule)
    const next = upcomingRun(schedule, await this.reference(plan), this.clock(), plan.id)
    if (next === null) return
    const delay = Math.max(0, next.at.getTime() - this.clock().getTime())
    const handle = this.timerApi.set(
      () => {
        if (this.timers.get(plan.id) !== handle) return
        this.timers.delete(plan.id)
        this.track(this.fire(plan.id, next.at, next.nominal))
      },
      Math.min(delay, MAX_TIMER_MS),
    )
    this.timers.set(plan.id, handle)
  }

  private async fire(planId: string, at: Date, nominal: Date): Promise<void> {
    let plan: StoredPlan
    try {
      plan = this.deps.store.get(planId)
    } catch {
      return
    }
    if (this.clock().getTime() >= at.getTime() && !plan.input.paused) {
      if (await this.locks(planId).claim(nominal)) await this.runQuietly(planId, 'schedule', nominal)
      else this.deps.logger.info('Plan run claimed by another host on this data folder', { planId })
    }
    await this.arm(this.deps.store.get(planId))
  }

  private async runQuietly(planId: string, trigger: PlanRunTrigger, nominal: Date): Promise<void> {
    await this.run(planId, trigger, nominal).catch((error: unknown) =>
      this.deps.logger.warn('Backup plan not run', { planId, trigger, error: toErrorPayload(error).message }),
    )
  }

  private async run(planId: string, trigger: PlanRunTrigger, nominal: Date): Promise<PlanRunView> {
    const plan = this.deps.store.get(planId)
    if (this.stopping.signal.aborted)
      throw new AppError('CANCELLED', 'The app is closing; the plan was not run.')
    const release = await this.locks(planId).acquireRun(this.clock())
    this.running.add(planId)
    const journal = openRunJournal(this.journalPath(planId), this.clock)
    const runId = `${nominal.getTime()}-${randomBytes(4).toString('hex')}`
    const startedAt = this.clock().toISOString()
    const view: PlanRunView = {
      id: runId,
      planId,
      trigger,
      startedAt,
      endedAt: startedAt,
      ok: true,
      cycles: [],
    }
    try {
      for (const profileId of plan.input.profileIds) {
        const context: PlanCycleContext = {
          planId,
          runId,
          trigger,
          nominal: nominal.toISOString(),
          profileId,
          profileName: profileId,
        }
        const report = await this.cycle(plan, context)
        journal.record({ event: 'cycle', serviceId: null, report, plan: context })
        view.cycles.push(cycleView(context, report))
        view.ok = view.ok && report.ok
      }
    } finally {
      view.endedAt = this.clock().toISOString()
      await journal.close()
      this.running.delete(planId)
      await release()
    }
    const failed = view.cycles.find((c) => !c.ok)
    this.deps.onRunFinished?.({
      planId,
      planName: plan.input.name,
      ok: view.ok,
      trigger,
      message: failed ? `${failed.profileName}: ${failed.error?.message ?? 'the backup failed'}` : null,
    })
    this.deps.logger.info(view.ok ? 'Backup plan ran' : 'Backup plan failed', { planId, trigger })
    return view
  }

  private async cycle(plan: StoredPlan, context: PlanCycleContext): Promise<CycleReport> {
    let connection: ConsulConnection
    try {
      connection = await this.deps.connectionFor(context.profileId)
    } catch (error) {
      return failedBeforeStart(this.clock(), error)
    }
    context.profileName = connection.name
    const destinationFor =
      this.deps.destinationFor ??
      ((destination: PlanDestination, planId: string) =>
        planDestination(planId, destination, this.deps.secrets))
    let destinations: Destination[]
    try {
      destinations = await Promise.all(plan.input.destinations.map((d) => destinationFor(d, plan.id)))
    } catch (error) {
      // A missing secret or a store setting the host refuses (an unreadable key file): the run
      // fails with the reason, before anything is saved.
      return failedBeforeStart(this.clock(), error)
    }
    const firstLocal = plan.input.destinations.find((d) => d.kind === 'local')
    try {
      return await runSnapshotCycle(
        {
          connection,
          datacenter: plan.input.options.datacenter,
          stale: plan.input.options.stale,
          // Staged in the (first) local destination, as the agent does: handing over is a link.
          scratchPath: firstLocal?.path ?? join(this.deps.dataDir, 'plans', plan.id, 'scratch'),
          nameTemplate: plan.input.options.nameTemplate,
          retention: plan.input.retention,
          signal: this.stopping.signal,
        },
        { save: this.deps.save, destinations, clock: this.clock, now: this.now, logger: this.deps.logger },
      )
    } finally {
      // Each cycle opens its own store clients: end their connections with it.
      await Promise.all(destinations.map((destination) => destination.close()))
    }
  }

  private async reference(plan: StoredPlan): Promise<Date> {
    return (await this.locks(plan.id).lastClaim()) ?? new Date(plan.createdAt)
  }

  private locks(planId: string): PlanLocks {
    return planLocks(join(this.deps.dataDir, 'plans', planId), this.deps.lockEnvironment)
  }

  private journalPath(planId: string): string {
    return join(this.deps.dataDir, 'plans', planId, 'runs.jsonl')
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work)
    void work.then(
      () => this.pending.delete(work),
      () => this.pending.delete(work),
    )
    return work
  }
}

function freshnessOf(
  plan: StoredPlan,
  schedule: Schedule,
  lastRun: PlanRunView | null,
  lastSuccessAt: string | null,
  now: Date,
): PlanFreshness {
  if (plan.input.paused) return 'paused'
  if (lastRun !== null && !lastRun.ok) return 'failing'
  const since = lastSuccessAt ?? (lastRun === null ? null : lastRun.endedAt)
  const lateAfter = 2 * expectedGapMs(schedule, now)
  if (since === null) return now.getTime() - new Date(plan.createdAt).getTime() > lateAfter ? 'late' : 'never'
  return now.getTime() - new Date(since).getTime() > lateAfter ? 'late' : 'ok'
}

/** A cycle that could not start (the profile is gone): recorded like any failed cycle. */
function failedBeforeStart(at: Date, error: unknown): CycleReport {
  return unstoredCycleReport(String(BigInt(at.getTime()) * 1_000_000n), at, at, toErrorPayload(error))
}
