import { afterEach, describe, expect, it, vi } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { silentLogger } from '../../../src/main/services/backups/agent-logger'
import { ConsulLock, LOCK_FLAG_VALUE, type LockOptions } from '../../../src/main/services/backups/consul-lock'
import { JSON_BODY_LIMIT } from '../../../src/main/services/consul/consul-client'
import { InMemoryConsulApi } from '../../support/in-memory-consul-api'

const KEY = 'consul-snapshot/lock'
const options: LockOptions = {
  key: KEY,
  value: 'agent-a',
  sessionName: 'Consul API Lock',
  sessionTtlMs: 10_000,
  lockDelayMs: 15_000,
  retryMs: 1,
}

// Pauses the recipe takes between retries (1 ms here, 1 s after a failed read) pass at once; the
// renewal pause (TTL/2) waits until the lock stops it, so no renewal races a spec.
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ms <= 1_000) {
      setImmediate(resolve)
      return
    }
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

function lockOn(api: InMemoryConsulApi): ConsulLock {
  return new ConsulLock(options, { client: api, logger: silentLogger, sleep })
}

async function acquired(api: InMemoryConsulApi) {
  const held = await lockOn(api).acquire(new AbortController().signal)
  cleanups.push(() => held.release())
  return held
}

function lostReason(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(signal.reason)
    else signal.addEventListener('abort', () => resolve(signal.reason), { once: true })
  })
}

describe('ConsulLock: leader election with Consul’s lock recipe', () => {
  it('creates a session with the TTL, lock-delay and release behaviour, then takes the key as a lock', async () => {
    const api = new InMemoryConsulApi()
    const held = await acquired(api)

    expect(api.sessions.get(held.sessionId)).toEqual({
      ttl: '10s',
      lockDelay: '15s',
      behavior: 'release',
      name: 'Consul API Lock',
    })
    const entry = api.kv.get(KEY)
    expect(entry?.session).toBe(held.sessionId)
    expect(entry?.value).toBe('agent-a')
    // The flag api/lock.go writes, so HashiCorp's agent sees a lock and not a semaphore.
    expect(entry?.flags).toBe(LOCK_FLAG_VALUE.toString())
    expect(held.lost.aborted).toBe(false)
  })

  it('waits with blocking reads while another instance holds the key, and takes it once freed', async () => {
    const api = new InMemoryConsulApi()
    const other = api.createForeignSession()
    api.holdKey(KEY, other)
    const pending = lockOn(api).acquire(new AbortController().signal)

    await vi.waitFor(() =>
      expect(api.calls.some((call) => call.method === 'GET' && call.query.index !== undefined)).toBe(true),
    )
    expect(api.kv.get(KEY)?.session).toBe(other)
    api.invalidateSession(other)

    const held = await pending
    cleanups.push(() => held.release())
    expect(api.kv.get(KEY)?.session).toBe(held.sessionId)
  })

  it('retries an acquire that Consul refuses during the previous holder’s lock-delay', async () => {
    const api = new InMemoryConsulApi()
    api.refuseAcquires = 2
    const held = await acquired(api)

    const acquires = api.calls.filter((call) => call.method === 'PUT' && call.query.acquire !== undefined)
    expect(acquires).toHaveLength(3)
    expect(api.kv.get(KEY)?.session).toBe(held.sessionId)
  })

  it('refuses a key that holds something other than a lock, and leaves no session behind', async () => {
    const api = new InMemoryConsulApi()
    api.putKey(KEY, 'someone’s data', '7')

    const failure = await lockOn(api)
      .acquire(new AbortController().signal)
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(AppError)
    expect((failure as AppError).code).toBe('INVALID_ARGUMENT')
    expect((failure as AppError).message).toContain(KEY)
    expect(api.sessions.size).toBe(0)
    expect(api.kv.get(KEY)?.value).toBe('someone’s data')
  })

  it('stops waiting when cancelled, with CANCELLED, and destroys its own session', async () => {
    const api = new InMemoryConsulApi()
    const other = api.createForeignSession()
    api.holdKey(KEY, other)
    const stop = new AbortController()
    const pending = lockOn(api).acquire(stop.signal)
    await vi.waitFor(() => expect(api.sessions.size).toBe(2))

    stop.abort()
    const failure = await pending.catch((error: unknown) => error)
    expect((failure as AppError).code).toBe('CANCELLED')
    expect([...api.sessions.keys()]).toEqual([other])
  })

  it('signals the loss at once when its session is invalidated (TTL expired, node failed)', async () => {
    const api = new InMemoryConsulApi()
    const held = await acquired(api)

    api.invalidateSession(held.sessionId)
    const reason = await lostReason(held.lost)
    expect(reason).toBeInstanceOf(AppError)
    expect((reason as AppError).message).toMatch(/no longer held/)
  })

  it('signals the loss when the key names another session', async () => {
    const api = new InMemoryConsulApi()
    const held = await acquired(api)

    api.holdKey(KEY, api.createForeignSession())
    await lostReason(held.lost)
    expect(held.lost.aborted).toBe(true)
  })

  it('counts an unreachable Consul while holding as a loss only after its retries', async () => {
    const api = new InMemoryConsulApi()
    const held = await acquired(api)
    api.failPathsStartingWith = '/v1/kv/'
    api.touchKey(KEY)

    const reason = await lostReason(held.lost)
    expect((reason as AppError).code).toBe('CONSUL_UNREACHABLE')
    const failedReads = api.calls.filter((call) => call.method === 'GET' && call.path.startsWith('/v1/kv/'))
    // The read that saw the touch, then the first try and three retries that failed.
    expect(failedReads.length).toBeGreaterThanOrEqual(5)
  })

  it('releases the key before destroying the session, so a standby is not held back by the lock-delay', async () => {
    const api = new InMemoryConsulApi()
    const held = await lockOn(api).acquire(new AbortController().signal)

    await Promise.all([held.release(), held.release()])
    const release = api.calls.findIndex((call) => call.query.release === held.sessionId)
    const destroys = api.calls.flatMap((call, at) =>
      call.path.startsWith('/v1/session/destroy/') ? [at] : [],
    )
    expect(release).toBeGreaterThanOrEqual(0)
    expect(destroys).toHaveLength(1)
    expect(release).toBeLessThan(destroys[0] ?? -1)
    expect(api.kv.get(KEY)?.session).toBeUndefined()
    expect(api.sessions.size).toBe(0)
    expect(((await lostReason(held.lost)) as AppError).code).toBe('CANCELLED')
  })

  it('refuses an answer larger than the Consul client reads, with a typed error, without pulling the rest or taking the key', async () => {
    const api = new InMemoryConsulApi()
    // Valid JSON still (white space after the session's ID), only far more of it than asked for.
    api.padAnswersBy = JSON_BODY_LIMIT + 1

    const failure = await lockOn(api)
      .acquire(new AbortController().signal)
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(AppError)
    expect((failure as AppError).code).toBe('CONSUL_HTTP')
    expect((failure as AppError).message).toMatch(/more than 16 MiB/)
    // Read up to the bound (the piece that crossed it included), not to the end.
    expect(api.bytesRead).toBeLessThan(JSON_BODY_LIMIT + 128 * 1024)
    expect(api.kv.get(KEY)).toBeUndefined()
  })
})
