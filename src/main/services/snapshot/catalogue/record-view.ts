// Turns decoded msgpack into plain JSON that can cross IPC: text stays text, Go binary times become
// ISO strings, other binary becomes `{ binary: base64 }`, integers beyond 2^53 become decimal strings.
import { MsgpackExt } from '../msgpack-decode'
import { bytesOf, isMsgMap, type MsgValue } from './msgpack-walk'
import type { JsonView } from './catalogue-types'

const GO_UNIX_EPOCH_SECONDS = 62_135_596_800n

/** True for UTF-8 text without control characters other than tab, CR and LF. */
export function isPrintableText(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false
    if (b === 0x7f) return false
  }
  if (bytes.length === 0) return true
  // Buffer#toString replaces invalid sequences with U+FFFD; a round trip catches them.
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)
}

/**
 * Go's time.MarshalBinary layout (docs/snapshot-format.md §8): version 1 (15 bytes) or 2 (16 bytes). Consul's own
 * tooling detects times the same way: a non-text raw string that parses as a binary time.
 */
export function goTimeToIso(bytes: Buffer): string | undefined {
  if (!((bytes.length === 15 && bytes[0] === 1) || (bytes.length === 16 && bytes[0] === 2))) return undefined
  const seconds = bytes.readBigInt64BE(1)
  const nanos = bytes.readInt32BE(9)
  if (nanos < 0 || nanos > 999_999_999) return undefined
  if (seconds === 0n && nanos === 0) return '0001-01-01T00:00:00Z'
  const unixSeconds = seconds - GO_UNIX_EPOCH_SECONDS
  const ms = Number(unixSeconds) * 1000
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined
  const base = new Date(ms).toISOString().slice(0, 19)
  const fraction = nanos === 0 ? '' : '.' + String(nanos).padStart(9, '0').replace(/0+$/, '')
  return `${base}${fraction}Z`
}

export function bytesToView(bytes: Buffer): JsonView {
  if (isPrintableText(bytes)) return bytes.toString('utf8')
  const time = goTimeToIso(bytes)
  if (time !== undefined) return time
  return { binary: bytes.toString('base64') }
}

function keyText(key: MsgValue): string {
  const bytes = bytesOf(key)
  if (bytes !== undefined) return bytes.toString('utf8')
  return typeof key === 'object' && key !== null ? JSON.stringify(toJsonView(key)) : String(key)
}

export function toJsonView(value: MsgValue | undefined): JsonView {
  if (value === undefined || value === null) return null
  if (typeof value === 'boolean' || typeof value === 'number') return value
  if (typeof value === 'bigint') return value.toString()
  const bytes = bytesOf(value)
  if (bytes !== undefined) return bytesToView(bytes)
  if (value instanceof MsgpackExt)
    return { ext: value.type, binary: Buffer.from(value.data).toString('base64') }
  if (Array.isArray(value)) return value.map(toJsonView)
  const out: { [k: string]: JsonView } = {}
  // Maps with non-text keys (the ChunkingState's uint64-keyed ChunkMap) arrive as a Map.
  if (value instanceof Map) for (const [k, v] of value) out[keyText(k)] = toJsonView(v)
  else if (isMsgMap(value)) for (const [k, v] of Object.entries(value)) out[k] = toJsonView(v)
  return out
}
