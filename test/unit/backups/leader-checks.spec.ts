import { afterEach, describe, expect, it, vi } from 'vitest'
import type { AgentChecksConfig } from '../../../src/main/services/backups/agent-checks-config'
import {
  verdictOf,
  type CheckedBackup,
  type CheckKind,
  type CheckReport,
} from '../../../src/main/services/backups/agent-check-report'
import { silentLogger } from '../../../src/main/services/backups/agent-logger'
import {
  AgentRegistration,
  DRILL_CHECK_NAME,
  VERIFY_CHECK_NAME,
} from '../../../src/main/services/backups/agent-registration'
import { agentStatusSchema, type AgentStatus } from '../../../src/main/services/backups/agent-status-store'
import { runLeaderChecks, type CheckRunner } from '../../../src/main/services/backups/leader-checks'
import type { JournalEvent } from '../../../src/main/services/backups/run-journal'
import { SerialLane } from '../../../src/main/services/backups/serial-lane'
import { InMemoryConsulApi } from '../../support/in-memory-consul-api'

const HOUR = 3_600_000
const SERVICE_ID = 'consul-snapshot:7a2e'
const STATUS_KEY = 'consul-snapshot/lock-status'

/** A wall clock and sleeps that move only when the spec advances them. */
class FakeTime {
  private at: number
  private sleepers: { due: number; resolve: () => void }[] = []
  constructor(start: string) {
    this.at = Date.parse(start)
  }
  readonly clock = () => new Date(this.at)
  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      const sleeper = { due: this.at + ms, resolve }
      this.sleepers.push(sleeper)
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper)
          reject(signal.reason)
        },
        { once: true },
      )
    })
  advance(ms: number): void {
    this.at += ms
    const due = this.sleepers.filter((s) => s.due <= this.at)
    this.sleepers = this.sleepers.filter((s) => s.due > this.at)
    for (const s of due) s.resolve()
  }
  get waiting(): number {
    return this.sleepers.length
  }
}

function report(kind: CheckKind, at: Date, backups: CheckedBackup[]): CheckReport {
  return {
    kind,
    ...verdictOf(kind, backups),
    startedAt: at.toISOString(),
    endedAt: at.toISOString(),
    durationMs: 0,
    backups,
    error: null,
  }
}

const sound = (name: string): CheckedBackup => ({
  destination: 'local:/backups',
  name,
  outcome: 'verified',
  message: 'sound (index 42)',
})

const stoppers: AbortController[] = []
const loops: Promise<void>[] = []
afterEach(async () => {
  for (const stop of stoppers.splice(0)) stop.abort()
  await Promise.all(loops.splice(0))
})

async function leader(api: InMemoryConsulApi) {
  const registration = new AgentRegistration(
    { service: 'consul-snapshot', serviceId: SERVICE_ID, deregisterAfterMs: 0, savingTtlMs: 2 * HOUR },
    { client: api, logger: silentLogger, sleep: () => new Promise(() => undefined) },
  )
  await registration.becameLeader()
  return registration
}

function start(
  api: InMemoryConsulApi,
  time: FakeTime,
  registration: AgentRegistration,
  checks: AgentChecksConfig,
  run: CheckRunner,
  lane = new SerialLane(),
) {
  const journal: JournalEvent[] = []
  const stop = new AbortController()
  stoppers.push(stop)
  const loop = runLeaderChecks(
    {
      checks,
      client: api,
      statusKey: STATUS_KEY,
      serviceId: SERVICE_ID,
      run,
      lane,
      registration,
      journal: { record: (event) => journal.push(event), close: async () => undefined },
      logger: silentLogger,
      clock: time.clock,
      sleep: time.sleep,
    },
    stop.signal,
  )
  loops.push(loop)
  return { journal, stop, loop }
}

const status = (api: InMemoryConsulApi): AgentStatus | null => {
  const entry = api.kv.get(STATUS_KEY)
  return entry ? agentStatusSchema.parse(JSON.parse(entry.value)) : null
}

