/**
 * Browser mode: serves the built renderer and the API (one WebSocket, plus streamed uploads) on
 * 127.0.0.1 only. Other programs on the machine and web pages in the user's browser can reach a
 * loopback port; what each check stops is in docs/threat-model.md ("Browser mode") and
 * web-access.ts. The app's own files are served to any request naming this host (they hold no
 * secret, and the page must load before it can read the token from its URL fragment); the API
 * needs the token. Every parse of a request is guarded: a request that does not parse gets 400,
 * never an exception that would stop the host.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { isMethodName } from '../../shared/api-contract'
import { failure, ok } from '../../shared/api-result'
import { AppError } from '../../shared/app-error'
import { socketProtocol, tokenFragmentKey, webPaths, type HostFrame } from '../../shared/web-protocol'
import type { Dispatcher } from '../api/dispatcher'
import type { UploadStore } from '../host/upload-store'
import { browserContentSecurityPolicy, withoutContentSecurityPolicyMeta } from './content-security-policy'
import { checkApiAccess, checkOrigin, loopbackAddress, parseTarget, type Verdict } from './web-access'

export { loopbackAddress, tokenMatches } from './web-access'

export interface WebHostOptions {
  dispatcher: Dispatcher
  /** The built renderer (out/renderer); null serves only the API (tests). */
  rendererDir: string | null
  uploads: UploadStore
  /** 0 picks a free port. */
  port?: number
  /** Tests pass a fixed token; otherwise 32 random bytes. */
  token?: string
  /** Called when a page has shown the token and opened its socket. */
  onClientConnected?: () => void
}

export interface WebHost {
  /** The URL to open, token in its fragment (browsers never send a fragment to any server). */
  url: string
  /** The address the server is bound to: always the loopback address. */
  address: string
  port: number
  token: string
  close(): Promise<void>
}

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

export function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('base64url')
  let port = 0
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: 16 * 1024 * 1024,
    // Answer with the protocol name only: the token a client offered beside it is never echoed.
    handleProtocols: (offered) => (offered.has(socketProtocol) ? socketProtocol : false),
  })

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
    if (file === join(root, 'index.html')) {
      // The page's own policy is the desktop's; here the header's (with this port's socket) applies.
      const page = Buffer.from(withoutContentSecurityPolicyMeta(await readFile(file, 'utf8')))
      response.setHeader('Content-Length', String(page.length))
      response.end(request.method === 'HEAD' ? undefined : page)
      return
    }
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

  function refuse(response: ServerResponse, verdict: Extract<Verdict, { allowed: false }>): void {
    response.statusCode = verdict.status
    response.setHeader('Content-Type', 'text/plain; charset=utf-8')
    response.end(
      verdict.status === 401
        ? 'Open the URL printed by `snapshot-studio web` (it carries the access token).\n'
        : `${verdict.status === 400 ? 'Bad request' : 'Forbidden'}: ${verdict.reason}.\n`,
    )
  }

  function handleRequest(request: IncomingMessage, response: ServerResponse): void {
    securityHeaders(response)
    const url = parseTarget(request.url)
    const verdict: Verdict =
      url === null
        ? { allowed: false, status: 400, reason: 'the request target does not parse' }
        : url.pathname.startsWith('/api/')
          ? checkApiAccess(request.headers, port, token)
          : checkOrigin(request.headers, port)
    if (url === null || !verdict.allowed) {
      refuse(response, verdict.allowed ? { allowed: false, status: 400, reason: 'bad request' } : verdict)
      request.resume()
      return
    }
    if (url.pathname.startsWith(`${webPaths.upload}/`) && request.method === 'DELETE') {
      // An upload the page no longer needs goes now rather than at the end of its lifetime.
      const uploadId = url.pathname.slice(webPaths.upload.length + 1)
      request.resume()
      void options.uploads.remove(uploadId).then(
        (removed) => sendJson(response, removed ? 200 : 404, ok({ removed })),
        (error: unknown) => sendJson(response, 500, failure(error)),
      )
      return
    }
    if (url.pathname === webPaths.upload) {
      if (request.method !== 'POST') {
        response.statusCode = 405
        response.end()
        request.resume()
        return
      }
      void receiveUpload(request, response, url)
      return
    }
    if (url.pathname.startsWith('/api/') || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.statusCode = url.pathname.startsWith('/api/') ? 404 : 405
      response.end()
      request.resume()
      return
    }
    serveStatic(request, response, url).catch(() => {
      if (!response.headersSent) response.statusCode = 500
      response.end()
    })
  }

  const server: Server = createServer((request, response) => {
    try {
      handleRequest(request, response)
    } catch {
      // A parse we did not foresee: this request fails, the host stays up.
      if (!response.headersSent) response.statusCode = 400
      response.end()
      request.resume()
    }
  })

  function refuseUpgrade(socket: Duplex, status: string): void {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets mid-handshake must not raise an unhandled 'error'.
    socket.on('error', () => socket.destroy())
    try {
      const url = parseTarget(request.url)
      if (url === null) return refuseUpgrade(socket, '400 Bad Request')
      const verdict = checkApiAccess(request.headers, port, token)
      if (!verdict.allowed) {
        return refuseUpgrade(
          socket,
          verdict.status === 401
            ? '401 Unauthorized'
            : verdict.status === 400
              ? '400 Bad Request'
              : '403 Forbidden',
        )
      }
      if (url.pathname !== webPaths.socket) return refuseUpgrade(socket, '404 Not Found')
      sockets.handleUpgrade(request, socket, head, (ws) => serveSocket(ws))
    } catch {
      refuseUpgrade(socket, '400 Bad Request')
    }
  })

  server.on('clientError', (_error, socket) => {
    // Node's own parser refused the bytes (bad request line, header overflow): answer and hang up.
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    else socket.destroy()
  })

  function serveSocket(ws: WebSocket): void {
    options.onClientConnected?.()
    const clientId = randomUUID()
    const send = (frame: HostFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
    }
    const disconnect = options.dispatcher.connect({
      id: clientId,
      send: (event, payload) => send({ type: 'event', event, payload }),
    })
    ws.on('close', disconnect)
    // Malformed frames (bad UTF-8, oversized payloads) surface as 'error': drop that client only.
    ws.on('error', () => ws.terminate())
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
      void reply
        .catch((error: unknown) => failure(error))
        .then((result) => send({ type: 'reply', id, result }))
    })
  }

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, loopbackAddress, () => {
      server.off('error', reject)
      const bound = server.address() as AddressInfo
      port = bound.port
      resolvePromise({
        url: `http://${loopbackAddress}:${port}/#${tokenFragmentKey}=${token}`,
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
