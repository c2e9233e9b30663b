import { Readable } from 'node:stream'

/**
 * A small request body sent with a Content-Length. Consul ignores the body of some endpoints
 * (session create among them) unless the request says its length, and a stream alone goes out
 * chunked: the session would silently get no TTL and no name.
 */
export function fixedLengthBody(data: string): { body: Readable; headers: Record<string, string> } {
  const bytes = Buffer.from(data)
  return { body: Readable.from([bytes]), headers: { 'content-length': String(bytes.length) } }
}
