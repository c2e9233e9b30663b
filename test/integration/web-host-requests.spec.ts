/**
 * The running browser-mode host against hostile bytes: any program on the machine can connect to
 * its port, so no request, with or without the token, may stop it. Raw sockets, because an HTTP
 * client library would refuse to send most of these.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureFreshBuild } from '../unit/build/ensure-fresh-build'
import { startStudioWebProcess, type StudioWebProcess } from '../support/studio-web-process'

/** Writes raw bytes and resolves with what came back once the host hangs up (or switches protocols). */
function rawExchange(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    let received = ''
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      // A successful upgrade keeps the socket open by design: that is an answer too.
      if (received.startsWith('HTTP/1.1 101') && received.includes('\r\n\r\n')) socket.destroy()
    })
    socket.on('close', () => resolve(received))
    socket.on('error', (error: NodeJS.ErrnoException) =>
      // The host may hang up before reading everything we wrote; what it answered still counts.
      error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve(received) : reject(error),
    )
    // Not end(): a half-closed client makes Node's server hang up before it answers.
    socket.write(bytes)
  })
}

function request(line: string, headers: string[]): string {
  return `${line}\r\n${[...headers, 'Connection: close'].join('\r\n')}\r\n\r\n`
}

function upgrade(line: string, port: number, extra: string[]): string {
  return `${line}\r\n${[
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...extra,
  ].join('\r\n')}\r\n\r\n`
}

function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0)
}

describe('the running browser-mode host and malformed requests', () => {
  let folder: string
  let web: StudioWebProcess

  beforeAll(async () => {
    ensureFreshBuild()
    folder = await mkdtemp(join(tmpdir(), 'web-requests-'))
    web = await startStudioWebProcess({ dataDir: join(folder, 'data') })
  })

  afterAll(async () => {
    await web?.kill('SIGTERM')
    await rm(folder, { recursive: true, force: true })
  })

  async function stillAnswers(): Promise<void> {
    const page = await rawExchange(web.port, request('GET / HTTP/1.1', [`Host: 127.0.0.1:${web.port}`]))
    expect(statusOf(page)).toBe(200)
    expect(web.child.exitCode).toBeNull()
  }

  it('answers 400 to an absolute-form target that does not parse (GET http://[/)', async () => {
    const response = await rawExchange(
      web.port,
      request('GET http://[/ HTTP/1.1', [`Host: 127.0.0.1:${web.port}`]),
    )

    expect(statusOf(response)).toBe(400)
    await stillAnswers()
  })

  it('ignores a cookie with a malformed percent-escape, on the page and on the socket upgrade', async () => {
    const cookie = `Cookie: snapshot_studio_token_${web.port}=%E0`

    const page = await rawExchange(
      web.port,
      request('GET / HTTP/1.1', [`Host: 127.0.0.1:${web.port}`, cookie]),
    )
    const socket = await rawExchange(web.port, upgrade('GET /api/socket HTTP/1.1', web.port, [cookie]))

    expect(statusOf(page)).toBe(200)
    expect(statusOf(socket)).toBe(401)
    await stillAnswers()
  })

  it('answers 400 to a socket upgrade whose target does not parse', async () => {
    const response = await rawExchange(web.port, upgrade('GET http://[/ HTTP/1.1', web.port, []))

    expect(statusOf(response)).toBe(400)
    await stillAnswers()
  })

  it('survives a fuzz of request lines, headers and upgrades, with and without the token', async () => {
    const hostile = [
      '%E0',
      '%',
      '%%',
      '%C0%AF',
      '\u00ff',
      'http://[',
      'http://[/',
      '[::1',
      '//evil',
      '*',
      '/..%2f..%2fetc%2fpasswd',
      '/api/socket?token=%E0',
      '/?token=%',
      '',
    ]
    const text = fc.oneof(fc.constantFrom(...hostile), fc.string({ maxLength: 40 }))
    const target = fc.oneof(
      fc.constantFrom('/', '/api/socket', '/api/upload', '/assets/x.js', 'http://[/', '//x', '*'),
      text.map((value) => `/${value}`),
      text,
    )
    const header = fc.tuple(
      fc.constantFrom(
        'Cookie',
        'Authorization',
        'Origin',
        'Host',
        'Sec-WebSocket-Protocol',
        'Sec-WebSocket-Key',
        'Sec-WebSocket-Version',
        'Sec-WebSocket-Extensions',
        'X-Anything',
      ),
      fc.oneof(
        text,
        fc.constant(`Bearer ${'x'.repeat(10)}`),
        fc.constant('snapshot-studio.v1, snapshot-studio.token.'),
        fc.constant('snapshot-studio.v1,, ,snapshot-studio.token.%E0'),
      ),
    )
    const exchange = fc.record({
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'G\u00e9T'),
      target,
      headers: fc.array(header, { maxLength: 5 }),
      isUpgrade: fc.boolean(),
      withToken: fc.boolean(),
    })

    await fc.assert(
      fc.asyncProperty(exchange, async ({ method, target: path, headers, isUpgrade, withToken }) => {
        const lines = headers.map(([name, value]) => `${name}: ${value.replace(/[\r\n]/g, ' ')}`)
        const tokenLines = withToken
          ? [`Sec-WebSocket-Protocol: snapshot-studio.v1, snapshot-studio.token.${web.token}`]
          : []
        const line = `${method} ${path} HTTP/1.1`
        const bytes = isUpgrade
          ? upgrade(line, web.port, [...tokenLines, ...lines])
          : request(line, [`Host: 127.0.0.1:${web.port}`, ...lines])
        await rawExchange(web.port, Buffer.from(bytes, 'latin1'))
        expect(web.child.exitCode).toBeNull()
      }),
      { numRuns: 300, seed: 20261201 },
    )

    await stillAnswers()
    expect(web.output()).not.toMatch(/Unexpected failure|uncaught|TypeError|URIError/i)
  })
})
