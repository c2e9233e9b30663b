import { mkdtemp, readFile, writeFile, mkdir, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { planLocks } from '../../../src/main/services/plans/plan-locks'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-plan-locks-'))
})
const now = new Date('2026-12-01T10:00:00Z')

describe('plan locks on a shared data folder', () => {
  it('lets exactly one host claim a scheduled occurrence, and remembers the newest claim', async () => {
    const a = planLocks(dir, { hostName: 'ws', pid: 100 })
    const b = planLocks(dir, { hostName: 'ws', pid: 200 })
    const occurrence = new Date('2026-12-01T10:00:00Z')
    const claims = await Promise.all([a.claim(occurrence), b.claim(occurrence), a.claim(occurrence)])
    expect(claims.filter(Boolean)).toHaveLength(1)
    await b.claim(new Date('2026-12-01T11:00:00Z'))
    expect(await a.lastClaim()).toEqual(new Date('2026-12-01T11:00:00Z'))
  })

  it('refuses a second run while the first host\u2019s process lives, naming it', async () => {
    const a = planLocks(dir, { hostName: 'ws', pid: 100, isAlive: () => true })
    const b = planLocks(dir, { hostName: 'ws', pid: 200, isAlive: () => true })
    const release = await a.acquireRun(now)
    await expect(b.acquireRun(now)).rejects.toMatchObject({
      code: 'PLAN_BUSY',
      message: expect.stringMatching(/ws, process 100/),
    })
    await release()
    const again = await b.acquireRun(now)
    await again()
  })

  it('takes over a lock whose process is gone (a crashed host), but not one from another machine', async () => {
    await mkdir(dir, { recursive: true })
    const lock = join(dir, 'running.lock')
    await writeFile(lock, JSON.stringify({ host: 'ws', pid: 4242, token: 'old', since: now.toISOString() }))
    const alive = (pid: number) => pid !== 4242
    const release = await planLocks(dir, { hostName: 'ws', pid: 300, isAlive: alive }).acquireRun(now)
    expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ pid: 300 })
    await release()

    await writeFile(
      lock,
      JSON.stringify({ host: 'other-machine', pid: 4242, token: 'x', since: now.toISOString() }),
    )
    await expect(
      planLocks(dir, { hostName: 'ws', pid: 300, isAlive: alive }).acquireRun(now),
    ).rejects.toMatchObject({
      code: 'PLAN_BUSY',
    })
  })

  it('releases only its own lock', async () => {
    const lock = join(dir, 'running.lock')
    const release = await planLocks(dir, { hostName: 'ws', pid: 1 }).acquireRun(now)
    await writeFile(
      lock,
      JSON.stringify({ host: 'ws', pid: 2, token: 'someone-else', since: now.toISOString() }),
    )
    await release()
    expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ token: 'someone-else' })
  })

  it('does not break a lock another host has created but not yet written (both would run)', async () => {
    const lock = join(dir, 'running.lock')
    await writeFile(lock, '')
    const b = planLocks(dir, { hostName: 'ws', pid: 200, isAlive: () => false })
    await expect(b.acquireRun(new Date())).rejects.toMatchObject({ code: 'PLAN_BUSY' })
    expect(await readFile(lock, 'utf8')).toBe('')
  })

  it('takes over a half-written lock once it is a minute old (a crash between create and write)', async () => {
    const lock = join(dir, 'running.lock')
    await writeFile(lock, '{"host":')
    const twoMinutesAgo = new Date(Date.now() - 120_000)
    await utimes(lock, twoMinutesAgo, twoMinutesAgo)
    const release = await planLocks(dir, { hostName: 'ws', pid: 300 }).acquireRun(new Date())
    expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ pid: 300 })
    await release()
  })
})
