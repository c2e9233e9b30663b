import { AppError } from '../../../shared/app-error'
import type { ConsulClient } from '../consul/consul-client'
import type { AgentLogger } from './agent-logger'
import { encodeKey } from './agent-status-store'
import { fixedLengthBody } from './fixed-length-body'
import { formatGoDuration } from './go-duration'

/**
 * Leader election with Consul's own lock recipe (the one api/lock.go implements), so that our
 * agent and HashiCorp's can even share a lock key:
 * - a session (TTL, renewed every TTL/2, behaviour "release", lock-delay);
 * - blocking reads of the key until no session holds it, then `PUT ?acquire=<session>`; a refused
 *   acquire (lock-delay after a holder died) is retried after a pause;
 * - while held, blocking consistent reads of the key: when it no longer names our session the
 *   lock is lost and `lost` aborts at once;
 * - release is `PUT ?release=<session>` first, then the session is destroyed, so a standby is not
 *   held back by the lock-delay that destroying a holding session would impose.
 */

/** The value api/lock.go stores in the key's flags to mark it as a lock (not a semaphore). */
export const LOCK_FLAG_VALUE = 0x2ddccbc058a50c18n
// JSON numbers above 2^53 lose precision when parsed; both sides round the same decimal the
// same way, so comparing with the rounded value still tells a lock from a semaphore.
const LOCK_FLAG_NUMBER = Number(LOCK_FLAG_VALUE)

export interface LockOptions {
  key: string
  /** Stored in the key while held (we store who holds it, for `agent status`). */
  value: string
  sessionName: string
  sessionTtlMs: number
  lockDelayMs: number
  /** How long one blocking query waits (api/lock.go: 15 s). */
  waitMs?: number
  /** Pause after a refused acquire (api/lock.go: 5 s; shorter when the lock-delay is shorter). */
  retryMs?: number
  /** Failed reads tolerated while holding before the lock counts as lost. */
  monitorRetries?: number
}

export interface LockDependencies {
  /** Only these two calls: unit specs stand in an in-memory Consul. */
  client: Pick<ConsulClient, 'sendJson' | 'getJson'>
  logger: AgentLogger
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

export interface HeldLock {
  sessionId: string
  /** Aborted when the lock is lost (session invalidated, key taken, Consul unreachable). */
  lost: AbortSignal
  /** Releases the key, then destroys the session. Safe to call more than once. */
  release(): Promise<void>
}

interface KvPair {
  Flags?: number
  Session?: string
}

export class ConsulLock {
  private readonly waitMs: number
  private readonly retryMs: number
  private readonly monitorRetries: number

  constructor(
    private readonly options: LockOptions,
    private readonly deps: LockDependencies,
  ) {
    this.waitMs = options.waitMs ?? 15_000
    this.retryMs = options.retryMs ?? Math.max(250, Math.min(5_000, options.lockDelayMs))
    this.monitorRetries = options.monitorRetries ?? 3
  }

  /** Blocks until the lock is ours; throws CANCELLED when `signal` aborts first. */
  async acquire(signal: AbortSignal): Promise<HeldLock> {
    for (;;) {
      signal.throwIfAborted()
      const sessionId = await this.createSession(signal)
      const renewal = new AbortController()
      const sessionGone = new AbortController()
      void this.renewLoop(sessionId, AbortSignal.any([renewal.signal, signal]), sessionGone)
      try {
        const acquired = await this.waitAndAcquire(sessionId, AbortSignal.any([signal, sessionGone.signal]))
        if (acquired) return this.held(sessionId, renewal, sessionGone)
      } catch (error) {
        renewal.abort()
        await this.destroySession(sessionId)
        if (signal.aborted)
          throw new AppError('CANCELLED', 'Stopped waiting for leadership.', { cause: error })
        if (sessionGone.signal.aborted) continue
        throw error
      }
      // The session vanished while we waited (e.g. the local agent restarted): start over.
      renewal.abort()
      await this.destroySession(sessionId)
    }
  }

  private async createSession(signal: AbortSignal): Promise<string> {
    const { value } = await this.putJson(
      '/v1/session/create',
      {
        Name: this.options.sessionName,
        TTL: formatGoDuration(this.options.sessionTtlMs),
        LockDelay: formatGoDuration(this.options.lockDelayMs),
        Behavior: 'release',
      },
      signal,
    )
    const id = (value as { ID?: unknown } | null)?.ID
    if (typeof id !== 'string' || id === '')
      throw new AppError('CONSUL_HTTP', 'Consul did not return a session ID.', {
        hint: 'Check that the token has session:write on this node.',
      })
    return id
  }

  private async renewLoop(sessionId: string, stop: AbortSignal, gone: AbortController): Promise<void> {
    let ttl = this.options.sessionTtlMs
    while (!stop.aborted) {
      try {
        await this.deps.sleep(ttl / 2, stop)
      } catch {
        return
      }
      try {
        const { status, value } = await this.putJson(`/v1/session/renew/${sessionId}`, undefined, stop, [404])
        if (status === 404) {
          this.deps.logger.debug('Session expired', { session: sessionId })
          gone.abort(new AppError('CONSUL_HTTP', 'The Consul session expired.'))
          return
        }
        const renewedTtl = Array.isArray(value) ? (value[0] as { TTL?: string } | undefined)?.TTL : undefined
        if (typeof renewedTtl === 'string') {
          // The server may raise the TTL; follow it as api/lock.go does.
          const match = /^(\d+)s$/.exec(renewedTtl)
          if (match) ttl = Number(match[1]) * 1000
        }
      } catch (error) {
        if (stop.aborted) return
        // A missed renewal is not fatal: the session lives 2 × TTL on the servers; the monitor
        // decides when the lock is lost.
        this.deps.logger.debug('Session renewal failed', { error: (error as Error).message })
      }
    }
  }

