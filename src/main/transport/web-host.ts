/**
 * Browser mode: serves the built renderer and the API (one WebSocket, plus streamed uploads) on
 * 127.0.0.1 only. Other programs on the machine and web pages in the user's browser can reach a
 * loopback port, so every request must show the random token (query once, then an HttpOnly
 * same-site cookie), a Host header naming this loopback port (defeats DNS rebinding) and, when a
 * browser sends one, an Origin that is this host (defeats cross-site requests).
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { isMethodName } from '../../shared/api-contract'
import { failure, ok } from '../../shared/api-result'
import { AppError } from '../../shared/app-error'
import { tokenCookieName, webPaths, type HostFrame } from '../../shared/web-protocol'
import type { Dispatcher } from '../api/dispatcher'
import type { UploadStore } from '../host/upload-store'
import { browserContentSecurityPolicy } from './content-security-policy'

export interface WebHostOptions {
  dispatcher: Dispatcher
  /** The built renderer (out/renderer); null serves only the API (tests). */
  rendererDir: string | null
  uploads: UploadStore
  /** 0 picks a free port. */
  port?: number
  /** Tests pass a fixed token; otherwise 32 random bytes. */
  token?: string
}

export interface WebHost {
  /** The URL to open, token included. */
  url: string
  /** The address the server is bound to: always the loopback address. */
  address: string
  port: number
  token: string
  close(): Promise<void>
}

export const loopbackAddress = '127.0.0.1'

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/** Compares in constant time: hashing first gives equal lengths whatever was presented. */
export function tokenMatches(presented: string | null, expected: string): boolean {
  if (presented === null) return false
  return timingSafeEqual(digest(presented), digest(expected))
}

function readCookie(header: string | undefined, name: string): string | null {
  if (header === undefined) return null
  for (const part of header.split(';')) {
    const index = part.indexOf('=')
    if (index > 0 && part.slice(0, index).trim() === name)
      return decodeURIComponent(part.slice(index + 1).trim())
  }
  return null
}

type Verdict = { allowed: true; viaQuery: boolean } | { allowed: false; status: 401 | 403; reason: string }

