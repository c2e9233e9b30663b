import { Readable } from 'node:stream'
import {
  readJsonBody,
  type ConsulClient,
  type ConsulRequest,
  type ConsulResponse,
  type JsonAnswer,
} from '../../src/main/services/consul/consul-client'

/**
 * For unit specs of the lock and the registration only: the few Consul endpoints they call
 * (sessions, one KV key with acquire/release, agent services and TTL checks), with Consul's
 * semantics as docs/consul-api.md describes them, held in memory. Every request is recorded so a
 * spec can assert the order of calls (release before destroy). Integration specs use real Consul.
 */
export interface RecordedCall {
  method: 'GET' | 'PUT'
  path: string
  query: Record<string, string | true | undefined>
  body: unknown
}

interface KvEntry {
  value: string
  flags: string
  session: string | undefined
  modifyIndex: number
}

interface Session {
  ttl: string
  lockDelay: string
  behavior: string
  name: string
}

export interface CheckState {
  name: string
  serviceId: string | null
  ttl: string
  status: 'passing' | 'warning' | 'critical'
  output: string
  deregisterAfter: string | null
}

export class InMemoryConsulApi implements Pick<ConsulClient, 'send' | 'sendJson' | 'getJson'> {
  readonly calls: RecordedCall[] = []
  readonly sessions = new Map<string, Session>()
  readonly kv = new Map<string, KvEntry>()
  readonly services = new Map<string, { name: string; meta: Record<string, string> }>()
  readonly checks = new Map<string, CheckState>()
  /** Acquires refused until this many have been tried (a lock-delay after a holder died). */
  refuseAcquires = 0
  /** When set, every request to a path starting with it fails as an unreachable server would. */
  failPathsStartingWith: string | null = null
  /** White space sent after every answer (still valid JSON): a server answering far more than asked. */
  padAnswersBy = 0
  /** Bytes of answers the caller actually pulled. */
  bytesRead = 0
  private index = 1
  private nextSession = 1
  private waiters = new Set<() => void>()

  /** Another client's session, to hold the key as a competing instance would. */
  createForeignSession(): string {
    const id = `foreign-${this.nextSession++}`
    this.sessions.set(id, { ttl: '15s', lockDelay: '15s', behavior: 'release', name: 'other' })
    return id
  }

  holdKey(key: string, session: string, flags = '3304740253564472344'): void {
    this.writeKv(key, { value: 'other', flags, session })
  }

  /** What Consul does when a session is destroyed or its TTL runs out: `release` frees its keys. */
  invalidateSession(id: string): void {
    this.sessions.delete(id)
    for (const [key, entry] of this.kv)
      if (entry.session === id) this.writeKv(key, { ...entry, session: undefined })
  }

  /** A write that keeps the holder (a new ModifyIndex), waking blocking readers. */
  touchKey(key: string): void {
    const entry = this.kv.get(key)
    if (entry) this.writeKv(key, { value: entry.value, flags: entry.flags, session: entry.session })
  }

  putKey(key: string, value: string, flags: string): void {
    this.writeKv(key, { value, flags, session: undefined })
  }

  async send(req: ConsulRequest): Promise<ConsulResponse> {
    const body = await readBody(req.body)
    this.calls.push({ method: req.method, path: req.path, query: req.query ?? {}, body })
    if (this.failPathsStartingWith !== null && req.path.startsWith(this.failPathsStartingWith))
      throw new Error('connect ECONNREFUSED 127.0.0.1:8500')
    const { status, value, index } = await this.answer(req, body)
    if (status >= 300 && !req.accept?.includes(status)) throw new Error(`Consul answered ${status}`)
    return {
      status,
      headers: { 'x-consul-index': String(index) },
      body: this.jsonBody(value),
    }
  }

  /** As the client does it: the same bounded read of the same body. */
  async sendJson(req: ConsulRequest): Promise<JsonAnswer> {
    const response = await this.send(req)
    return {
      status: response.status,
      headers: response.headers,
      value: await readJsonBody(response.body, 'the in-memory Consul'),
    }
  }

