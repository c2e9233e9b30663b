/**
 * Backup plans in a host: the plan store beside the profiles, the runner with the agent's engine
 * (save through the same verification as every save, local destinations, the engine's
 * retention), previews and the export for servers, as the API's PlansPort.
 */
import type { PlanRunFinished, PlanStoreNotice } from '../../shared/backup-plan-types'
import { AppError } from '../../shared/app-error'
import type { PlanDestination, PlanInput } from '../../shared/backup-plan-schema'
import type { AgentLogger } from '../services/backups/agent-logger'
import { nextRuns } from '../services/backups/schedule'
import type { SaveFunction } from '../services/backups/snapshot-cycle'
import { saveSnapshot } from '../services/consul/save-snapshot'
import { createTransferVerifiers } from '../services/consul/transfer-verifiers'
import { exportPlanForServers } from '../services/plans/plan-export'
import { PlanRunner, type PlanTimers } from '../services/plans/plan-runner'
import { planDestination } from '../services/plans/plan-destination-config'
import { savedDestinationFor } from '../services/plans/saved-destination'
import type { PlanLockEnvironment } from '../services/plans/plan-locks'
import { engineSchedule } from '../services/plans/plan-schedule'
import { PlanStore } from '../services/plans/plan-store'
import { previewRetentionEach } from '../services/plans/retention-preview'
import type { ProfileService, SecretStore } from '../services/profiles'
import { bundleDir } from './bundle-dir'
import type { PlansPort } from './host-services'
import type { Destination } from '../services/backups/destination'
import type { OpenedDestination, StoredBackupsRef } from '../services/stored-backups/stored-backups-service'

export interface PlansComposition {
  port: PlansPort
  /** The stored plans as entered (no run state), for the fleet's "no scheduled backups". */
  inputs(): PlanInput[]
  /** Where run results go (the dispatcher's broadcast, a desktop notification). */
  onRunFinished(listener: (event: PlanRunFinished) => void): () => void
  /** A plan's destination opened for the Backups view (stored-backups), with how the plan names backups. */
  openDestination(ref: StoredBackupsRef): Promise<OpenedDestination>
  /** Catch-up of missed runs, then the timers. */
  start(): Promise<void>
  /** Resolves when no run started by the schedule is in progress (tests with a manual clock). */
  idle(): Promise<void>
  dispose(): Promise<void>
}

export interface PlansOptions {
  dataDir: string
  profiles: ProfileService
  /** Where remote destinations' secrets live: the profiles' store. */
  secrets: SecretStore
  logger: AgentLogger
  save?: SaveFunction
  clock?: () => Date
  timers?: PlanTimers
  lockEnvironment?: PlanLockEnvironment
  /** Browser mode: paths in profiles came from a page (token files are held to their shape). */
  untrustedPaths?: boolean
}

