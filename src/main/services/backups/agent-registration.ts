import type { ConsulClient } from '../consul/consul-client'
import type { AgentLogger } from './agent-logger'
import { fixedLengthBody } from './fixed-length-body'
import { formatGoDuration } from './go-duration'

/**
 * The agent as a Consul service, as the Enterprise agent registers itself: service `<service>`
 * with ID `<service>:<uuid>` on the local agent, an "Alive" TTL check on every instance, and a
 * "Saving Snapshots" TTL check that only the leader adds to its own instance. Operators tell the
 * saver from the standbys in the catalog, and a Saving check that is not passed within two
 * intervals alerts.
 */
export const ALIVE_CHECK_NAME = 'Consul Snapshot Agent Alive'
export const SAVING_CHECK_NAME = 'Consul Snapshot Agent Saving Snapshots'
/** Ours: the leader's scheduled integrity re-check and restore drill, each on its own check. */
export const VERIFY_CHECK_NAME = 'Consul Snapshot Agent Verifying Backups'
export const DRILL_CHECK_NAME = 'Consul Snapshot Agent Restore Drill'
export const ALIVE_TTL_MS = 30_000
export const ALIVE_PASS_EVERY_MS = 15_000
export const REREGISTER_EVERY_MS = 30_000

type Verb = 'pass' | 'warn' | 'fail'
const VERB: Record<CheckStatus, Verb> = { passing: 'pass', warning: 'warn', critical: 'fail' }

export interface RegistrationOptions {
  service: string
  serviceId: string
  /** 0: never. */
  deregisterAfterMs: number
  /** TTL of the Saving check: 2 × the expected gap between runs. */
  savingTtlMs: number
  meta?: Record<string, string>
}

export interface RegistrationDependencies {
  /** Only these two calls: unit specs stand in an in-memory Consul. */
  client: Pick<ConsulClient, 'send' | 'getJson'>
  logger: AgentLogger
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

export type CheckStatus = 'passing' | 'warning' | 'critical'

/** A check only the leader carries, besides Saving: its last state, to register it again as it was. */
interface LeaderCheck {
  name: string
  ttlMs: number
  status: CheckStatus
  note: string
}

export class AgentRegistration {
  readonly aliveCheckId: string
  readonly savingCheckId: string
  private leader = false
  private leaderChecks = new Map<string, LeaderCheck>()
  private stopper = new AbortController()
  private loops: Promise<void>[] = []

  constructor(
    private readonly options: RegistrationOptions,
    private readonly deps: RegistrationDependencies,
  ) {
    this.aliveCheckId = `${options.serviceId}:alive`
    this.savingCheckId = `${options.serviceId}:saving`
  }

  /** Registers, then keeps the Alive check passing and the registration present until `stop`. */
  async start(): Promise<void> {
    await this.register()
    const stop = this.stopper.signal
    this.loops.push(this.every(ALIVE_PASS_EVERY_MS, stop, () => this.passAlive()))
    this.loops.push(this.every(REREGISTER_EVERY_MS, stop, () => this.ensureRegistered()))
  }

  async becameLeader(): Promise<void> {
    this.leader = true
    await this.registerSavingCheck()
  }

  /**
   * Marks the Saving check critical at once (lost leadership, gave it up, or shutting down) and
   * removes the leader's other checks: a standby has no verdict on the backups; the next leader
   * registers its own from the status in KV.
   */
  async lostLeadership(note: string): Promise<void> {
    if (!this.leader) return
    this.leader = false
    await this.updateCheck(this.savingCheckId, 'fail', note)
    for (const id of [...this.leaderChecks.keys()]) await this.removeLeaderCheck(id)
  }

  /** The check ID of a leader check on this instance (`<service ID>:<suffix>`). */
  leaderCheckId(suffix: string): string {
    return `${this.options.serviceId}:${suffix}`
  }

  /**
   * Adds or updates a leader check (a TTL check: when the step stops running, Consul turns it
   * critical after `ttlMs`). Only while leading.
   */
  async setLeaderCheck(id: string, check: LeaderCheck): Promise<void> {
    if (!this.leader) return
    const known = this.leaderChecks.has(id)
    this.leaderChecks.set(id, check)
    try {
      if (!known) await this.registerLeaderCheck(id, check)
    } catch (error) {
      this.deps.logger.warn('Could not register a health check', {
        check: id,
        error: (error as Error).message,
      })
      return
    }
    await this.updateCheck(id, VERB[check.status], check.note)
  }

