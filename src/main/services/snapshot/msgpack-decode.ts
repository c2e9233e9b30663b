import { snapshotErrors } from './snapshot-errors'
import { kvKeyText } from './go-string'

/**
 * Full decoding of one msgpack value, for the records a person opens (the statistics path only
 * skips values, see state-scanner.ts). Consul's dialect (docs/snapshot-format.md §8) decides the shapes:
 * - str and bin payloads are bytes first (KV values, hashes, IPs and times are binary); a
 *   MsgpackBytes keeps them and offers a text view;
 * - integers beyond 2^53 become bigint so config-entry hashes survive;
 * - maps with only string keys become plain objects, any other map a Map (ChunkMap is keyed
 *   by uint64).
 */
export class MsgpackBytes {
  constructor(
    readonly bytes: Uint8Array,
    /** True for bin8/16/32, which Consul never writes but readers tolerate. */
    readonly binary: boolean,
  ) {}
  /** The bytes as text (invalid UTF-8 bytes become U+FFFD). */
  get text(): string {
    return kvKeyText(this.bytes)
  }
}

export class MsgpackExt {
  constructor(
    readonly type: number,
    readonly data: Uint8Array,
  ) {}
}

export type MsgpackValue =
  | null
  | boolean
  | number
  | bigint
  | MsgpackBytes
  | MsgpackExt
  | MsgpackValue[]
  | MsgpackMap
  | Map<MsgpackValue, MsgpackValue>

export interface MsgpackMap {
  [key: string]: MsgpackValue
}

const MAX_DEPTH = 1000

/** Decodes the value starting at `offset`; `end` is the offset just after it. */
export function decodeMsgpackValue(buf: Uint8Array, offset = 0): { value: MsgpackValue; end: number } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let p = offset
  const need = (n: number) => {
    if (p + n > buf.length) throw snapshotErrors.stateInvalid('the value is truncated', p)
  }
  const bytes = (n: number): Uint8Array => {
    need(n)
    const out = buf.subarray(p, p + n)
    p += n
    return out
  }
  const u8 = () => {
    need(1)
    return buf[p++] as number
  }
  const u16 = () => {
    need(2)
    const v = view.getUint16(p)
    p += 2
    return v
  }
  const u32 = () => {
    need(4)
    const v = view.getUint32(p)
    p += 4
    return v
  }
  const u64 = (): number | bigint => {
    need(8)
    const v = view.getBigUint64(p)
    p += 8
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
  }
  const i64 = (): number | bigint => {
    need(8)
    const v = view.getBigInt64(p)
    p += 8
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
  }
  const map = (n: number, depth: number): MsgpackValue => {
    const entries: Array<[MsgpackValue, MsgpackValue]> = []
    let allStrings = true
    for (let i = 0; i < n; i++) {
      const key = value(depth + 1)
      if (!(key instanceof MsgpackBytes)) allStrings = false
      entries.push([key, value(depth + 1)])
    }
    if (!allStrings) return new Map(entries)
    const object: MsgpackMap = {}
    for (const [key, v] of entries)
      Object.defineProperty(object, (key as MsgpackBytes).text, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    return object
  }
  const array = (n: number, depth: number): MsgpackValue[] => {
    const items: MsgpackValue[] = []
    for (let i = 0; i < n; i++) items.push(value(depth + 1))
    return items
  }
  const value = (depth: number): MsgpackValue => {
    if (depth > MAX_DEPTH) throw snapshotErrors.stateInvalid('values are nested too deeply', p)
    const start = p
    const b = u8()
    if (b <= 0x7f) return b
    if (b >= 0xe0) return b - 0x100
    if (b <= 0x8f) return map(b & 0x0f, depth)
    if (b <= 0x9f) return array(b & 0x0f, depth)
    if (b <= 0xbf) return new MsgpackBytes(bytes(b & 0x1f), false)
    switch (b) {
      case 0xc0:
        return null
      case 0xc2:
        return false
      case 0xc3:
        return true
      case 0xc4:
        return new MsgpackBytes(bytes(u8()), true)
      case 0xc5:
        return new MsgpackBytes(bytes(u16()), true)
      case 0xc6:
        return new MsgpackBytes(bytes(u32()), true)
      case 0xc7: {
        const n = u8()
        return new MsgpackExt(view.getInt8((need(1), p++)), bytes(n))
      }
      case 0xc8: {
        const n = u16()
        return new MsgpackExt(view.getInt8((need(1), p++)), bytes(n))
      }
      case 0xc9: {
        const n = u32()
        return new MsgpackExt(view.getInt8((need(1), p++)), bytes(n))
      }
      case 0xca: {
        need(4)
        const v = view.getFloat32(p)
        p += 4
        return v
      }
      case 0xcb: {
        need(8)
        const v = view.getFloat64(p)
        p += 8
        return v
      }
      case 0xcc:
        return u8()
      case 0xcd:
        return u16()
      case 0xce:
        return u32()
      case 0xcf:
        return u64()
      case 0xd0: {
        const v = u8()
        return v >= 0x80 ? v - 0x100 : v
      }
      case 0xd1: {
        const v = u16()
        return v >= 0x8000 ? v - 0x10000 : v
      }
      case 0xd2: {
        need(4)
        const v = view.getInt32(p)
        p += 4
        return v
      }
      case 0xd3:
        return i64()
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8: {
        const n = 1 << (b - 0xd4)
        return new MsgpackExt(view.getInt8((need(1), p++)), bytes(n))
      }
      case 0xd9:
        return new MsgpackBytes(bytes(u8()), false)
      case 0xda:
        return new MsgpackBytes(bytes(u16()), false)
      case 0xdb:
        return new MsgpackBytes(bytes(u32()), false)
      case 0xdc:
        return array(u16(), depth)
      case 0xdd:
        return array(u32(), depth)
      case 0xde:
        return map(u16(), depth)
      case 0xdf:
        return map(u32(), depth)
      default:
        throw snapshotErrors.stateInvalid(`invalid msgpack byte 0x${b.toString(16)}`, start)
    }
  }
  const decoded = value(0)
  return { value: decoded, end: p }
}

/**
 * Go's binary time.Time (MarshalBinary version 1 or 2, 15 or 16 bytes) as a Date, or null when
 * the bytes are not one. Consul stores times this way inside raw strings (docs/snapshot-format.md §8).
 */
export function decodeGoBinaryTime(
  bytes: Uint8Array,
): { date: Date; nanos: number; offsetMinutes: number | null } | null {
  if ((bytes.length !== 15 || bytes[0] !== 1) && (bytes.length !== 16 || bytes[0] !== 2)) return null
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const seconds = view.getBigInt64(1) - 62135596800n
  const nanos = view.getInt32(9)
  if (nanos < 0 || nanos >= 1e9) return null
  const offset = view.getInt16(13)
  const ms = Number(seconds) * 1000 + Math.floor(nanos / 1e6)
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null
  return { date: new Date(ms), nanos, offsetMinutes: offset === -1 ? null : offset }
}
