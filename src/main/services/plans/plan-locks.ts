import { randomUUID } from 'node:crypto'
import { mkdir, open, readFile, readdir, stat, unlink } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { AppError } from '../../../shared/app-error'

/**
 * Two hosts (a desktop window and a browser-mode host, say) may open one data folder. Two files
 * per plan keep them from running the same plan twice:
 *
 * - A claim per scheduled occurrence, `claims/<nominal ms>`, created with O_EXCL: whoever creates
 *   it runs that occurrence, the other host skips it. Claims never go stale (an occurrence is
 *   claimed once, ever), so there is nothing to break and no race in breaking it. The newest
 *   claim is also where the next run counts from after a restart.
 * - A run lock, `running.lock`, created with O_EXCL and holding the owner's host name, pid and a
 *   random token, for the duration of a run (so "Run now" cannot start while the other host
 *   runs the plan). A lock whose process is gone (same host, `kill(pid, 0)` → ESRCH) or that is
 *   older than a day is stale; it is broken under a second O_EXCL file (`running.lock.break`),
 *   so two hosts cannot both break it and then both take it.
 */
const KEEP_CLAIMS = 50
const STALE_AFTER_MS = 24 * 3_600_000
const BREAK_STALE_AFTER_MS = 60_000

export interface LockOwner {
  host: string
  pid: number
  token: string
  since: string
}

export interface PlanLocks {
  claim(nominal: Date): Promise<boolean>
  lastClaim(): Promise<Date | null>
  acquireRun(now: Date): Promise<() => Promise<void>>
}

export interface PlanLockEnvironment {
  hostName?: string
  pid?: number
  /** Whether a pid on this machine is alive; `kill(pid, 0)` by default. */
  isAlive?: (pid: number) => boolean
}

export function planLocks(planDir: string, env: PlanLockEnvironment = {}): PlanLocks {
  const host = env.hostName ?? hostname()
  const pid = env.pid ?? process.pid
  const isAlive = env.isAlive ?? processIsAlive
  const claims = join(planDir, 'claims')
  const lockPath = join(planDir, 'running.lock')

  async function createExclusive(path: string, content: string): Promise<boolean> {
    try {
      const handle = await open(path, 'wx', 0o600)
      try {
        await handle.writeFile(content)
      } finally {
        await handle.close()
      }
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw error
    }
  }

  async function readOwner(): Promise<LockOwner | null> {
    try {
      return JSON.parse(await readFile(lockPath, 'utf8')) as LockOwner
    } catch {
      return null
    }
  }

  async function isStale(owner: LockOwner | null, now: Date): Promise<boolean> {
    if (owner === null) {
      // No owner readable: either another host is between creating the lock and writing it
      // (breaking it then would let both run), or a crash left it half-written. Only age tells
      // the two apart; a lock file gone meanwhile is nothing to break.
      const info = await stat(lockPath).catch(() => null)
      return info !== null && now.getTime() - info.mtime.getTime() > BREAK_STALE_AFTER_MS
    }
    if (now.getTime() - new Date(owner.since).getTime() > STALE_AFTER_MS) return true
    return owner.host === host && !isAlive(owner.pid)
  }

  async function breakStale(now: Date): Promise<void> {
    const breaker = `${lockPath}.break`
    if (!(await createExclusive(breaker, String(pid)))) {
      // Someone is breaking it; a breaker left by a crash is cleared after a minute.
      const info = await stat(breaker).catch(() => null)
      if (info && now.getTime() - info.mtime.getTime() > BREAK_STALE_AFTER_MS)
        await unlink(breaker).catch(() => undefined)
      return
    }
    try {
      // Read again under the breaker: the lock may have been taken afresh meanwhile.
      if (await isStale(await readOwner(), now)) await unlink(lockPath).catch(() => undefined)
    } finally {
      await unlink(breaker).catch(() => undefined)
    }
  }

  return {
    async claim(nominal) {
      await mkdir(claims, { recursive: true, mode: 0o700 })
      const won = await createExclusive(join(claims, String(nominal.getTime())), `${host} ${pid}\n`)
      if (won) {
        const names = (await readdir(claims)).filter((n) => /^\d+$/.test(n)).sort(byNumber)
        for (const old of names.slice(0, Math.max(0, names.length - KEEP_CLAIMS)))
          await unlink(join(claims, old)).catch(() => undefined)
      }
      return won
    },

    async lastClaim() {
      const names = await readdir(claims).catch(() => [] as string[])
      const last = names
        .filter((n) => /^\d+$/.test(n))
        .sort(byNumber)
        .at(-1)
      return last === undefined ? null : new Date(Number(last))
    },

    async acquireRun(now) {
      await mkdir(planDir, { recursive: true, mode: 0o700 })
      const owner: LockOwner = { host, pid, token: randomUUID(), since: now.toISOString() }
      for (let attempt = 0; attempt < 2; attempt++) {
        if (await createExclusive(lockPath, JSON.stringify(owner))) {
          return async () => {
            // Only our own lock is removed (a stale-lock breaker may have replaced it).
            if ((await readOwner())?.token === owner.token) await unlink(lockPath).catch(() => undefined)
          }
        }
        const holder = await readOwner()
        if (!(await isStale(holder, now))) {
          throw new AppError(
            'PLAN_BUSY',
            `This plan is running already${holder ? ` (on ${holder.host}, process ${holder.pid}, since ${holder.since})` : ''}.`,
            { hint: 'Wait for that run to end; its result appears in the history.' },
          )
        }
        await breakStale(now)
      }
      throw new AppError('PLAN_BUSY', 'The plan\u2019s run lock could not be taken.', {
        hint: `Another window may be starting it; try again. A lock left behind can be removed: ${lockPath}.`,
      })
    },
  }
}

function byNumber(a: string, b: string): number {
  return Number(a) - Number(b)
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