  private async removeLeaderCheck(id: string): Promise<void> {
    this.leaderChecks.delete(id)
    await this.put(`/v1/agent/check/deregister/${encodeURIComponent(id)}`).catch((error: unknown) =>
      this.deps.logger.warn('Could not remove a health check', {
        check: id,
        error: (error as Error).message,
      }),
    )
  }

  private async registerLeaderCheck(id: string, check: LeaderCheck): Promise<void> {
    await this.put('/v1/agent/check/register', {
      ID: id,
      Name: check.name,
      ServiceID: this.options.serviceId,
      TTL: formatGoDuration(check.ttlMs),
      Status: check.status,
    })
  }

  async passSaving(note: string): Promise<void> {
    if (this.leader) await this.updateCheck(this.savingCheckId, 'pass', note)
  }

  /** A snapshot was taken but some destinations failed: the check warns instead of passing. */
  async warnSaving(note: string): Promise<void> {
    if (this.leader) await this.updateCheck(this.savingCheckId, 'warn', note)
  }

  /** Stops the loops and removes the service (its checks go with it). */
  async stop(): Promise<void> {
    this.stopper.abort()
    await Promise.allSettled(this.loops)
    await this.put(`/v1/agent/service/deregister/${encodeURIComponent(this.options.serviceId)}`).catch(
      (error: unknown) =>
        this.deps.logger.warn('Could not deregister the service', { error: (error as Error).message }),
    )
  }

  private async register(): Promise<void> {
    const check: Record<string, unknown> = {
      CheckID: this.aliveCheckId,
      Name: ALIVE_CHECK_NAME,
      TTL: formatGoDuration(ALIVE_TTL_MS),
      Status: 'passing',
    }
    if (this.options.deregisterAfterMs > 0)
      check.DeregisterCriticalServiceAfter = formatGoDuration(this.options.deregisterAfterMs)
    await this.put('/v1/agent/service/register', {
      ID: this.options.serviceId,
      Name: this.options.service,
      Meta: this.options.meta ?? {},
      Checks: [check],
    })
    if (this.leader) await this.registerSavingCheck()
    if (this.leader)
      for (const [id, check] of this.leaderChecks) {
        await this.registerLeaderCheck(id, check)
        await this.updateCheck(id, VERB[check.status], check.note)
      }
  }

  private async registerSavingCheck(): Promise<void> {
    // No initial status: a TTL check starts critical, and the first snapshot (taken right after
    // obtaining leadership) passes it.
    await this.put('/v1/agent/check/register', {
      ID: this.savingCheckId,
      Name: SAVING_CHECK_NAME,
      ServiceID: this.options.serviceId,
      TTL: formatGoDuration(this.options.savingTtlMs),
    })
  }

  private async passAlive(): Promise<void> {
    await this.updateCheck(this.aliveCheckId, 'pass', 'running')
  }

  private async ensureRegistered(): Promise<void> {
    const { status } = await this.deps.client.getJson(
      `/v1/agent/service/${encodeURIComponent(this.options.serviceId)}`,
      { accept: [404] },
    )
    if (status === 404) {
      this.deps.logger.warn('The local Consul agent lost our registration; registering again')
      await this.register()
    }
  }

  private async updateCheck(checkId: string, verb: Verb, note: string): Promise<void> {
    try {
      await this.put(
        `/v1/agent/check/${verb}/${encodeURIComponent(checkId)}?note=${encodeURIComponent(note)}`,
      )
    } catch (error) {
      this.deps.logger.warn('Could not update a health check', {
        check: checkId,
        error: (error as Error).message,
      })
    }
  }

  private async every(ms: number, stop: AbortSignal, work: () => Promise<void>): Promise<void> {
    while (!stop.aborted) {
      try {
        await this.deps.sleep(ms, stop)
      } catch {
        return
      }
      await work().catch((error: unknown) =>
        this.deps.logger.debug('Registration upkeep failed', { error: (error as Error).message }),
      )
    }
  }

  private async put(pathAndQuery: string, body?: unknown): Promise<void> {
    const [path = '', search = ''] = pathAndQuery.split('?')
    const query: Record<string, string> = {}
    for (const [key, value] of new URLSearchParams(search)) query[key] = value
    const response = await this.deps.client.send({
      method: 'PUT',
      path,
      query,
      ...(body === undefined ? {} : fixedLengthBody(JSON.stringify(body))),
      signal: AbortSignal.timeout(15_000),
    })
    await response.body.dump()
  }
}
