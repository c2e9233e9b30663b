import type { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import { AppError } from '../../../shared/app-error'
import { endpointOrigin } from './consul-address'
import { resolveConnection, type ConsulConnection, type ResolvedConnection } from './consul-connection'
import { createDispatcherFactory, type DispatcherFactory } from './consul-dispatcher'
import {
  looksLikeWebPage,
  mapHttpError,
  mapTransportError,
  notConsulError,
  type ConsulOperation,
} from './consul-errors'
import { probeTlsClose } from './tls-close-probe'
import { request } from './undici-parts'

export interface ConsulRequest {
  method: 'GET' | 'PUT'
  path: string
  /** `true` sends the bare key (`?stale`), as Consul only checks presence. */
  query?: Record<string, string | true | undefined>
  /** Adds `dc=` from the connection unless the query sets it. */
  useDatacenter?: boolean
  /** Streamed as is; an async iterable is pulled at the socket's pace. */
  body?: Readable | AsyncIterable<Uint8Array>
  headers?: Record<string, string>
  signal?: AbortSignal
  /** 0 disables the timeout (restore: the server may take minutes before answering). */
  headersTimeoutMs?: number
  /** Longest pause between two body chunks; 0 disables it. */
  bodyTimeoutMs?: number
  operation?: ConsulOperation
  /** Statuses returned to the caller instead of being thrown as errors (e.g. autopilot's 429). */
  accept?: number[]
}

export interface ConsulResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Dispatcher.ResponseData['body']
}

const API_TIMEOUT_MS = 15_000
const ERROR_BODY_LIMIT = 64 * 1024
/**
 * The most of one JSON answer held in memory. The API calls answered this way (sessions, a lock's
 * key, catalogue and health listings, status) answer in kilobytes, a few megabytes on the largest
 * clusters; an answer past this is not the one asked for, and is refused instead of read on.
 */
export const JSON_BODY_LIMIT = 16 * 1024 * 1024

export interface JsonAnswer {
  status: number
  headers: ConsulResponse['headers']
  /** Parsed JSON; the text itself when it is not JSON; null when empty. */
  value: unknown
}

/** The Consul HTTP API over one undici dispatcher. Close it when done. */
export class ConsulClient {
  private constructor(
    readonly connection: ResolvedConnection,
    private readonly dispatcher: Dispatcher,
  ) {}

  static async open(
    connection: ConsulConnection,
    dispatcherFactory: DispatcherFactory = defaultFactory,
  ): Promise<ConsulClient> {
    const resolved = await resolveConnection(connection)
    return new ConsulClient(resolved, await dispatcherFactory(resolved))
  }

  get where(): string {
    return this.connection.description
  }

  async send(req: ConsulRequest): Promise<ConsulResponse> {
    const url = this.url(req)
    let response: Dispatcher.ResponseData
    try {
      response = await request(this.dispatcher, url, {
        method: req.method,
        headers: this.headers(req.headers),
        // undici streams async iterables too; its typings list only Readable.
        body: (req.body ?? null) as Readable | null,
        signal: req.signal,
        headersTimeout: req.headersTimeoutMs ?? API_TIMEOUT_MS,
        bodyTimeout: req.bodyTimeoutMs ?? API_TIMEOUT_MS,
      })
    } catch (error) {
      throw await this.explainTransportError(error)
    }
    const contentType = headerValue(response.headers, 'content-type')
    // A web page is never an answer of Consul's API, whatever its status: a 200 page would
    // otherwise be read as JSON or saved as a snapshot.
    if (looksLikeWebPage('', contentType)) {
      await response.body.dump().catch(() => undefined)
      throw notConsulError(this.where, response.statusCode, req.path)
    }
    const ok = response.statusCode >= 200 && response.statusCode < 300
    if (ok || req.accept?.includes(response.statusCode)) {
      return { status: response.statusCode, headers: response.headers, body: response.body }
    }
    const text = await readLimited(response.body, ERROR_BODY_LIMIT)
    throw mapHttpError(response.statusCode, text, this.where, req.operation ?? 'read', {
      contentType,
      path: req.path,
    })
  }

