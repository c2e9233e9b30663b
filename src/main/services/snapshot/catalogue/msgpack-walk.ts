// Reading msgpack values the way the catalogue needs them: `skipValue` finds where a value ends
// without building anything (record splitting), `decodeValue` builds a value with strings kept as
// bytes (Consul's raw strings are text or binary, only the field knows) and integers beyond 2^53
// kept exact as bigint (spec 3.1).
import { AppError } from '../../../../shared/app-error'

export type MsgKey = string | number | bigint
export type MsgValue = null | boolean | number | bigint | Buffer | MsgValue[] | MsgMap
/** Map keys that are raw strings are decoded as UTF-8 text: they are Go field or map key names. */
export type MsgMap = Map<MsgKey, MsgValue>

/** Returned by skipValue when the buffer ends inside the value. */
export const NEED_MORE = -1

function invalid(message: string, offset: number): AppError {
  return new AppError(
    'SNAPSHOT_STATE_INVALID',
    `state.bin holds malformed msgpack: ${message} at byte ${offset}.`,
    {
      hint: 'The snapshot is damaged or was not written by Consul; take a new snapshot.',
      details: { offset },
    },
  )
}

/**
 * Offset just past the value that starts at `pos`, or NEED_MORE when `buf` ends first.
 * Iterative (a pending-item counter) so hostile nesting cannot overflow the stack.
 */
export function skipValue(buf: Buffer, pos: number): number {
  let pending = 1
  const end = buf.length
  while (pending > 0) {
    if (pos >= end) return NEED_MORE
    const b = buf[pos] as number
    pending--
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) {
      pos += 1
    } else if (b >= 0xa0 && b <= 0xbf) {
      pos += 1 + (b & 0x1f)
    } else if (b >= 0x80 && b <= 0x8f) {
      pos += 1
      pending += 2 * (b & 0x0f)
    } else if (b >= 0x90 && b <= 0x9f) {
      pos += 1
      pending += b & 0x0f
    } else {
      switch (b) {
        case 0xcc:
        case 0xd0:
          pos += 2
          break
        case 0xcd:
        case 0xd1:
          pos += 3
          break
        case 0xce:
        case 0xd2:
        case 0xca:
          pos += 5
          break
        case 0xcf:
        case 0xd3:
        case 0xcb:
          pos += 9
          break
        case 0xd9:
        case 0xc4:
          if (pos + 2 > end) return NEED_MORE
          pos += 2 + (buf[pos + 1] as number)
          break
        case 0xda:
        case 0xc5:
          if (pos + 3 > end) return NEED_MORE
          pos += 3 + buf.readUInt16BE(pos + 1)
          break
        case 0xdb:
        case 0xc6:
          if (pos + 5 > end) return NEED_MORE
          pos += 5 + buf.readUInt32BE(pos + 1)
          break
        case 0xdc:
          if (pos + 3 > end) return NEED_MORE
          pending += buf.readUInt16BE(pos + 1)
          pos += 3
          break
        case 0xdd:
          if (pos + 5 > end) return NEED_MORE
          pending += buf.readUInt32BE(pos + 1)
          pos += 5
          break
        case 0xde:
          if (pos + 3 > end) return NEED_MORE
          pending += 2 * buf.readUInt16BE(pos + 1)
          pos += 3
          break
        case 0xdf:
          if (pos + 5 > end) return NEED_MORE
          pending += 2 * buf.readUInt32BE(pos + 1)
          pos += 5
          break
        case 0xd4:
          pos += 3
          break
        case 0xd5:
          pos += 4
          break
        case 0xd6:
          pos += 6
          break
        case 0xd7:
          pos += 10
          break
        case 0xd8:
          pos += 18
          break
        case 0xc7:
          if (pos + 2 > end) return NEED_MORE
          pos += 3 + (buf[pos + 1] as number)
          break
        case 0xc8:
          if (pos + 3 > end) return NEED_MORE
          pos += 4 + buf.readUInt16BE(pos + 1)
          break
        case 0xc9:
          if (pos + 5 > end) return NEED_MORE
          pos += 6 + buf.readUInt32BE(pos + 1)
          break
        default:
          throw invalid(`unknown type byte 0x${b.toString(16)}`, pos)
      }
    }
  }
  return pos > end ? NEED_MORE : pos
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER)
const toIntValue = (n: bigint): number | bigint => (n > MAX_SAFE || n < MIN_SAFE ? n : Number(n))

class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    private readonly limit: number,
  ) {}
  need(n: number): void {
    if (this.pos + n > this.limit) throw invalid('value runs past the end of its record', this.pos)
  }
  u8(): number {
    this.need(1)
    return this.buf[this.pos++] as number
  }
  take(n: number): Buffer {
    this.need(n)
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }
}

