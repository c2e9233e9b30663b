// Backup plans in the host against a real Consul, with a clock and timers the spec moves: a plan
// runs on its schedule, a run missed while the host was down runs once at start, two hosts on
// one data folder never run the same plan twice, and the plan exported for servers starts
// `snapshot-studio agent` unchanged and saves a backup.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { composePlans, type PlansComposition } from '../../src/main/host/plans-port'
import { silentLogger } from '../../src/main/services/backups/agent-logger'
import { FileSecretStore, ProfileService } from '../../src/main/services/profiles'
import { defaultPlanInput, type PlanInput } from '../../src/shared/backup-plan-schema'
import type { PlanRunFinished } from '../../src/shared/backup-plan-types'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { ManualTime } from '../support/manual-timers'
import { startAgentProcess } from '../support/snapshot-agent-process'

const T0 = new Date('2026-12-01T10:00:00Z')
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000)
const snaps = async (dir: string) =>
  (await readdir(dir).catch(() => [] as string[])).filter((n) => /^consul-\d+\.snap$/.test(n)).sort()

describe('backup plans in the host, against a real Consul', () => {
  let consul: ConsulAgent
  let root: string
  const open: PlansComposition[] = []

  beforeAll(async () => {
    consul = await startConsulAgent()
    root = await mkdtemp(join(tmpdir(), 'ss-plans-it-'))
  })
  afterEach(async () => {
    for (const host of open.splice(0)) await host.dispose()
  })
  afterAll(async () => {
    await consul?.stop()
    await rm(root, { recursive: true, force: true })
  })

  /** A data folder with one profile for the test Consul (token in the secret store). */
  async function dataFolder(name: string): Promise<{ dataDir: string; profileId: string }> {
    const dataDir = join(root, name, 'data')
    const { service } = await ProfileService.open({
      dataDir,
      secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
    })
    const profile = await service.create({
      name: 'dev',
      environment: { label: '', colour: 'grey' },
      connection: { address: consul.httpAddr, useTls: false, tls: { insecureSkipVerify: false } },
      token: { kind: 'set', value: consul.token },
    })
    return { dataDir, profileId: profile.id }
  }

  /** A host's plans on a data folder, on the given manual time. */
  async function host(dataDir: string, time: ManualTime, events: PlanRunFinished[] = []) {
    const secrets = new FileSecretStore(join(dataDir, 'secrets.json'))
    const { service: profiles } = await ProfileService.open({ dataDir, secrets })
    const plans = await composePlans({
      dataDir,
      profiles,
      secrets,
      logger: silentLogger,
      clock: time.clock,
      timers: time.timers,
    })
    plans.onRunFinished((event) => events.push(event))
    open.push(plans)
    return plans
  }

  const hourly = (profileId: string, folder: string): PlanInput => ({
    ...defaultPlanInput([profileId], folder),
    name: 'dev hourly',
  })

  it('runs a plan on its schedule: nothing before the hour, one verified backup at each hour', async () => {
    const { dataDir, profileId } = await dataFolder('schedule')
    const folder = join(root, 'schedule', 'backups')
    const time = new ManualTime(T0)
    const events: PlanRunFinished[] = []
    const plans = await host(dataDir, time, events)
    const plan = await plans.port.create(hourly(profileId, folder))
    await plans.start()
    expect(plan.nextRunAt).toBe(at(60).toISOString())

    time.advanceTo(at(59))
    await plans.idle()
    expect(await snaps(folder)).toEqual([])

    time.advanceTo(at(60))
    await plans.idle()
    const [first] = await snaps(folder)
    expect(first).toBeDefined()
    expect((await runConsul(['snapshot', 'inspect', join(folder, first!)])).code).toBe(0)

    time.advanceTo(at(120))
    await plans.idle()
    expect(await snaps(folder)).toHaveLength(2)

    const history = await plans.port.history(plan.id, 10)
    expect(history.map((run) => [run.trigger, run.ok])).toEqual([
      ['schedule', true],
      ['schedule', true],
    ])
    expect(history[1]?.cycles[0]).toMatchObject({ name: first, profileName: 'dev' })
    expect(history[1]?.cycles[0]?.size).toBeGreaterThan(0)
    expect(events.map((e) => [e.planName, e.ok, e.trigger])).toEqual([
      ['dev hourly', true, 'schedule'],
      ['dev hourly', true, 'schedule'],
    ])
    const [view] = (await plans.port.list()).plans
    expect(view).toMatchObject({ freshness: 'ok', nextRunAt: at(180).toISOString() })
  })

  it('runs a run missed while the host was down once at start, however many were missed', async () => {
    const { dataDir, profileId } = await dataFolder('catch-up')
    const folder = join(root, 'catch-up', 'backups')
    const before = await host(dataDir, new ManualTime(T0))
    const plan = await before.port.create(hourly(profileId, folder))
    await before.dispose()
    open.splice(open.indexOf(before), 1)

    // The app was closed from 10:00 to 15:30: five runs missed.
    const time = new ManualTime(at(330))
    const plans = await host(dataDir, time)
    await plans.start()
    await plans.idle()
    expect(await snaps(folder)).toHaveLength(1)
    expect((await plans.port.history(plan.id, 10)).map((r) => r.trigger)).toEqual(['catch-up'])

    // A restart at the same moment does not catch the same occurrence up again.
    await plans.dispose()
    open.splice(open.indexOf(plans), 1)
    const again = await host(dataDir, time)
    await again.start()
    await again.idle()
    expect(await snaps(folder)).toHaveLength(1)
    // The schedule goes on in its phase: the next run is at 16:00.
    expect((await again.port.list()).plans[0]?.nextRunAt).toBe(at(360).toISOString())
  })

  it('two hosts on one data folder never run the same plan twice', async () => {
    const { dataDir, profileId } = await dataFolder('two-hosts')
    const folder = join(root, 'two-hosts', 'backups')
    const first = await host(dataDir, new ManualTime(T0))
    const plan = await first.port.create(hourly(profileId, folder))
    await first.dispose()
    open.splice(open.indexOf(first), 1)

    // Both start after a missed run, then both reach the next hour.
    const timeA = new ManualTime(at(90))
    const timeB = new ManualTime(at(90))
    const a = await host(dataDir, timeA)
    const b = await host(dataDir, timeB)
    await Promise.all([a.start(), b.start()])
    await Promise.all([a.idle(), b.idle()])
    expect(await snaps(folder)).toHaveLength(1)

    timeA.advanceTo(at(120))
    timeB.advanceTo(at(120))
    await Promise.all([a.idle(), b.idle()])
    expect(await snaps(folder)).toHaveLength(2)
    expect((await a.port.history(plan.id, 10)).map((r) => r.trigger)).toEqual(['schedule', 'catch-up'])

    // "Run now" on both hosts at once: whichever takes the run lock first runs the plan, the
    // other is refused while it runs; the plan never runs twice.
    const outcomes = await Promise.allSettled([a.port.runNow(plan.id), b.port.runNow(plan.id)])
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({
      reason: { code: 'PLAN_BUSY' },
    })
    expect(await snaps(folder)).toHaveLength(3)
  })

  it('exports the plan for servers: the config starts `snapshot-studio agent` unchanged and it saves', async () => {
    const { dataDir, profileId } = await dataFolder('export')
    const folder = join(root, 'export', 'backups')
    const plans = await host(dataDir, new ManualTime(T0))
    const plan = await plans.port.create({
      ...hourly(profileId, folder),
      retention: { ...defaultPlanInput().retention, retain: 5, daily: 7 },
      schedule: { kind: 'cron', expression: '15 * * * *', timeZone: 'Europe/Berlin', jitterMs: 0 },
    })
    const files = await plans.port.exportForServers(plan.id)
    expect(files.map((f) => f.name)).toEqual([
      'snapshot-agent.json',
      'consul-snapshot.service',
      'snapshot-agent-policy.hcl',
    ])
    const configDir = join(root, 'export', 'consul-snapshot.d')
    await rm(configDir, { recursive: true, force: true })
    await mkdir(configDir, { recursive: true })
    for (const file of files) await writeFile(join(configDir, file.name), file.content)
    const tokenFile = join(configDir, 'token')
    await writeFile(tokenFile, consul.token + '\n', { mode: 0o600 })
    expect(files.map((f) => f.content).join('\n')).not.toContain(consul.token)

    // As the exported unit runs it: -config-dir and the token from CONSUL_HTTP_TOKEN_FILE.
    const agent = startAgentProcess(['-config-dir', configDir], {
      cwd: join(root, 'export'),
      env: { CONSUL_HTTP_TOKEN_FILE: tokenFile },
    })
    try {
      await agent.waitForLine(/Saved snapshot \d+/, 30_000)
    } finally {
      agent.kill('SIGTERM')
      await agent.exited
    }
    const [saved] = await snaps(folder)
    expect(saved).toBeDefined()
    expect((await runConsul(['snapshot', 'inspect', join(folder, saved!)])).code).toBe(0)
  })
})
