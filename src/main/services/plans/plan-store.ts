import { randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../../shared/app-error'
import { planInputSchema, type PlanInput } from '../../../shared/backup-plan-schema'
import type { PlanStoreNotice } from '../../../shared/backup-plan-types'
import { validateFileNameTemplate } from '../consul/snapshot-file-name'
import { isTimeZone } from '../backups/agent-config'
import type { SecretStore } from '../profiles/secret-store'
import { engineSchedule } from './plan-schedule'
import { applyDestinationSecrets, deleteDestinationSecrets } from './plan-secrets'
import { loadPlanFile, savePlanFile, type PlanFile, type StoredPlan } from './plan-file'

export interface PlanStoreDependencies {
  /** The app's data folder; the plans live in `plans.json` there, beside `profiles.json`. */
  dataDir: string
  /** Whether a connection profile exists, so a plan never names one that does not. */
  profileExists(id: string): boolean
  /** Where the destinations' secrets live (S3 secret keys, Azure keys…), as profiles keep tokens. */
  secrets: SecretStore
  clock?: () => Date
  newId?: () => string
}

/**
 * Backup plans: validated on the way in (the shared schema, then what only the host can check:
 * cron syntax, time zones, the name template, the profiles), written atomically (0600 in the
 * 0700 data folder), a damaged file kept aside and reported. The plan file holds no secret: the
 * token is the profile's, and a remote destination's key is in the SecretStore under the
 * destination's id (plan-secrets.ts); both are read when a run starts.
 */
export class PlanStore {
  private queue: Promise<unknown> = Promise.resolve()
  private listeners = new Set<() => void>()

  private constructor(
    private readonly path: string,
    private file: PlanFile,
    private readonly deps: Required<PlanStoreDependencies>,
  ) {}

  static async open(deps: PlanStoreDependencies): Promise<{ store: PlanStore; notice?: PlanStoreNotice }> {
    const full: Required<PlanStoreDependencies> = { clock: () => new Date(), newId: randomUUID, ...deps }
    await mkdir(deps.dataDir, { recursive: true, mode: 0o700 })
    const path = join(deps.dataDir, 'plans.json')
    const loaded = await loadPlanFile(path, full.clock)
    const store = new PlanStore(path, loaded.file, full)
    return loaded.notice ? { store, notice: loaded.notice } : { store }
  }

  list(): StoredPlan[] {
    return this.file.plans.map((plan) => structuredClone(plan))
  }

  get(id: string): StoredPlan {
    const found = this.file.plans.find((plan) => plan.id === id)
    if (!found)
      throw new AppError('PLAN_NOT_FOUND', `No backup plan has the id "${id}".`, {
        hint: 'It may have been deleted; reload the list.',
      })
    return structuredClone(found)
  }

  /** Called after every change (the runner re-arms its timers). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  create(input: unknown): Promise<StoredPlan> {
    return this.serialise(async () => {
      const valid = this.validate(input)
      this.assertNameFree(valid.name)
      const at = this.deps.clock().toISOString()
      const id = this.deps.newId()
      const destinations = await this.withSecrets(id, valid, [])
      const plan: StoredPlan = { id, input: { ...valid, destinations }, createdAt: at, updatedAt: at }
      await this.persist({ ...this.file, plans: [...this.file.plans, plan] })
      return structuredClone(plan)
    })
  }

  update(id: string, input: unknown): Promise<StoredPlan> {
    return this.serialise(async () => {
      const current = this.get(id)
      const valid = this.validate(input)
      this.assertNameFree(valid.name, id)
      const destinations = await this.withSecrets(id, valid, current.input.destinations)
      const next: StoredPlan = {
        ...current,
        input: { ...valid, destinations },
        updatedAt: this.deps.clock().toISOString(),
      }
      await this.persist({ ...this.file, plans: this.file.plans.map((p) => (p.id === id ? next : p)) })
      return structuredClone(next)
    })
  }

  setPaused(id: string, paused: boolean): Promise<StoredPlan> {
    return this.serialise(async () => {
      const current = this.get(id)
      const next: StoredPlan = {
        ...current,
        input: { ...current.input, paused },
        updatedAt: this.deps.clock().toISOString(),
      }
      await this.persist({ ...this.file, plans: this.file.plans.map((p) => (p.id === id ? next : p)) })
      return structuredClone(next)
    })
  }

  remove(id: string): Promise<void> {
    return this.serialise(async () => {
      const current = this.get(id)
      await this.persist({ ...this.file, plans: this.file.plans.filter((p) => p.id !== id) })
      await deleteDestinationSecrets(id, current.input.destinations, this.deps.secrets)
    })
  }

  /** The schema's rules, then the host's: throws PLAN_INVALID naming the field. */
  validate(input: unknown): PlanInput {
    const parsed = planInputSchema.safeParse(input)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw invalid(issue?.path.join('.') || 'plan', issue?.message ?? 'invalid')
    }
    const plan = parsed.data
    for (const [i, profileId] of plan.profileIds.entries())
      if (!this.deps.profileExists(profileId))
        throw invalid(`profileIds.${i}`, 'this connection no longer exists')
    try {
      engineSchedule(plan.schedule)
    } catch (error) {
      throw invalid('schedule', error instanceof AppError ? error.message : String(error))
    }
    if (!isTimeZone(plan.retention.timeZone))
      throw invalid('retention.timeZone', `"${plan.retention.timeZone}" is not an IANA time zone`)
    if (plan.options.nameTemplate !== null) {
      try {
        validateFileNameTemplate(plan.options.nameTemplate)
      } catch (error) {
        throw invalid('options.nameTemplate', error instanceof AppError ? error.message : String(error))
      }
    }
    return plan
  }

  private withSecrets(planId: string, plan: PlanInput, current: PlanInput['destinations']) {
    return applyDestinationSecrets({
      planId,
      next: plan.destinations,
      current,
      secrets: this.deps.secrets,
      newId: () => randomUUID(),
    })
  }

  private assertNameFree(name: string, exceptId?: string): void {
    const lower = name.toLowerCase()
    if (this.file.plans.some((p) => p.id !== exceptId && p.input.name.toLowerCase() === lower))
      throw invalid('name', `a plan named "${name}" already exists`)
  }

  private async persist(file: PlanFile): Promise<void> {
    await savePlanFile(this.path, file)
    this.file = file
    for (const listener of this.listeners) listener()
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work)
    this.queue = run.catch(() => undefined)
    return run
  }
}

function invalid(field: string, message: string): AppError {
  return new AppError('PLAN_INVALID', `The backup plan is not valid: ${field}: ${message}.`, {
    hint: 'Correct the highlighted field and save again.',
    details: { field },
  })
}
