// Reading msgpack values the way the catalogue needs them: `skipValue` finds where a value ends in
// a buffer without building anything (record splitting); full decoding is the snapshot engine's
// decodeMsgpackValue (strings as bytes first, integers beyond 2^53 exact, spec 3.1), with small
// accessors for the Go structs it yields.
import type { AppError } from '../../../../shared/app-error'
import { snapshotErrors } from '../snapshot-errors'
import {
  decodeMsgpackValue,
  MsgpackBytes,
  MsgpackExt,
  type MsgpackMap,
  type MsgpackValue,
} from '../msgpack-decode'

export type MsgValue = MsgpackValue
export type MsgMap = MsgpackMap

/** Returned by skipValue when the buffer ends inside the value. */
export const NEED_MORE = -1

const invalid = (detail: string, offset: number): AppError => snapshotErrors.stateInvalid(detail, offset)

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

/** One whole value at `pos`, decoded by the engine's decoder (bytes-first strings, exact 64-bit ints). */
export function decodeAt(buf: Buffer, pos: number): { value: MsgValue; end: number } {
  return decodeMsgpackValue(buf, pos)
}

/** Decodes a buffer that holds exactly one value. */
export function decodeWhole(buf: Buffer): MsgValue {
  const { value, end } = decodeMsgpackValue(buf, 0)
  if (end !== buf.length) throw invalid('unexpected bytes after the value', end)
  return value
}

/** A msgpack map with text keys: what every Go struct in state.bin decodes to. */
export const isMsgMap = (v: MsgValue | undefined): v is MsgMap =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  !(v instanceof Map) &&
  !(v instanceof MsgpackBytes) &&
  !(v instanceof MsgpackExt)

/** The raw bytes of a msgpack string (Consul's strings and byte slices), as a Buffer view. */
export const bytesOf = (v: MsgValue | undefined): Buffer | undefined =>
  v instanceof MsgpackBytes ? Buffer.from(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength) : undefined

export const textOf = (v: MsgValue | undefined): string =>
  v instanceof MsgpackBytes ? v.text : typeof v === 'number' || typeof v === 'bigint' ? String(v) : ''
export const field = (m: MsgValue | undefined, name: string): MsgValue | undefined =>
  isMsgMap(m) && Object.hasOwn(m, name) ? m[name] : undefined
export const textField = (m: MsgValue | undefined, name: string): string => textOf(field(m, name))
