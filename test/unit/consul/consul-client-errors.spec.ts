import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { ConsulClient } from '../../../src/main/services/consul/consul-client'
import type { ConsulConnection } from '../../../src/main/services/consul/consul-connection'
import { createDispatcherFactory } from '../../../src/main/services/consul/consul-dispatcher'
import { startLocalServer, text, type LocalServer } from './local-http-server'

const connectionTo = (address: string, extra: Partial<ConsulConnection> = {}): ConsulConnection => ({
  name: 'test',
  settings: { address, useTls: false, tls: { insecureSkipVerify: false } },
  ...extra,
})

let server: LocalServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function failureOf(
  connection: ConsulConnection,
  operation: 'read' | 'snapshot-save' = 'read',
  headersTimeoutMs?: number,
): Promise<AppError> {
  const client = await ConsulClient.open(
    connection,
    createDispatcherFactory({ connectMs: 2000, idleMs: 1000 }),
  )
  try {
    await client.getJson('/v1/snapshot', { operation, headersTimeoutMs })
  } catch (error) {
    return error as AppError
  } finally {
    await client.close()
  }
  throw new Error('the request did not fail')
}

describe('ConsulClient error mapping', () => {
  it('says CONSUL_REFUSED when nothing listens on the port', async () => {
    const port = await freePort()
    const error = await failureOf(connectionTo(`127.0.0.1:${port}`))
    expect(error).toBeInstanceOf(AppError)
    expect(error.code).toBe('CONSUL_REFUSED')
    expect(error.hint).toMatch(/8500/)
  })

  it('says CONSUL_ACL_DENIED with the acl = "write" hint for a snapshot 403', async () => {
    server = await startLocalServer((_req, res) => text(res, 403, 'Permission denied'))
    const error = await failureOf(connectionTo(server.address), 'snapshot-save')
    expect(error.code).toBe('CONSUL_ACL_DENIED')
    expect(error.hint).toMatch(/acl = "write"/)
  })

  it('tells an unknown token apart from a missing permission', async () => {
    server = await startLocalServer((_req, res) => text(res, 403, 'ACL not found'))
    expect((await failureOf(connectionTo(server.address))).message).toMatch(/does not know this ACL token/)
  })

  it('suggests stale mode when the cluster has no leader', async () => {
    server = await startLocalServer((_req, res) => text(res, 500, 'No cluster leader'))
    const error = await failureOf(connectionTo(server.address), 'snapshot-save')
    expect(error.code).toBe('CONSUL_NO_LEADER')
    expect(error.hint).toMatch(/stale/)
  })

  it('says CONSUL_RATE_LIMITED on 429', async () => {
    server = await startLocalServer((_req, res) => text(res, 429, 'rate limit exceeded'))
    expect((await failureOf(connectionTo(server.address))).code).toBe('CONSUL_RATE_LIMITED')
  })

  it('quotes Consul\u2019s text for other failures, as the Go client does', async () => {
    server = await startLocalServer((_req, res) => text(res, 500, 'failed to open snapshot'))
    const error = await failureOf(connectionTo(server.address))
    expect(error.code).toBe('CONSUL_HTTP')
    expect(error.message).toMatch(/Unexpected response code: 500 \(failed to open snapshot\)/)
  })

  it('says a web page is not a Consul answer, whatever its status, and leaves the page out', async () => {
    const page = '<!DOCTYPE html><html><body><h1>Team dashboard</h1></body></html>'
    for (const [status, contentType] of [
      [404, 'text/html; charset=utf-8'],
      [200, 'text/html'],
      [502, 'text/plain'],
    ] as const) {
      server = await startLocalServer((_req, res) => {
        res.writeHead(status, { 'content-type': contentType })
        res.end(page)
      })
      const error = await failureOf(connectionTo(server.address))
      await server.close()

      expect(error.code).toBe('CONSUL_HTTP')
      expect(error.message).toContain(
        `does not look like a Consul HTTP API: it answered /v1/snapshot with HTTP ${status}`,
      )
      expect(error.hint).toMatch(/8500.*8501/)
      expect(error.details).toMatchObject({ reason: 'not-consul', status })
      expect(JSON.stringify(error.toPayload())).not.toContain('dashboard')
    }
    server = undefined
  })

  it('takes a 404 for an endpoint every agent has as a sign of another server, even in plain text', async () => {
    server = await startLocalServer((_req, res) => text(res, 404, '404 page not found'))
    const error = await failureOf(connectionTo(server.address))
    expect(error.message).toContain('does not look like a Consul HTTP API')
    expect(error.message).not.toContain('page not found')
  })

  it('says CONSUL_TIMEOUT when the agent accepts but never answers', async () => {
    server = await startLocalServer(() => undefined)
    const error = await failureOf(connectionTo(server.address), 'read', 200)
    expect(error.code).toBe('CONSUL_TIMEOUT')
  })

  it('sends the token as X-Consul-Token and basic auth when configured', async () => {
    server = await startLocalServer((_req, res) => text(res, 200, '"ok"'))
    const connection = connectionTo(server.address, { token: 'secret-token', basicAuthPassword: 'pw' })
    connection.settings.basicAuthUser = 'ops'
    const client = await ConsulClient.open(connection)
    await client.getJson('/v1/status/leader')
    await client.close()
    expect(server.requests[0]?.headers['x-consul-token']).toBe('secret-token')
    expect(server.requests[0]?.headers.authorization).toBe(
      'Basic ' + Buffer.from('ops:pw').toString('base64'),
    )
  })

  it('sends ?stale as a bare key and the connection datacenter as dc, under a proxy prefix', async () => {
    server = await startLocalServer((_req, res) => text(res, 200, '""'))
    const connection = connectionTo(`${server.address}/consul`)
    connection.settings.datacenter = 'eu-1'
    const client = await ConsulClient.open(connection)
    await client.getJson('/v1/snapshot', { query: { stale: true }, useDatacenter: true })
    await client.close()
    expect(server.requests[0]?.url).toBe('/consul/v1/snapshot?dc=eu-1&stale')
  })

  it('reads the token from the token file, trimmed, in preference to a literal token', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const dir = await mkdtemp(join(tmpdir(), 'ss-token-'))
    await writeFile(join(dir, 'token'), '  from-file\n')
    server = await startLocalServer((_req, res) => text(res, 200, '""'))
    const connection = connectionTo(server.address, { token: 'literal' })
    connection.settings.tokenFile = join(dir, 'token')
    const client = await ConsulClient.open(connection)
    await client.getJson('/v1/status/leader')
    await client.close()
    expect(server.requests[0]?.headers['x-consul-token']).toBe('from-file')
  })
})

describe('ConsulClient over a unix socket', () => {
  it('dials unix:///path as the Consul CLI does', async () => {
    const { createServer: createHttpServer } = await import('node:http')
    const { mkdtemp } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const socketPath = join(await mkdtemp(join(tmpdir(), 'ss-sock-')), 'consul.sock')
    const http = createHttpServer((req, res) => res.end(JSON.stringify(req.url)))
    await new Promise<void>((resolve) => http.listen(socketPath, resolve))
    try {
      const client = await ConsulClient.open(connectionTo(`unix://${socketPath}`))
      const { value } = await client.getJson('/v1/status/leader')
      await client.close()
      expect(value).toBe('/v1/status/leader')
      expect(client.where).toBe(`unix://${socketPath}`)
    } finally {
      await new Promise<void>((resolve) => http.close(() => resolve()))
    }
  })

  it('says the socket cannot be opened when nothing listens there', async () => {
    const error = await failureOf(connectionTo('unix:///nonexistent/consul.sock'))
    expect(error.code).toBe('CONSUL_UNREACHABLE')
    expect(error.message).toMatch(/socket .* cannot be opened \(ENOENT\)/)
  })
})

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}
