import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createDispatcher } from '../../../src/main/api/dispatcher'
import { createHandlers } from '../../../src/main/api/create-handlers'
import { createSourceResolver } from '../../../src/main/host/source-resolver'
import { createUploadStore } from '../../../src/main/host/upload-store'
import { startWebHost, type WebHost } from '../../../src/main/transport/web-host'
import { socketProtocol, socketProtocols, webPaths, type HostFrame } from '../../../src/shared/web-protocol'
import { createControllableInspect, createFakeHostServices } from '../api/fake-host-services'
import type { InspectRunner } from '../../../src/main/host/host-services'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function send(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
    request.on('error', reject)
    request.end(options.body)
  })
}

/** Opens a socket and resolves with a small client, or rejects with the HTTP status of a refusal. */
function openSocket(
  port: number,
  headers: Record<string, string>,
  protocols: string[] = [],
): Promise<{
  protocol: string
  call(method: string, input: unknown): Promise<unknown>
  frames: HostFrame[]
  close(): void
  waitFor(predicate: (frame: HostFrame) => boolean): Promise<HostFrame>
}> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${webPaths.socket}`, protocols, { headers })
    const frames: HostFrame[] = []
    const waiters: Array<{ predicate: (frame: HostFrame) => boolean; resolve: (frame: HostFrame) => void }> =
      []
    let nextId = 1
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as HostFrame
      frames.push(frame)
      for (const waiter of [...waiters]) {
        if (waiter.predicate(frame)) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve(frame)
        }
      }
    })
    const waitFor = (predicate: (frame: HostFrame) => boolean) =>
      new Promise<HostFrame>((done) => {
        const seen = frames.find(predicate)
        if (seen !== undefined) done(seen)
        else waiters.push({ predicate, resolve: done })
      })
    ws.on('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)))
    ws.on('error', reject)
    ws.on('open', () =>
      resolve({
        protocol: ws.protocol,
        frames,
        waitFor,
        close: () => ws.close(),
        call: async (method, input) => {
          const id = nextId++
          ws.send(JSON.stringify({ type: 'call', id, method, input }))
          const reply = await waitFor((frame) => frame.type === 'reply' && frame.id === id)
          return reply.type === 'reply' ? reply.result : undefined
        },
      }),
    )
  })
}

describe('the browser-mode web host', () => {
  let folder: string
  let host: WebHost
  async function start(overrides: { inspect?: InspectRunner } = {}): Promise<WebHost> {
    const uploads = createUploadStore(join(folder, 'uploads'))
    const services = createFakeHostServices({
      sources: createSourceResolver({ uploads }),
      ...(overrides.inspect ? { inspect: overrides.inspect } : {}),
    })
    const dispatcher = createDispatcher({ host: 'browser', handlers: createHandlers(services) })
    return startWebHost({
      dispatcher,
      rendererDir: join(folder, 'renderer'),
      uploads,
      token: 'secret-token-for-tests',
    })
  }

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'web-host-'))
    await mkdir(join(folder, 'renderer', 'assets'), { recursive: true })
    await writeFile(join(folder, 'renderer', 'index.html'), '<!doctype html><title>Snapshot Studio</title>')
    await writeFile(join(folder, 'renderer', 'assets', 'app.js'), 'console.log(1)')
    await writeFile(join(folder, 'outside.txt'), 'not for the page')
  })

  afterEach(async () => {
    await host?.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('listens on 127.0.0.1 only and prints a URL with the token in its fragment', async () => {
    host = await start()

    expect(host.address).toBe('127.0.0.1')
    // A fragment never leaves the browser: no server (this one or another) receives it.
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=secret-token-for-tests`)
    expect(host.token).toBe('secret-token-for-tests')
  })

  it('makes up a long random token when none is given', async () => {
    const uploads = createUploadStore(join(folder, 'uploads'))
    host = await startWebHost({
      dispatcher: createDispatcher({ host: 'browser', handlers: createHandlers(createFakeHostServices()) }),
      rendererDir: null,
      uploads,
    })

    expect(host.token.length).toBeGreaterThanOrEqual(40)
  })

  it('serves the page itself without a token (the page holds no secret and reads the token from its URL)', async () => {
    host = await start()

    const page = await send(host.port, '/')

    expect(page.status).toBe(200)
    expect(page.body).toContain('Snapshot Studio</title>')
    expect(page.headers['set-cookie']).toBeUndefined()
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'")
  })

  it('answers 401 to an API request without a token and 403 to a wrong one', async () => {
    host = await start()

    const missing = await send(host.port, webPaths.upload, { method: 'POST', body: Buffer.from('x') })
    const wrong = await send(host.port, webPaths.upload, {
      method: 'POST',
      headers: { authorization: 'Bearer guess' },
      body: Buffer.from('x'),
    })

    expect(missing.status).toBe(401)
    expect(wrong.status).toBe(403)
  })

  it('takes the token neither from a cookie nor from the query (other local servers would see those)', async () => {
    host = await start()

    const byCookie = await send(host.port, webPaths.upload, {
      method: 'POST',
      headers: { cookie: `snapshot_studio_token_${host.port}=secret-token-for-tests` },
      body: Buffer.from('x'),
    })
    const byQuery = await send(host.port, `${webPaths.upload}?token=secret-token-for-tests`, {
      method: 'POST',
      body: Buffer.from('x'),
    })
    const pageWithQuery = await send(host.port, '/?token=secret-token-for-tests')

    expect(byCookie.status).toBe(401)
    expect(byQuery.status).toBe(401)
    expect(pageWithQuery.headers['set-cookie']).toBeUndefined()
    await expect(
      openSocket(host.port, { cookie: `snapshot_studio_token_${host.port}=secret-token-for-tests` }),
    ).rejects.toThrow('HTTP 401')
  })

  it('accepts the localhost spelling of its own address', async () => {
    host = await start()

    const reply = await send(host.port, '/', {
      headers: { host: `localhost:${host.port}`, authorization: 'Bearer secret-token-for-tests' },
    })

    expect(reply.status).toBe(200)
  })

  it('refuses a rebinding attack: right token, but a Host header naming another domain', async () => {
    host = await start()

    const reply = await send(host.port, '/', {
      headers: { host: `evil.example:${host.port}`, authorization: 'Bearer secret-token-for-tests' },
    })

    expect(reply.status).toBe(403)
  })

  it('refuses a request a foreign web page makes (Origin of another site)', async () => {
    host = await start()

    const reply = await send(host.port, webPaths.upload, {
      method: 'POST',
      headers: { origin: 'https://evil.example', authorization: 'Bearer secret-token-for-tests' },
      body: Buffer.from('x'),
    })

    expect(reply.status).toBe(403)
  })

  it('never serves a file outside the renderer folder', async () => {
    host = await start()

    const reply = await send(host.port, '/..%2foutside.txt', {
      headers: { authorization: 'Bearer secret-token-for-tests' },
    })
    const dotted = await send(host.port, '/assets/../../outside.txt', {
      headers: { authorization: 'Bearer secret-token-for-tests' },
    })

    expect(reply.body).not.toContain('not for the page')
    expect(dotted.body).not.toContain('not for the page')
  })

  it('refuses a socket without the token, or from a foreign origin', async () => {
    host = await start()

    await expect(openSocket(host.port, {})).rejects.toThrow('HTTP 401')
    await expect(
      openSocket(host.port, {
        authorization: 'Bearer secret-token-for-tests',
        origin: 'https://evil.example',
      }),
    ).rejects.toThrow('HTTP 403')
  })

  it('round-trips a method call over a socket that shows the token as a subprotocol, as a page does', async () => {
    host = await start()
    const socket = await openSocket(
      host.port,
      { origin: `http://127.0.0.1:${host.port}` },
      socketProtocols('secret-token-for-tests'),
    )

    const result = await socket.call('app.info', {})
    socket.close()

    expect(result).toMatchObject({ ok: true, value: { capabilities: { kind: 'browser' } } })
    // The handshake's answer names the protocol, never echoes the token.
    expect(socket.protocol).toBe(socketProtocol)
  })

  it('refuses a socket whose subprotocol carries a wrong token', async () => {
    host = await start()

    await expect(
      openSocket(host.port, { origin: `http://127.0.0.1:${host.port}` }, socketProtocols('guess')),
    ).rejects.toThrow('HTTP 403')
  })

  it('answers a validation error for a bad payload', async () => {
    host = await start()
    const socket = await openSocket(host.port, { authorization: 'Bearer secret-token-for-tests' })

    const result = await socket.call('snapshot.inspect', { operationId: 'short', source: { kind: 'path' } })
    socket.close()

    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
  })

  it('delivers progress events of an operation to its socket', async () => {
    host = await start()
    const socket = await openSocket(host.port, { authorization: 'Bearer secret-token-for-tests' })

    const result = await socket.call('snapshot.inspect', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: join(folder, 'outside.txt') },
    })
    const progress = socket.frames.filter((frame) => frame.type === 'event')
    socket.close()

    expect(result).toMatchObject({ ok: true })
    expect(progress).toEqual([
      {
        type: 'event',
        event: 'operation.progress',
        payload: expect.objectContaining({ operationId: 'op-00000001' }),
      },
    ])
  })

  it('cancels a running operation when asked over the socket', async () => {
    const controllable = createControllableInspect()
    host = await start({ inspect: controllable })
    const socket = await openSocket(host.port, { authorization: 'Bearer secret-token-for-tests' })
    const running = socket.call('snapshot.inspect', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: join(folder, 'outside.txt') },
    })
    await socket.waitFor((frame) => frame.type === 'event')

    const cancelled = await socket.call('operations.cancel', { operationId: 'op-00000001' })
    const outcome = await running
    socket.close()

    expect(cancelled).toEqual({ ok: true, value: { cancelled: true } })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
  })

  it('streams an upload to disk and lets snapshot.inspect use its id', async () => {
    host = await start()
    const body = Buffer.alloc(256 * 1024, 7)

    const reply = await send(host.port, `${webPaths.upload}?name=backup.snap`, {
      method: 'POST',
      headers: { authorization: 'Bearer secret-token-for-tests' },
      body,
    })
    const uploaded = JSON.parse(reply.body) as {
      ok: true
      value: { uploadId: string; size: number; name: string }
    }
    const socket = await openSocket(host.port, { authorization: 'Bearer secret-token-for-tests' })
    const result = await socket.call('snapshot.inspect', {
      operationId: 'op-00000002',
      source: { kind: 'upload', uploadId: uploaded.value.uploadId },
    })
    const unknown = await socket.call('snapshot.inspect', {
      operationId: 'op-00000003',
      source: { kind: 'upload', uploadId: 'f'.repeat(32) },
    })
    socket.close()

    expect(reply.status).toBe(200)
    expect(uploaded.value).toMatchObject({ size: body.length, name: 'backup.snap' })
    expect(result).toMatchObject({ ok: true })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } })
  })

  it('deletes an upload on DELETE with the token, and only then', async () => {
    host = await start()
    const auth = { authorization: 'Bearer secret-token-for-tests' }
    const reply = await send(host.port, `${webPaths.upload}?name=a.snap`, {
      method: 'POST',
      headers: auth,
      body: Buffer.from('x'),
    })
    const { uploadId } = (JSON.parse(reply.body) as { value: { uploadId: string } }).value

    const withoutToken = await send(host.port, `${webPaths.upload}/${uploadId}`, { method: 'DELETE' })
    const deleted = await send(host.port, `${webPaths.upload}/${uploadId}`, {
      method: 'DELETE',
      headers: auth,
    })
    const again = await send(host.port, `${webPaths.upload}/${uploadId}`, { method: 'DELETE', headers: auth })

    expect(withoutToken.status).toBe(401)
    expect(deleted.status).toBe(200)
    expect(again.status).toBe(404)
  })
})
