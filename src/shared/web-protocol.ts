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

/** Cookie set when the page is opened with the right token; the socket and uploads present it. */
export const tokenCookieName = 'snapshot_studio_token'

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
