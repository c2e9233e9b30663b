import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { defaultPlanInput, type PlanInput } from '../../../src/shared/backup-plan-schema'
import { PlanStore } from '../../../src/main/services/plans/plan-store'
import { FileSecretStore } from '../../../src/main/services/profiles'

let dir: string
let ids: number
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-plans-'))
  ids = 0
})

const profiles = new Set(['p1', 'p2'])
const open = (dataDir = dir) =>
  PlanStore.open({
    dataDir,
    profileExists: (id) => profiles.has(id),
    secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
    clock: () => new Date('2026-12-01T10:00:00Z'),
    newId: () => `plan${++ids}`,
  })

const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  ...defaultPlanInput(['p1'], '/backups/prod'),
  name: 'prod hourly',
  ...over,
})

async function failure(work: Promise<unknown>): Promise<{ code: string; message: string; field: unknown }> {
  const error = (await work.then(
    () => null,
    (e: unknown) => e,
  )) as { code: string; message: string; details?: { field?: unknown } } | null
  if (error === null) throw new Error('expected a failure')
  return { code: error.code, message: error.message, field: error.details?.field }
}

describe('PlanStore', () => {
  it('stores a plan in plans.json (0600) inside a private data folder (0700) and lists it after a reopen', async () => {
    const fresh = join(dir, 'data')
    const { store } = await open(fresh)
    const plan = await store.create(input())
    expect(plan).toMatchObject({ id: 'plan1', createdAt: '2026-12-01T10:00:00.000Z' })
    expect((await stat(fresh)).mode & 0o777).toBe(0o700)
    expect((await stat(join(fresh, 'plans.json'))).mode & 0o777).toBe(0o600)
    const { store: again } = await open(fresh)
    expect(again.list()).toEqual([plan])
  })

  it('keeps a damaged file aside, starts empty and says where the old file went', async () => {
    await writeFile(join(dir, 'plans.json'), '{"version":1,"plans":[{"id":')
    const { store, notice } = await open()
    expect(store.list()).toEqual([])
    expect(notice).toMatchObject({ kind: 'corrupt-file-kept-aside' })
    expect(notice?.reason).toMatch(/not valid JSON/)
    const names = await readdir(dir)
    expect(names.some((n) => n.startsWith('plans.json.corrupt-'))).toBe(true)
    expect(await readFile(notice!.keptAsidePath, 'utf8')).toBe('{"version":1,"plans":[{"id":')
  })

  it('updates, pauses and resumes a plan, and removes it', async () => {
    const { store } = await open()
    const plan = await store.create(input())
    await store.update(
      plan.id,
      input({ name: 'prod every 2h', schedule: { kind: 'interval', intervalMs: 7_200_000, jitterMs: 0 } }),
    )
    expect((await store.setPaused(plan.id, true)).input.paused).toBe(true)
    expect(store.get(plan.id).input).toMatchObject({ name: 'prod every 2h', paused: true })
    expect((await store.setPaused(plan.id, false)).input.paused).toBe(false)
    await store.remove(plan.id)
    expect(store.list()).toEqual([])
    expect((await failure(store.setPaused(plan.id, true))).code).toBe('PLAN_NOT_FOUND')
  })

  describe('refuses a plan that cannot run, naming the field and the reason', () => {
    it('a cron expression croner does not accept', async () => {
      const { store } = await open()
      const error = await failure(
        store.create(
          input({ schedule: { kind: 'cron', expression: '61 * * * *', timeZone: 'UTC', jitterMs: 0 } }),
        ),
      )
      expect(error).toMatchObject({ code: 'PLAN_INVALID', field: 'schedule' })
      expect(error.message).toMatch(/61 \* \* \* \*/)
    })

    it('a time zone that does not exist', async () => {
      const { store } = await open()
      const error = await failure(
        store.create(
          input({ schedule: { kind: 'cron', expression: '@daily', timeZone: 'Mars/Olympus', jitterMs: 0 } }),
        ),
      )
      expect(error.message).toMatch(/Mars\/Olympus.*IANA/)
    })

    it('a connection that does not exist', async () => {
      const { store } = await open()
      expect(await failure(store.create(input({ profileIds: ['gone'] })))).toMatchObject({
        code: 'PLAN_INVALID',
        field: 'profileIds.0',
      })
    })

    it('several connections into one destination without {profile} in the name', async () => {
      const { store } = await open()
      const error = await failure(store.create(input({ profileIds: ['p1', 'p2'] })))
      expect(error.field).toBe('options.nameTemplate')
      expect(error.message).toMatch(/\{profile\}/)
      await expect(
        store.create(
          input({
            profileIds: ['p1', 'p2'],
            options: { stale: false, datacenter: null, nameTemplate: '{profile}-{time}.snap' },
          }),
        ),
      ).resolves.toMatchObject({ id: 'plan1' })
    })

    it('a name template with an unknown placeholder or without {time}', async () => {
      const { store } = await open()
      const unknown = await failure(
        store.create(
          input({ options: { stale: false, datacenter: null, nameTemplate: '{cluster}-{time}.snap' } }),
        ),
      )
      expect(unknown.message).toMatch(/\{cluster\} is not a placeholder/)
      const noTime = await failure(
        store.create(input({ options: { stale: false, datacenter: null, nameTemplate: '{profile}.snap' } })),
      )
      expect(noTime.message).toMatch(/\{time\}/)
    })

    it('a second plan of the same name', async () => {
      const { store } = await open()
      await store.create(input())
      expect((await failure(store.create(input({ name: 'PROD HOURLY' })))).message).toMatch(/already exists/)
    })
  })
})
