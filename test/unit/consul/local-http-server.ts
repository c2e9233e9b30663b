// A throwaway node:http server for unit tests of the client's error mapping and streaming: it
// misbehaves on purpose (truncated bodies behind a 200, stalls, odd statuses). Never a Consul stand-in
// for integration tests, which use the real agent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface LocalServer {
  address: string
  requests: {
    method: string
    url: string
    headers: IncomingMessage['headers']
    body: Buffer
    complete: boolean
  }[]
  close(): Promise<void>
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void

/** `handler` runs after the whole request body arrived (or the client went away). */
export async function startLocalServer(
  handler: Handler,
  options: { streamBody?: boolean } = {},
): Promise<LocalServer> {
  const sockets = new Set<Socket>()
  const requests: LocalServer['requests'] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    const record = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.alloc(0),
      complete: false,
    }
    requests.push(record)
    if (options.streamBody) {
      handler(req, res, Buffer.alloc(0))
      return
    }
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      record.body = Buffer.concat(chunks)
      record.complete = true
      handler(req, res, record.body)
    })
    req.on('close', () => {
      record.body = Buffer.concat(chunks)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    address: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

export function json(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(value))
}

export function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' })
  res.end(body)
}