export function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('base64url')
  let port = 0
  const cookieName = () => `${tokenCookieName}_${port}`
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 })

  function check(request: IncomingMessage, url: URL): Verdict {
    const host = (request.headers.host ?? '').toLowerCase()
    if (host !== `${loopbackAddress}:${port}` && host !== `localhost:${port}`) {
      return { allowed: false, status: 403, reason: 'unexpected Host header' }
    }
    const origin = request.headers.origin
    if (
      origin !== undefined &&
      origin !== `http://${loopbackAddress}:${port}` &&
      origin !== `http://localhost:${port}`
    ) {
      return { allowed: false, status: 403, reason: 'foreign Origin' }
    }
    const fromQuery = url.searchParams.get('token')
    const authorization = request.headers.authorization
    const fromHeader = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : null
    const presented = fromQuery ?? fromHeader ?? readCookie(request.headers.cookie, cookieName())
    if (presented === null) return { allowed: false, status: 401, reason: 'token required' }
    if (!tokenMatches(presented, token)) return { allowed: false, status: 403, reason: 'wrong token' }
    return { allowed: true, viaQuery: fromQuery !== null }
  }

  function securityHeaders(response: ServerResponse): void {
    response.setHeader('Content-Security-Policy', browserContentSecurityPolicy(port))
    response.setHeader('X-Content-Type-Options', 'nosniff')
    response.setHeader('X-Frame-Options', 'DENY')
    response.setHeader('Referrer-Policy', 'no-referrer')
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
    response.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
    response.setHeader('Cache-Control', 'no-store')
  }

  function sendJson(response: ServerResponse, status: number, body: unknown): void {
    response.statusCode = status
    response.setHeader('Content-Type', 'application/json; charset=utf-8')
    response.end(JSON.stringify(body))
  }

  async function serveStatic(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (options.rendererDir === null) {
      response.statusCode = 404
      response.end('Not found')
      return
    }
    const root = resolve(options.rendererDir)
    let relative: string
    try {
      relative = decodeURIComponent(url.pathname)
    } catch {
      response.statusCode = 400
      response.end('Bad path')
      return
    }
    if (relative.includes('\0')) {
      response.statusCode = 400
      response.end('Bad path')
      return
    }
    let file = resolve(join(root, normalize(relative)))
    if (file !== root && !file.startsWith(root + sep)) {
      response.statusCode = 404
      response.end('Not found')
      return
    }
    let info = await stat(file).catch(() => null)
    // Client-side routes (no extension) fall back to the app's page.
    if (info === null || info.isDirectory()) {
      if (extname(relative) !== '' && info === null) {
        response.statusCode = 404
        response.end('Not found')
        return
      }
      file = join(root, 'index.html')
      info = await stat(file).catch(() => null)
      if (info === null) {
        response.statusCode = 500
        response.end('The renderer is not built: run `npm run build`.')
        return
      }
    }
    response.statusCode = 200
    response.setHeader('Content-Type', contentTypes[extname(file)] ?? 'application/octet-stream')
    response.setHeader('Content-Length', String(info.size))
    if (request.method === 'HEAD') {
      response.end()
      return
    }
    createReadStream(file).pipe(response)
  }

  async function receiveUpload(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const controller = new AbortController()
    request.on('aborted', () => controller.abort())
    response.on('close', () => {
      if (!response.writableFinished) controller.abort()
    })
    try {
      const uploaded = await options.uploads.receive(
        request,
        url.searchParams.get('name') ?? 'uploaded.snap',
        controller.signal,
      )
      sendJson(response, 200, ok(uploaded))
    } catch (error) {
      sendJson(response, error instanceof AppError && error.code === 'CANCELLED' ? 499 : 400, failure(error))
    }
  }

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://${loopbackAddress}`)
    securityHeaders(response)
    const verdict = check(request, url)
    if (!verdict.allowed) {
      response.statusCode = verdict.status
      response.setHeader('Content-Type', 'text/plain; charset=utf-8')
      response.end(
        verdict.status === 401
          ? 'Open the URL printed by `snapshot-studio web` (it carries the access token).\n'
          : `Forbidden: ${verdict.reason}.\n`,
      )
      request.resume()
      return
    }
    if (verdict.viaQuery) {
      // Trade the token in the address bar for a cookie, and drop it from the URL people see.
      response.setHeader(
        'Set-Cookie',
        `${cookieName()}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      )
      if (request.method === 'GET' && url.pathname !== webPaths.upload) {
        url.searchParams.delete('token')
        response.statusCode = 303
        response.setHeader('Location', `${url.pathname}${url.search}`)
        response.end()
        return
      }
    }
    if (url.pathname === webPaths.upload) {
      if (request.method !== 'POST') {
        response.statusCode = 405
        response.end()
        return
      }
      void receiveUpload(request, response, url)
      return
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.statusCode = 405
      response.end()
      request.resume()
      return
    }
    serveStatic(request, response, url).catch(() => {
      if (!response.headersSent) response.statusCode = 500
      response.end()
    })
  })

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', `http://${loopbackAddress}`)
    const verdict = check(request, url)
    if (!verdict.allowed || url.pathname !== webPaths.socket) {
      const status = verdict.allowed
        ? '404 Not Found'
        : verdict.status === 401
          ? '401 Unauthorized'
          : '403 Forbidden'
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveSocket(ws))
  })

  function serveSocket(ws: WebSocket): void {
    const clientId = randomUUID()
    const send = (frame: HostFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
    }
    const disconnect = options.dispatcher.connect({
      id: clientId,
      send: (event, payload) => send({ type: 'event', event, payload }),
    })
    ws.on('close', disconnect)
    ws.on('message', (data, isBinary) => {
      if (isBinary) return
      let frame: unknown
      try {
        frame = JSON.parse(String(data))
      } catch {
        return
      }
      const call = frame as { type?: unknown; id?: unknown; method?: unknown; input?: unknown }
      if (call.type !== 'call' || typeof call.id !== 'number' || !Number.isSafeInteger(call.id)) return
      const id = call.id
      const reply = isMethodName(call.method)
        ? options.dispatcher.dispatch(clientId, call.method, call.input)
        : Promise.resolve(failure(new AppError('INVALID_ARGUMENT', 'Unknown method.')))
      void reply.then((result) => send({ type: 'reply', id, result }))
    })
  }

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, loopbackAddress, () => {
      server.off('error', reject)
      const bound = server.address() as AddressInfo
      port = bound.port
      resolvePromise({
        url: `http://${loopbackAddress}:${port}/?token=${token}`,
        address: bound.address,
        port,
        token,
        close: async () => {
          options.dispatcher.close()
          for (const client of sockets.clients) client.terminate()
          sockets.close()
          server.closeAllConnections()
          await new Promise<void>((done) => server.close(() => done()))
          await options.uploads.dispose()
        },
      })
    })
  })
}