  /** True once acquired; false when the session disappeared while waiting. */
  private async waitAndAcquire(sessionId: string, signal: AbortSignal): Promise<boolean> {
    let index = 0
    for (;;) {
      if (signal.aborted) {
        if (signal.reason instanceof AppError && signal.reason.code === 'CONSUL_HTTP') return false
        signal.throwIfAborted()
      }
      const { pair, index: next } = await this.readKey(signal, index, false)
      if (pair && pair.Flags !== undefined && pair.Flags !== 0 && pair.Flags !== LOCK_FLAG_NUMBER)
        throw new AppError(
          'INVALID_ARGUMENT',
          `The key ${this.options.key} is in use by something other than a lock.`,
          {
            hint: 'Choose another lock_key, or remove the key if it is stale.',
          },
        )
      if (pair?.Session) {
        index = next
        continue
      }
      const acquired = await this.kvPut(`acquire=${sessionId}`, signal)
      if (acquired) return true
      // Refused: another instance won, or the lock-delay of the previous holder is running.
      try {
        await this.deps.sleep(this.retryMs, signal)
      } catch {
        // re-checked at the top of the loop
      }
      index = 0
    }
  }

  private held(sessionId: string, renewal: AbortController, sessionGone: AbortController): HeldLock {
    const lost = new AbortController()
    const monitorStop = new AbortController()
    void this.monitor(sessionId, AbortSignal.any([monitorStop.signal, sessionGone.signal]), lost)
    sessionGone.signal.addEventListener('abort', () => lost.abort(sessionGone.signal.reason), { once: true })
    let released: Promise<void> | null = null
    return {
      sessionId,
      lost: lost.signal,
      release: () => {
        released ??= (async () => {
          monitorStop.abort()
          renewal.abort()
          // Release first: destroying a holding session would start the lock-delay for everyone.
          await this.kvPut(`release=${sessionId}`, AbortSignal.timeout(5_000)).catch((error: unknown) =>
            this.deps.logger.warn('Could not release the lock', { error: (error as Error).message }),
          )
          await this.destroySession(sessionId)
          if (!lost.signal.aborted) lost.abort(new AppError('CANCELLED', 'The lock was released.'))
        })()
        return released
      },
    }
  }

  private async monitor(sessionId: string, stop: AbortSignal, lost: AbortController): Promise<void> {
    let index = 0
    let failures = 0
    while (!stop.aborted && !lost.signal.aborted) {
      try {
        const { pair, index: next } = await this.readKey(stop, index, true)
        failures = 0
        if (pair?.Session !== sessionId) {
          lost.abort(new AppError('CONSUL_HTTP', 'The lock is no longer held by this agent.'))
          return
        }
        index = next
      } catch (error) {
        if (stop.aborted) return
        failures++
        if (failures > this.monitorRetries) {
          lost.abort(
            new AppError('CONSUL_UNREACHABLE', `The lock could not be checked: ${(error as Error).message}`),
          )
          return
        }
        await this.deps.sleep(1_000, stop).catch(() => undefined)
      }
    }
  }

  private async readKey(
    signal: AbortSignal,
    index: number,
    consistent: boolean,
  ): Promise<{ pair: KvPair | null; index: number }> {
    const query: Record<string, string | true | undefined> = {}
    if (index > 0) {
      query.index = String(index)
      query.wait = `${Math.ceil(this.waitMs / 1000)}s`
    }
    if (consistent) query.consistent = true
    const result = await this.deps.client.getJson(`/v1/kv/${encodeKey(this.options.key)}`, {
      query,
      signal,
      accept: [404],
      // Consul may hold a blocking query up to wait + wait/16.
      headersTimeoutMs: this.waitMs * 2 + 10_000,
    })
    const next = result.index ?? 0
    // An index going backwards (a reset or a new leader's state) restarts the wait, as Consul advises.
    const safeIndex = next < index ? 0 : next
    if (result.status === 404 || !Array.isArray(result.value) || result.value.length === 0)
      return { pair: null, index: safeIndex }
    return { pair: result.value[0] as KvPair, index: safeIndex }
  }

  private async kvPut(operation: string, signal: AbortSignal): Promise<boolean> {
    const [name, session] = operation.split('=') as [string, string]
    const query: Record<string, string> = { [name]: session }
    if (name === 'acquire') query.flags = LOCK_FLAG_VALUE.toString()
    const { value } = await this.putJson(
      `/v1/kv/${encodeKey(this.options.key)}`,
      this.options.value,
      signal,
      [],
      query,
    )
    return value === true
  }

  private async destroySession(sessionId: string): Promise<void> {
    await this.putJson(`/v1/session/destroy/${sessionId}`, undefined, AbortSignal.timeout(5_000)).catch(
      (error: unknown) =>
        this.deps.logger.debug('Could not destroy the session', { error: (error as Error).message }),
    )
  }

  private async putJson(
    path: string,
    body: unknown,
    signal: AbortSignal,
    accept: number[] = [],
    query: Record<string, string> = {},
  ): Promise<{ status: number; value: unknown }> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    // The client's bounded read: an answer larger than any of these calls gives is refused, not held.
    const { status, value } = await this.deps.client.sendJson({
      method: 'PUT',
      path,
      query,
      ...(payload === undefined ? {} : fixedLengthBody(payload)),
      signal,
      accept,
    })
    return { status, value }
  }
}

/** A sleep that ends early (rejecting) when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
