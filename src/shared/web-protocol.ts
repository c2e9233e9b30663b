/**
 * Browser mode's wire: the page talks to the loopback host over one WebSocket (calls, replies,
 * events as JSON text frames) and uploads snapshot files with a streamed POST. Both sides use
 * these names and shapes; nothing else spells a path or a frame type.
 */
import type { EventName, MethodName } from './api-contract'

export const webPaths = {
  socket: '/api/socket',
  upload: '/api/upload',
} as const

/**
 * How the page proves it holds the host's token, without a cookie (a cookie for 127.0.0.1 goes
 * to every port on it, so any local server the browser visits would receive it; see
 * docs/threat-model.md). The printed URL carries the token in its fragment, which browsers never
 * send; the page keeps it in session storage and presents it as a WebSocket subprotocol (the
 * only header a browser lets a page set on a socket) and as a bearer header on uploads.
 */
export const tokenFragmentKey = 'token'
export const socketProtocol = 'snapshot-studio.v1'
export const tokenProtocolPrefix = 'snapshot-studio.token.'

/** The subprotocols a client offers: the host answers with `socketProtocol`, never the token. */
export function socketProtocols(token: string): string[] {
  return [socketProtocol, `${tokenProtocolPrefix}${token}`]
}

export type ClientFrame = { type: 'call'; id: number; method: MethodName; input: unknown }

export type HostFrame =
  { type: 'reply'; id: number; result: unknown } | { type: 'event'; event: EventName; payload: unknown }

export function isHostFrame(value: unknown): value is HostFrame {
  if (typeof value !== 'object' || value === null) return false
  const frame = value as Record<string, unknown>
  return (
    (frame.type === 'reply' && typeof frame.id === 'number') ||
    (frame.type === 'event' && typeof frame.event === 'string')
  )
}