const verifyDaily: AgentChecksConfig = { verify: { intervalMs: 24 * HOUR }, drill: null, identityFile: null }

describe('the leader runs the scheduled checks', () => {
  it('verifies at once when no run is on record, then every interval, recording journal, KV status and a passing check', async () => {
    const api = new InMemoryConsulApi()
    const time = new FakeTime('2026-12-01T10:00:00Z')
    const registration = await leader(api)
    const runs: string[] = []
    const { journal } = start(api, time, registration, verifyDaily, async (kind) => {
      runs.push(`${kind} at ${time.clock().toISOString()}`)
      return report(kind, time.clock(), [sound('consul-1.snap')])
    })

    await vi.waitFor(() => expect(status(api)?.lastVerify?.severity).toBe('passing'))
    expect(runs).toEqual(['verify at 2026-12-01T10:00:00.000Z'])
    expect(api.checks.get(`${SERVICE_ID}:verify`)).toMatchObject({
      name: VERIFY_CHECK_NAME,
      serviceId: SERVICE_ID,
      ttl: '48h0m0s',
      status: 'passing',
    })
    expect(api.checks.get(`${SERVICE_ID}:verify`)?.output).toContain('consul-1.snap')
    expect(journal).toMatchObject([{ event: 'check', serviceId: SERVICE_ID, report: { kind: 'verify' } }])

    await vi.waitFor(() => expect(time.waiting).toBe(1))
    time.advance(23 * HOUR)
    await new Promise((resolve) => setImmediate(resolve))
    expect(runs).toHaveLength(1)
    time.advance(HOUR)
    await vi.waitFor(() =>
      expect(runs).toEqual(['verify at 2026-12-01T10:00:00.000Z', 'verify at 2026-12-02T10:00:00.000Z']),
    )
  })

  it('turns the check critical with the damaged object named first, and keeps the last snapshot results in KV', async () => {
    const api = new InMemoryConsulApi()
    const time = new FakeTime('2026-12-01T10:00:00Z')
    const before: AgentStatus = {
      kind: 'snapshot-studio/agent-status',
      version: 1,
      lastSuccess: null,
      lastFailure: null,
      expectedGapMs: HOUR,
      updatedAt: '2026-12-01T09:00:00.000Z',
    }
    api.putKey(STATUS_KEY, JSON.stringify(before), '0')
    const registration = await leader(api)
    start(api, time, registration, verifyDaily, async (kind) =>
      report(kind, time.clock(), [
        sound('consul-2.snap'),
        {
          destination: 's3://backups/consul-snapshot',
          name: 'consul-3.snap.age',
          outcome: 'damaged',
          message: 'consul-3.snap.age is damaged or was tampered with',
        },
      ]),
    )

    await vi.waitFor(() => expect(api.checks.get(`${SERVICE_ID}:verify`)?.status).toBe('critical'))
    expect(api.checks.get(`${SERVICE_ID}:verify`)?.output).toMatch(
      /^DAMAGED consul-3\.snap\.age in s3:\/\/backups\/consul-snapshot: /,
    )
    expect(status(api)).toMatchObject({
      expectedGapMs: HOUR,
      lastVerify: { severity: 'critical', serviceId: SERVICE_ID },
    })
  })

  it("continues the cluster's schedule from the status key: the verdict of the last leader first, the next run one interval after it", async () => {
    const api = new InMemoryConsulApi()
    const time = new FakeTime('2026-12-01T10:00:00Z')
    api.putKey(
      STATUS_KEY,
      JSON.stringify({
        kind: 'snapshot-studio/agent-status',
        version: 1,
        lastSuccess: null,
        lastFailure: null,
        expectedGapMs: HOUR,
        lastDrill: {
          startedAt: '2026-12-01T04:00:00.000Z',
          endedAt: '2026-12-01T04:01:00.000Z',
          severity: 'critical',
          summary: 'DAMAGED consul-9.snap in local:/b: Consul refused the restore',
          serviceId: 'consul-snapshot:old',
        },
        updatedAt: '2026-12-01T04:01:00.000Z',
      }),
      '0',
    )
    const registration = await leader(api)
    const runs: string[] = []
    start(
      api,
      time,
      registration,
      { verify: null, drill: { intervalMs: 168 * HOUR, consulBinary: null }, identityFile: null },
      async (kind) => {
        runs.push(time.clock().toISOString())
        return report(kind, time.clock(), [{ ...sound('consul-10.snap'), outcome: 'restored' }])
      },
    )

    await vi.waitFor(() => expect(api.checks.get(`${SERVICE_ID}:drill`)?.status).toBe('critical'))
    expect(api.checks.get(`${SERVICE_ID}:drill`)).toMatchObject({ name: DRILL_CHECK_NAME, ttl: '336h0m0s' })
    expect(api.checks.get(`${SERVICE_ID}:drill`)?.output).toContain('consul-9.snap')
    await vi.waitFor(() => expect(time.waiting).toBe(1))
    time.advance(161 * HOUR)
    await new Promise((resolve) => setImmediate(resolve))
    expect(runs).toEqual([])
    time.advance(HOUR)
    await vi.waitFor(() => expect(runs).toEqual(['2026-12-08T04:00:00.000Z']))
    await vi.waitFor(() => expect(api.checks.get(`${SERVICE_ID}:drill`)?.status).toBe('passing'))
  })

  it('waits for work already on the lane (a snapshot cycle) before it reads the destinations', async () => {
    const api = new InMemoryConsulApi()
    const time = new FakeTime('2026-12-01T10:00:00Z')
    const registration = await leader(api)
    const lane = new SerialLane()
    let finishCycle = () => undefined as void
    const order: string[] = []
    void lane.run(
      () =>
        new Promise<void>((resolve) => {
          order.push('cycle started')
          finishCycle = () => {
            order.push('cycle ended')
            resolve()
          }
        }),
    )
    start(
      api,
      time,
      registration,
      verifyDaily,
      async (kind) => {
        order.push('verify')
        return report(kind, time.clock(), [sound('consul-1.snap')])
      },
      lane,
    )
    await vi.waitFor(() => expect(api.checks.has(`${SERVICE_ID}:verify`)).toBe(true))
    await new Promise((resolve) => setImmediate(resolve))
    expect(order).toEqual(['cycle started'])
    finishCycle()
    await vi.waitFor(() => expect(order).toEqual(['cycle started', 'cycle ended', 'verify']))
  })

  it('is a leader-only affair: losing leadership ends the loop and removes the check, and a standby never adds one', async () => {
    const api = new InMemoryConsulApi()
    const time = new FakeTime('2026-12-01T10:00:00Z')
    const registration = await leader(api)
    const { stop, loop } = start(api, time, registration, verifyDaily, async (kind) =>
      report(kind, time.clock(), [sound('consul-1.snap')]),
    )
    await vi.waitFor(() => expect(api.checks.get(`${SERVICE_ID}:verify`)?.status).toBe('passing'))

    stop.abort()
    await loop
    await registration.lostLeadership('Lost leadership')
    expect(api.checks.has(`${SERVICE_ID}:verify`)).toBe(false)

    await registration.setLeaderCheck(`${SERVICE_ID}:verify`, {
      name: VERIFY_CHECK_NAME,
      ttlMs: HOUR,
      status: 'passing',
      note: 'late',
    })
    expect(api.checks.has(`${SERVICE_ID}:verify`)).toBe(false)
  })

  it('runs nothing and registers nothing when neither step is configured', async () => {
    const api = new InMemoryConsulApi()
    const time = new FakeTime('2026-12-01T10:00:00Z')
    const registration = await leader(api)
    const run = vi.fn<CheckRunner>()
    const { loop } = start(api, time, registration, { verify: null, drill: null, identityFile: null }, run)
    await loop
    expect(run).not.toHaveBeenCalled()
    expect([...api.checks.keys()]).toEqual([`${SERVICE_ID}:saving`])
  })
})