const MAX_DEPTH = 512

function readValue(c: Cursor, depth: number): MsgValue {
  if (depth > MAX_DEPTH) throw invalid('nesting too deep', c.pos)
  const b = c.u8()
  if (b <= 0x7f) return b
  if (b >= 0xe0) return b - 0x100
  if (b >= 0xa0 && b <= 0xbf) return c.take(b & 0x1f)
  if (b >= 0x80 && b <= 0x8f) return readMap(c, b & 0x0f, depth)
  if (b >= 0x90 && b <= 0x9f) return readArray(c, b & 0x0f, depth)
  switch (b) {
    case 0xc0:
      return null
    case 0xc2:
      return false
    case 0xc3:
      return true
    case 0xcc:
      return c.u8()
    case 0xcd:
      return c.take(2).readUInt16BE(0)
    case 0xce:
      return c.take(4).readUInt32BE(0)
    case 0xcf:
      return toIntValue(c.take(8).readBigUInt64BE(0))
    case 0xd0:
      return c.take(1).readInt8(0)
    case 0xd1:
      return c.take(2).readInt16BE(0)
    case 0xd2:
      return c.take(4).readInt32BE(0)
    case 0xd3:
      return toIntValue(c.take(8).readBigInt64BE(0))
    case 0xca:
      return c.take(4).readFloatBE(0)
    case 0xcb:
      return c.take(8).readDoubleBE(0)
    case 0xd9:
    case 0xc4:
      return c.take(c.u8())
    case 0xda:
    case 0xc5:
      return c.take(c.take(2).readUInt16BE(0))
    case 0xdb:
    case 0xc6:
      return c.take(c.take(4).readUInt32BE(0))
    case 0xdc:
      return readArray(c, c.take(2).readUInt16BE(0), depth)
    case 0xdd:
      return readArray(c, c.take(4).readUInt32BE(0), depth)
    case 0xde:
      return readMap(c, c.take(2).readUInt16BE(0), depth)
    case 0xdf:
      return readMap(c, c.take(4).readUInt32BE(0), depth)
    default:
      // Extension types never appear in Consul's state; keep their bytes rather than fail.
      if (b >= 0xd4 && b <= 0xd8) return c.take(1 + (1 << (b - 0xd4)))
      if (b === 0xc7) return c.take(1 + c.u8())
      if (b === 0xc8) return c.take(1 + c.take(2).readUInt16BE(0))
      if (b === 0xc9) return c.take(1 + c.take(4).readUInt32BE(0))
      throw invalid(`unknown type byte 0x${b.toString(16)}`, c.pos - 1)
  }
}

function readArray(c: Cursor, n: number, depth: number): MsgValue[] {
  // Every element takes at least one byte: a count larger than what is left is a lie.
  c.need(n)
  const out: MsgValue[] = new Array<MsgValue>(n)
  for (let i = 0; i < n; i++) out[i] = readValue(c, depth + 1)
  return out
}

function readMap(c: Cursor, n: number, depth: number): MsgMap {
  c.need(2 * n)
  const out: MsgMap = new Map()
  for (let i = 0; i < n; i++) {
    const k = readValue(c, depth + 1)
    const v = readValue(c, depth + 1)
    out.set(toKey(k), v)
  }
  return out
}

function toKey(k: MsgValue): MsgKey {
  if (Buffer.isBuffer(k)) return k.toString('utf8')
  if (typeof k === 'number' || typeof k === 'bigint') return k
  if (typeof k === 'boolean' || k === null) return String(k)
  throw invalid('map key is a container', 0)
}

/** Decodes the one value at `pos`; it must end at or before `limit` (default: end of buffer). */
export function decodeValue(buf: Buffer, pos = 0, limit = buf.length): { value: MsgValue; end: number } {
  const c = new Cursor(buf, pos, limit)
  const value = readValue(c, 0)
  return { value, end: c.pos }
}

/** Decodes a buffer that holds exactly one value. */
export function decodeWhole(buf: Buffer): MsgValue {
  const { value, end } = decodeValue(buf)
  if (end !== buf.length) throw invalid('unexpected bytes after the value', end)
  return value
}

export const isMsgMap = (v: MsgValue | undefined): v is MsgMap => v instanceof Map
export const textOf = (v: MsgValue | undefined): string =>
  Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'number' || typeof v === 'bigint' ? String(v) : ''
export const field = (m: MsgValue | undefined, name: string): MsgValue | undefined =>
  m instanceof Map ? m.get(name) : undefined
export const textField = (m: MsgValue | undefined, name: string): string => textOf(field(m, name))