export async function composePlans(options: PlansOptions): Promise<PlansComposition> {
  const { profiles } = options
  const clock = options.clock ?? (() => new Date())
  const profileExists = (id: string) => profiles.list().some((p) => p.id === id)
  const opened = await PlanStore.open({
    dataDir: options.dataDir,
    profileExists,
    secrets: options.secrets,
    clock,
  })
  const store = opened.store
  let pendingNotice: PlanStoreNotice | null = opened.notice ?? null
  const listeners = new Set<(event: PlanRunFinished) => void>()
  const verifiers = createTransferVerifiers({ bundleDir: bundleDir() })
  const runner = new PlanRunner({
    store,
    dataDir: options.dataDir,
    secrets: options.secrets,
    connectionFor: async (id) => {
      const connection = await profiles.connectionFor(id)
      return options.untrustedPaths ? { ...connection, untrustedPaths: true } : connection
    },
    save: options.save ?? ((saveOptions) => saveSnapshot(saveOptions, verifiers)),
    clock,
    timers: options.timers,
    logger: options.logger,
    lockEnvironment: options.lockEnvironment,
    onRunFinished: (event) => {
      for (const listener of listeners) listener(event)
    },
  })
  const profileName = (id: string | undefined) =>
    (id !== undefined ? profiles.list().find((p) => p.id === id)?.name : undefined) ?? 'consul'

  const port: PlansPort = {
    async list() {
      const notice = pendingNotice
      pendingNotice = null
      return { plans: await Promise.all(store.list().map((plan) => runner.view(plan))), notice }
    },
    create: async (input) => runner.view(await store.create(input)),
    update: async (id, input) => runner.view(await store.update(id, input)),
    delete: (id) => store.remove(id),
    runNow: (id) => runner.runNow(id),
    setPaused: async (id, paused) => runner.view(await store.setPaused(id, paused)),
    history: (id, limit) => {
      store.get(id)
      return runner.history(id, limit)
    },
    async exportForServers(id, profileId) {
      const plan = store.get(id)
      const chosen = profileId ?? plan.input.profileIds[0]
      if (chosen === undefined || !plan.input.profileIds.includes(chosen))
        throw new AppError('INVALID_ARGUMENT', 'Choose one of the plan\u2019s connections to export.', {
          hint: 'A server agent backs up one cluster: export the plan once per connection.',
        })
      const profile = profiles.get(chosen)
      return exportPlanForServers(plan, { profileName: profile.name, connection: profile.connection })
    },
    previewSchedule(schedule, count, seed) {
      let engine
      try {
        engine = engineSchedule(schedule)
      } catch (error) {
        throw new AppError('PLAN_INVALID', error instanceof Error ? error.message : String(error), {
          hint: 'Correct the schedule.',
          details: { field: 'schedule' },
        })
      }
      const now = clock()
      return nextRuns(engine, count, { after: now, from: now, seed }).map((run) => ({
        nominal: run.nominal.toISOString(),
        at: run.at.toISOString(),
      }))
    },
    previewRetention({ destinations, retention, nameTemplate, profileId }) {
      const open = (destination: PlanDestination) => async () => {
        // A remote destination is previewed only as saved: its secret goes nowhere else.
        const saved = destination.kind === 'local' ? null : savedDestinationFor(store.list(), destination)
        return saved === null
          ? planDestination('', destination, options.secrets)
          : planDestination(saved.planId, saved.destination, options.secrets)
      }
      return previewRetentionEach(
        destinations.map(open),
        retention,
        nameTemplate,
        profileName(profileId),
        clock(),
      )
    },
  }

  // One live destination (and cloud client) per saved version of a plan's destination, not one
  // per request of the Backups view. All are closed when the host stops; an older version is not
  // closed on an edit, as a read the Backups view started on it may still be streaming.
  const destinations = new Map<string, Promise<Destination>>()
  const liveDestination = (
    planId: string,
    index: number,
    version: string,
    open: () => Promise<Destination>,
  ) => {
    const key = `${planId}\0${index}\0${version}`
    let found = destinations.get(key)
    if (found === undefined) {
      found = open()
      destinations.set(key, found)
      found.catch(() => destinations.delete(key))
    }
    return found
  }

  return {
    port,
    inputs: () => store.list().map((plan) => plan.input),
    onRunFinished(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async openDestination({ planId, destinationIndex }) {
      const plan = store.get(planId)
      const destination = plan.input.destinations[destinationIndex]
      if (destination === undefined)
        throw new AppError(
          'INVALID_ARGUMENT',
          `The plan "${plan.input.name}" has no destination ${destinationIndex + 1}.`,
          {
            hint: 'Its destinations changed; reload the Backups view.',
          },
        )
      return {
        // The runner's own resolution, so the view reads exactly where the plan writes.
        destination: await liveDestination(plan.id, destinationIndex, plan.updatedAt, () =>
          planDestination(plan.id, destination, options.secrets),
        ),
        hints: {
          nameTemplate: plan.input.options.nameTemplate,
          profiles: plan.input.profileIds.map((id) => profileName(id)),
        },
      }
    },
    start: () => runner.start(),
    idle: () => runner.idle(),
    async dispose() {
      await runner.stop()
      const opened = await Promise.allSettled(destinations.values())
      destinations.clear()
      await Promise.all(
        opened.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)),
      )
    },
  }
}
