/**
 * Who may use the browser-mode host (docs/threat-model.md, "Browser mode"). Every request must
 * name this loopback port in its Host header (defeats DNS rebinding) and, when a browser sends
 * an Origin, come from this host's own origin (defeats cross-site requests). The API (socket and
 * uploads) also needs the token, shown as a bearer header or a WebSocket subprotocol; never a
 * cookie (a cookie for 127.0.0.1 is sent to every port on it) and never a query (it would sit in
 * history and logs). Nothing here throws on hostile input: a header that does not parse is
 * simply not a match.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { tokenProtocolPrefix } from '../../shared/web-protocol'

export const loopbackAddress = '127.0.0.1'

export type Verdict = { allowed: true } | { allowed: false; status: 400 | 401 | 403; reason: string }

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/** Compares in constant time: hashing first gives equal lengths whatever was presented. */
export function tokenMatches(presented: string | null, expected: string): boolean {
  if (presented === null) return false
  return timingSafeEqual(digest(presented), digest(expected))
}

/** The token a request shows: `Authorization: Bearer …` or a `snapshot-studio.token.…` subprotocol. */
export function presentedToken(headers: IncomingHttpHeaders): string | null {
  const authorization = headers.authorization
  if (typeof authorization === 'string' && authorization.startsWith('Bearer '))
    return authorization.slice('Bearer '.length)
  const protocols = headers['sec-websocket-protocol']
  if (typeof protocols !== 'string') return null
  for (const offered of protocols.split(',')) {
    const name = offered.trim()
    if (name.startsWith(tokenProtocolPrefix)) return name.slice(tokenProtocolPrefix.length)
  }
  return null
}

/** Host and Origin name this server: the checks every request passes, token or not. */
export function checkOrigin(headers: IncomingHttpHeaders, port: number): Verdict {
  const host = (headers.host ?? '').toLowerCase()
  if (host !== `${loopbackAddress}:${port}` && host !== `localhost:${port}`) {
    return { allowed: false, status: 403, reason: 'unexpected Host header' }
  }
  const origin = headers.origin
  if (
    origin !== undefined &&
    origin !== `http://${loopbackAddress}:${port}` &&
    origin !== `http://localhost:${port}`
  ) {
    return { allowed: false, status: 403, reason: 'foreign Origin' }
  }
  return { allowed: true }
}

/** Host, Origin and the token: what the API (socket, uploads) requires. */
export function checkApiAccess(headers: IncomingHttpHeaders, port: number, token: string): Verdict {
  const origin = checkOrigin(headers, port)
  if (!origin.allowed) return origin
  const presented = presentedToken(headers)
  if (presented === null) return { allowed: false, status: 401, reason: 'token required' }
  if (!tokenMatches(presented, token)) return { allowed: false, status: 403, reason: 'wrong token' }
  return { allowed: true }
}

/**
 * The request target as a URL, or null when it does not parse (`GET http://[/` must not take
 * the host down). Only origin-form targets (`/path?query`) are ours to serve.
 */
export function parseTarget(target: string | undefined): URL | null {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return null
  try {
    return new URL(target, `http://${loopbackAddress}`)
  } catch {
    return null
  }
}