  /**
   * A call whose answer is small JSON (or Consul's plain text, e.g. a `true` or an error line):
   * the status, the headers and the parsed body, read with readJsonBody's bound.
   */
  async sendJson(req: ConsulRequest): Promise<JsonAnswer> {
    const response = await this.send(req)
    const value = await readJsonBody(response.body, this.where)
    return { status: response.status, headers: response.headers, value }
  }

  /** A small JSON read; returns the parsed body and X-Consul-Index. */
  async getJson(
    path: string,
    options: Omit<ConsulRequest, 'method' | 'path'> = {},
  ): Promise<{ status: number; value: unknown; index: number | null }> {
    const { status, headers, value } = await this.sendJson({ ...options, method: 'GET', path })
    return { status, value, index: headerNumber(headers, 'x-consul-index') }
  }

  /** A TLS connection closed before any answer may hide an alert: look once more to name it. */
  private async explainTransportError(error: unknown): Promise<AppError> {
    const mapped = mapTransportError(error, this.where)
    if (
      mapped.code !== 'CONSUL_UNREACHABLE' ||
      this.connection.endpoint.kind !== 'tcp' ||
      this.connection.endpoint.scheme !== 'https'
    )
      return mapped
    const code = await probeTlsClose(this.connection.endpoint, this.connection.tls).catch(() => null)
    return code
      ? mapTransportError(Object.assign(new Error(`TLS alert ${code}`), { code, cause: error }), this.where)
      : mapped
  }

  async close(): Promise<void> {
    await this.dispatcher.close().catch(() => undefined)
  }

  private url(req: ConsulRequest): string {
    const { endpoint, datacenter } = this.connection
    const params = new URLSearchParams()
    const query = { ...req.query }
    if (req.useDatacenter && datacenter && query.dc === undefined) query.dc = datacenter
    const bare: string[] = []
    for (const [key, value] of Object.entries(query)) {
      if (value === true) bare.push(encodeURIComponent(key))
      else if (value !== undefined) params.append(key, value)
    }
    const search = [params.toString(), ...bare].filter((part) => part !== '').join('&')
    return endpointOrigin(endpoint) + endpoint.pathPrefix + req.path + (search ? `?${search}` : '')
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { ...extra }
    if (this.connection.token) headers['x-consul-token'] = this.connection.token
    if (this.connection.basicAuth) {
      const { user, password } = this.connection.basicAuth
      headers.authorization = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64')
    }
    return headers
  }
}

const defaultFactory = createDispatcherFactory()

export function headerValue(headers: ConsulResponse['headers'], name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

export function headerNumber(headers: ConsulResponse['headers'], name: string): number | null {
  const value = headerValue(headers, name)
  if (value === undefined || !/^\d+$/.test(value)) return null
  return Number(value)
}

async function readLimited(body: ConsulResponse['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const buffer = chunk as Buffer
    if (size < limit) chunks.push(buffer.subarray(0, limit - size))
    size += buffer.length
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * A small answer's body as JSON, or as its text when it is not JSON (Consul answers some calls and
 * every error in plain text), or null when empty. More than `limit` bytes is refused with a typed
 * error as soon as it is seen, and the rest of the body is not read.
 */
export async function readJsonBody(
  body: ConsulResponse['body'],
  where: string,
  limit = JSON_BODY_LIMIT,
): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer
      size += buffer.length
      if (size > limit) {
        body.destroy()
        throw new AppError(
          'CONSUL_HTTP',
          `${where} answered with more than ${limit / (1024 * 1024)} MiB where a small JSON answer was expected.`,
          { hint: 'Is this address really a Consul agent (and not a proxy or another service)?' },
        )
      }
      chunks.push(buffer)
    }
  } catch (error) {
    if (error instanceof AppError) throw error
    throw mapTransportError(error, where)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** Runs `work` with a client that is always closed afterwards. */
export async function withClient<T>(
  connection: ConsulConnection,
  factory: DispatcherFactory | undefined,
  work: (client: ConsulClient) => Promise<T>,
): Promise<T> {
  const client = await ConsulClient.open(connection, factory)
  try {
    return await work(client)
  } finally {
    await client.close()
  }
}

export function assertObject(value: unknown, what: string, where: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>
  throw new AppError('CONSUL_HTTP', `${where} answered ${what} with something that is not a JSON object.`, {
    hint: 'Is this address really a Consul agent (and not a proxy or another service)?',
  })
}
