// Reading msgpack values the way the catalogue needs them: full decoding is the snapshot engine's
// decodeMsgpackValue (strings as bytes first, integers beyond 2^53 exact, docs/snapshot-format.md §8), with small
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

const invalid = (detail: string, offset: number): AppError => snapshotErrors.stateInvalid(detail, offset)

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
