import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { defaultPlanInput } from '../../../src/shared/backup-plan-schema'
import type { PlanRunFinished } from '../../../src/shared/backup-plan-types'
import { silentLogger } from '../../../src/main/services/backups/agent-logger'
import { PlanRunner } from '../../../src/main/services/plans/plan-runner'
import { PlanStore } from '../../../src/main/services/plans/plan-store'
import { FileSecretStore } from '../../../src/main/services/profiles'
import { ManualTime } from '../../support/manual-timers'

describe('PlanRunner', () => {
  it('reports a failed run to the windows, records it, stores nothing and marks the plan failing', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ss-plan-runner-'))
    const folder = join(dataDir, 'backups')
    const time = new ManualTime(new Date('2026-12-01T10:00:00Z'))
    const secrets = new FileSecretStore(join(dataDir, 'secrets.json'))
    const { store } = await PlanStore.open({ dataDir, profileExists: () => true, secrets, clock: time.clock })
    const plan = await store.create({ ...defaultPlanInput(['p1'], folder), name: 'prod' })
    const events: PlanRunFinished[] = []
    const runner = new PlanRunner({
      store,
      dataDir,
      secrets,
      connectionFor: async () => ({
        name: 'prod',
        settings: { address: 'http://127.0.0.1:1', useTls: false, tls: { insecureSkipVerify: false } },
      }),
      save: async () => {
        throw new AppError('CONSUL_UNREACHABLE', 'Consul at 127.0.0.1:1 does not answer.')
      },
      clock: time.clock,
      timers: time.timers,
      logger: silentLogger,
      onRunFinished: (event) => events.push(event),
    })

    const run = await runner.runNow(plan.id)

    expect(run).toMatchObject({ ok: false, trigger: 'manual' })
    expect(events).toEqual([
      {
        planId: plan.id,
        planName: 'prod',
        ok: false,
        trigger: 'manual',
        message: 'prod: Consul at 127.0.0.1:1 does not answer.',
      },
    ])
    expect((await runner.history(plan.id, 5))[0]?.cycles[0]?.error?.code).toBe('CONSUL_UNREACHABLE')
    expect((await runner.view(store.get(plan.id))).freshness).toBe('failing')
    expect((await readdir(folder).catch(() => [])).filter((n) => !n.startsWith('.'))).toEqual([])
    await runner.stop()
  })

  it('does not run a paused plan when its time comes, and runs it again after resume', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ss-plan-runner-'))
    const time = new ManualTime(new Date('2026-12-01T10:00:00Z'))
    const secrets = new FileSecretStore(join(dataDir, 'secrets.json'))
    const { store } = await PlanStore.open({ dataDir, profileExists: () => true, secrets, clock: time.clock })
    const plan = await store.create({ ...defaultPlanInput(['p1'], join(dataDir, 'b')), name: 'prod' })
    let saves = 0
    const runner = new PlanRunner({
      store,
      dataDir,
      secrets,
      connectionFor: async () => ({
        name: 'prod',
        settings: { address: 'x', useTls: false, tls: { insecureSkipVerify: false } },
      }),
      save: async () => {
        saves++
        throw new AppError('CONSUL_UNREACHABLE', 'down')
      },
      clock: time.clock,
      timers: time.timers,
      logger: silentLogger,
    })
    await runner.start()
    await store.setPaused(plan.id, true)
    await runner.idle()
    expect(time.armed).toBe(0)
    time.advanceTo(new Date('2026-12-01T11:30:00Z'))
    await runner.idle()
    expect(saves).toBe(0)

    await store.setPaused(plan.id, false)
    await runner.idle()
    time.advanceTo(new Date('2026-12-01T12:00:00Z'))
    await runner.idle()
    expect(saves).toBe(1)
    await runner.stop()
  })
})
