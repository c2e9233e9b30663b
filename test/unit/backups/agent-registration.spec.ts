import { afterEach, describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../../src/main/services/backups/agent-logger'
import {
  AgentRegistration,
  ALIVE_CHECK_NAME,
  ALIVE_PASS_EVERY_MS,
  REREGISTER_EVERY_MS,
  SAVING_CHECK_NAME,
  type RegistrationOptions,
} from '../../../src/main/services/backups/agent-registration'
import { InMemoryConsulApi } from '../../support/in-memory-consul-api'

const SERVICE_ID = 'consul-snapshot:5f1c'
const options: RegistrationOptions = {
  service: 'consul-snapshot',
  serviceId: SERVICE_ID,
  deregisterAfterMs: 72 * 3_600_000,
  savingTtlMs: 2 * 3_600_000,
  meta: { version: '0.1.0' },
}

/** The registration's timers, fired by the spec instead of the wall clock. */
class ManualSleep {
  private pending: Array<{ ms: number; resolve: () => void }> = []
  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      this.pending.push({ ms, resolve })
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
    })
  /** Ends every pause of `ms` now waiting; the loops then do their work and wait again. */
  fire(ms: number): void {
    const due = this.pending.filter((entry) => entry.ms === ms)
    this.pending = this.pending.filter((entry) => entry.ms !== ms)
    for (const entry of due) entry.resolve()
  }
}

const running: AgentRegistration[] = []
afterEach(async () => {
  for (const registration of running.splice(0)) await registration.stop()
})

async function started(
  api: InMemoryConsulApi,
  clock = new ManualSleep(),
  overrides: Partial<RegistrationOptions> = {},
) {
  const registration = new AgentRegistration(
    { ...options, ...overrides },
    { client: api, logger: silentLogger, sleep: clock.sleep },
  )
  await registration.start()
  running.push(registration)
  return registration
}

describe('AgentRegistration: the agent as a Consul service with TTL checks', () => {
  it('registers <service>:<uuid> with a passing Alive check that Consul removes after deregister_after', async () => {
    const api = new InMemoryConsulApi()
    const registration = await started(api)

    expect(api.services.get(SERVICE_ID)).toEqual({ name: 'consul-snapshot', meta: { version: '0.1.0' } })
    expect(api.checks.get(registration.aliveCheckId)).toMatchObject({
      name: ALIVE_CHECK_NAME,
      serviceId: SERVICE_ID,
      ttl: '30s',
      status: 'passing',
      deregisterAfter: '72h0m0s',
    })
    // Only the leader carries the Saving check.
    expect(api.checks.has(registration.savingCheckId)).toBe(false)
  })

  it('leaves out DeregisterCriticalServiceAfter when deregister_after is 0', async () => {
    const api = new InMemoryConsulApi()
    const registration = await started(api, new ManualSleep(), { deregisterAfterMs: 0 })
    expect(api.checks.get(registration.aliveCheckId)?.deregisterAfter).toBeNull()
  })

  it('adds the Saving check on its own instance on leadership, critical until the first snapshot passes it', async () => {
    const api = new InMemoryConsulApi()
    const registration = await started(api)

    await registration.becameLeader()
    expect(api.checks.get(registration.savingCheckId)).toMatchObject({
      name: SAVING_CHECK_NAME,
      serviceId: SERVICE_ID,
      ttl: '2h0m0s',
      status: 'critical',
    })
    await registration.passSaving('Saved consul-1.snap')
    expect(api.checks.get(registration.savingCheckId)).toMatchObject({
      status: 'passing',
      output: 'Saved consul-1.snap',
    })
  })

  it('warns on the Saving check when a snapshot reached only some destinations', async () => {
    const api = new InMemoryConsulApi()
    const registration = await started(api)
    await registration.becameLeader()
    await registration.warnSaving('Stored in 1 of 2 destinations; failed: s3://b/')
    expect(api.checks.get(registration.savingCheckId)).toMatchObject({
      status: 'warning',
      output: 'Stored in 1 of 2 destinations; failed: s3://b/',
    })
  })

  it('marks the Saving check critical at once when leadership is lost, and a standby never passes it', async () => {
    const api = new InMemoryConsulApi()
    const registration = await started(api)
    await registration.becameLeader()
    await registration.passSaving('ok')

    await registration.lostLeadership('Lost leadership, stopping snapshots')
    expect(api.checks.get(registration.savingCheckId)).toMatchObject({
      status: 'critical',
      output: 'Lost leadership, stopping snapshots',
    })
    await registration.passSaving('a late cycle')
    expect(api.checks.get(registration.savingCheckId)?.status).toBe('critical')
  })

  it('keeps the Alive check passing on its timer', async () => {
    const api = new InMemoryConsulApi()
    const clock = new ManualSleep()
    const registration = await started(api, clock)
    api.checks.get(registration.aliveCheckId)!.status = 'critical'

    clock.fire(ALIVE_PASS_EVERY_MS)
    await vi.waitFor(() => expect(api.checks.get(registration.aliveCheckId)?.status).toBe('passing'))
  })

  it('registers again, Saving check included, when the local agent lost the service (agent restart)', async () => {
    const api = new InMemoryConsulApi()
    const clock = new ManualSleep()
    const registration = await started(api, clock)
    await registration.becameLeader()
    api.services.clear()
    api.checks.clear()

    clock.fire(REREGISTER_EVERY_MS)
    await vi.waitFor(() => expect(api.checks.get(registration.savingCheckId)?.name).toBe(SAVING_CHECK_NAME))
    expect(api.services.has(SERVICE_ID)).toBe(true)
    expect(api.checks.get(registration.aliveCheckId)?.status).toBe('passing')
  })

  it('deregisters the service and its checks on stop, and keeps the upkeep quiet afterwards', async () => {
    const api = new InMemoryConsulApi()
    const clock = new ManualSleep()
    const registration = await started(api, clock)
    await registration.becameLeader()

    await registration.stop()
    running.splice(running.indexOf(registration), 1)
    expect(api.services.size).toBe(0)
    expect(api.checks.size).toBe(0)
    const callsAfterStop = api.calls.length
    clock.fire(REREGISTER_EVERY_MS)
    clock.fire(ALIVE_PASS_EVERY_MS)
    await new Promise((resolve) => setImmediate(resolve))
    expect(api.calls).toHaveLength(callsAfterStop)
  })
})