  async getJson(
    path: string,
    options: Omit<ConsulRequest, 'method' | 'path'> = {},
  ): Promise<{ status: number; value: unknown; index: number | null }> {
    const { status, headers, value } = await this.sendJson({ ...options, method: 'GET', path })
    return { status, value, index: Number(headers['x-consul-index']) }
  }

  /** Sent in 64 KiB pieces, counting what the caller pulls. */
  private jsonBody(value: unknown): ConsulResponse['body'] {
    const text =
      value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)
    const bytes = Buffer.concat([Buffer.from(text), Buffer.alloc(this.padAnswersBy, ' ')])
    const pulled = (n: number) => (this.bytesRead += n)
    function* pieces(): Generator<Buffer> {
      for (let at = 0; at < bytes.length; at += 64 * 1024) {
        const piece = bytes.subarray(at, at + 64 * 1024)
        pulled(piece.length)
        yield piece
      }
    }
    // Callers read by iterating, with text() or dump(); undici's body offers all three, so does this one.
    return Object.assign(Readable.from(pieces()), {
      text: async () => {
        pulled(bytes.length)
        return bytes.toString('utf8')
      },
      dump: async () => undefined,
    }) as unknown as ConsulResponse['body']
  }

  private async answer(
    req: ConsulRequest,
    body: unknown,
  ): Promise<{ status: number; value: unknown; index: number }> {
    const path = req.path
    const query = req.query ?? {}
    if (path === '/v1/session/create') {
      const spec = body as { Name: string; TTL: string; LockDelay: string; Behavior: string }
      const id = `session-${this.nextSession++}`
      this.sessions.set(id, {
        ttl: spec.TTL,
        lockDelay: spec.LockDelay,
        behavior: spec.Behavior,
        name: spec.Name,
      })
      return { status: 200, value: { ID: id }, index: this.index }
    }
    if (path.startsWith('/v1/session/renew/')) {
      const id = path.slice('/v1/session/renew/'.length)
      const session = this.sessions.get(id)
      return session
        ? { status: 200, value: [{ ID: id, TTL: session.ttl }], index: this.index }
        : { status: 404, value: `Session id '${id}' not found`, index: this.index }
    }
    if (path.startsWith('/v1/session/destroy/')) {
      this.invalidateSession(path.slice('/v1/session/destroy/'.length))
      return { status: 200, value: true, index: this.index }
    }
    if (path.startsWith('/v1/kv/')) return this.kvRequest(decodeURIComponent(path.slice(7)), req, query, body)
    if (path === '/v1/agent/service/register') {
      const spec = body as {
        ID: string
        Name: string
        Meta: Record<string, string>
        Checks: Array<Record<string, string>>
      }
      this.services.set(spec.ID, { name: spec.Name, meta: spec.Meta })
      for (const check of spec.Checks)
        this.checks.set(check.CheckID ?? '', {
          name: check.Name ?? '',
          serviceId: spec.ID,
          ttl: check.TTL ?? '',
          status: check.Status === 'passing' ? 'passing' : 'critical',
          output: '',
          deregisterAfter: check.DeregisterCriticalServiceAfter ?? null,
        })
      return { status: 200, value: null, index: this.index }
    }
    if (path.startsWith('/v1/agent/service/deregister/')) {
      const id = decodeURIComponent(path.slice('/v1/agent/service/deregister/'.length))
      this.services.delete(id)
      for (const [checkId, check] of this.checks) if (check.serviceId === id) this.checks.delete(checkId)
      return { status: 200, value: null, index: this.index }
    }
    if (path.startsWith('/v1/agent/service/')) {
      const id = decodeURIComponent(path.slice('/v1/agent/service/'.length))
      const service = this.services.get(id)
      return service
        ? { status: 200, value: { ID: id, Service: service.name }, index: this.index }
        : { status: 404, value: 'unknown service', index: this.index }
    }
    if (path.startsWith('/v1/agent/check/deregister/')) {
      this.checks.delete(decodeURIComponent(path.slice('/v1/agent/check/deregister/'.length)))
      return { status: 200, value: null, index: this.index }
    }
    if (path === '/v1/agent/check/register') {
      const spec = body as { ID: string; Name: string; ServiceID: string; TTL: string; Status?: string }
      this.checks.set(spec.ID, {
        name: spec.Name,
        serviceId: spec.ServiceID,
        ttl: spec.TTL,
        // A TTL check starts critical unless the registration gives a status.
        status: spec.Status === 'passing' || spec.Status === 'warning' ? spec.Status : 'critical',
        output: '',
        deregisterAfter: null,
      })
      return { status: 200, value: null, index: this.index }
    }
    const checkUpdate = /^\/v1\/agent\/check\/(pass|warn|fail)\/(.+)$/.exec(path)
    if (checkUpdate) {
      const check = this.checks.get(decodeURIComponent(checkUpdate[2] ?? ''))
      if (!check) return { status: 404, value: 'unknown check', index: this.index }
      check.status =
        checkUpdate[1] === 'pass' ? 'passing' : checkUpdate[1] === 'warn' ? 'warning' : 'critical'
      check.output = String(query.note ?? '')
      return { status: 200, value: null, index: this.index }
    }
    return { status: 404, value: `no fake for ${req.method} ${path}`, index: this.index }
  }

  private async kvRequest(
    key: string,
    req: ConsulRequest,
    query: Record<string, string | true | undefined>,
    body: unknown,
  ): Promise<{ status: number; value: unknown; index: number }> {
    if (req.method === 'GET') {
      const wanted = Number(query.index ?? 0)
      // A blocking query: answer when the key changed past the given index, or when the caller
      // gives up (its signal), as Consul answers after `wait`.
      while (wanted > 0 && (this.kv.get(key)?.modifyIndex ?? 0) <= wanted) {
        if (req.signal?.aborted) throw req.signal.reason
        await this.nextChange(req.signal)
      }
      const entry = this.kv.get(key)
      if (!entry) return { status: 404, value: null, index: this.index }
      // ?raw answers the value itself (the status key is JSON).
      if (query.raw !== undefined) return { status: 200, value: entry.value, index: entry.modifyIndex }
      return {
        status: 200,
        value: [
          { Key: key, Flags: Number(entry.flags), Session: entry.session, ModifyIndex: entry.modifyIndex },
        ],
        index: entry.modifyIndex,
      }
    }
    const value = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
    const current = this.kv.get(key)
    if (typeof query.acquire === 'string') {
      if (!this.sessions.has(query.acquire))
        return { status: 500, value: 'invalid session', index: this.index }
      if (this.refuseAcquires > 0) {
        this.refuseAcquires--
        return { status: 200, value: false, index: this.index }
      }
      if (current?.session && current.session !== query.acquire)
        return { status: 200, value: false, index: this.index }
      this.writeKv(key, { value, flags: String(query.flags ?? '0'), session: query.acquire })
      return { status: 200, value: true, index: this.index }
    }
    if (typeof query.release === 'string') {
      if (current?.session !== query.release) return { status: 200, value: false, index: this.index }
      this.writeKv(key, { value, flags: current.flags, session: undefined })
      return { status: 200, value: true, index: this.index }
    }
    this.writeKv(key, { value, flags: String(query.flags ?? '0'), session: current?.session })
    return { status: 200, value: true, index: this.index }
  }

  private writeKv(key: string, entry: Omit<KvEntry, 'modifyIndex'>): void {
    this.index++
    this.kv.set(key, { ...entry, modifyIndex: this.index })
    for (const wake of this.waiters) wake()
    this.waiters.clear()
  }

  private nextChange(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiters.delete(wake)
        reject(signal?.reason)
      }
      const wake = () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      this.waiters.add(wake)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}

async function readBody(body: ConsulRequest['body']): Promise<unknown> {
  if (!body) return undefined
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(Buffer.from(chunk))
  const text = Buffer.concat(chunks).toString('utf8')
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
