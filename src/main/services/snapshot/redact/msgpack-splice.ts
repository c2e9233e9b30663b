// Editing one msgpack value in place: find where a field's value lies in a record's bytes and put
// other bytes there, leaving every other byte as Consul wrote it. Re-encoding a whole decoded
// record would lose what the decoded form does not keep (float vs integer, map key order, str vs
// bin), and restore would then read back a record that differs in more than the blanked field.
import { decodeMsgpackValue } from '../msgpack-decode'
import { snapshotErrors } from '../snapshot-errors'

/** Where one value lies: its first byte and the offset just after it. */
export interface ValueSpan {
  start: number
  end: number
}

/** One replacement of `[start, end)` by `bytes`. */
export interface Splice extends ValueSpan {
  bytes: Uint8Array
}

const valueEnd = (buf: Uint8Array, start: number): number => decodeMsgpackValue(buf, start).end

/** The number of entries of a map starting at `p`, and where its first key starts; null if not a map. */
function mapHeader(buf: Uint8Array, p: number): { count: number; first: number } | null {
  const b = buf[p]
  if (b === undefined) return null
  if (b >= 0x80 && b <= 0x8f) return { count: b & 0x0f, first: p + 1 }
  if (b === 0xde && p + 3 <= buf.length) return { count: (buf[p + 1]! << 8) | buf[p + 2]!, first: p + 3 }
  if (b === 0xdf && p + 5 <= buf.length) {
    const view = new DataView(buf.buffer, buf.byteOffset + p + 1, 4)
    return { count: view.getUint32(0), first: p + 5 }
  }
  return null
}

/** The payload span of a str/bin value at `p` (where its bytes lie), or null if it is not one. */
export function stringPayload(buf: Uint8Array, p: number): ValueSpan | null {
  const b = buf[p]
  if (b === undefined) return null
  let header = 0
  let length = 0
  if (b >= 0xa0 && b <= 0xbf) {
    header = 1
    length = b & 0x1f
  } else if (b === 0xd9 || b === 0xc4) {
    header = 2
    length = buf[p + 1] ?? 0
  } else if (b === 0xda || b === 0xc5) {
    header = 3
    length = ((buf[p + 1] ?? 0) << 8) | (buf[p + 2] ?? 0)
  } else if (b === 0xdb || b === 0xc6) {
    header = 5
    length = new DataView(buf.buffer, buf.byteOffset + p + 1, 4).getUint32(0)
  } else return null
  const start = p + header
  if (start + length > buf.length) throw snapshotErrors.stateInvalid('the value is truncated', p)
  return { start, end: start + length }
}

/**
 * Every field of the map at `p`: its name (text keys only) and the span of its value. A value
 * that is not a map gives an empty list, as a Go struct decode would find no fields.
 */
export function mapFields(buf: Uint8Array, p: number): Array<{ name: string; value: ValueSpan }> {
  const header = mapHeader(buf, p)
  if (header === null) return []
  const fields: Array<{ name: string; value: ValueSpan }> = []
  let q = header.first
  for (let i = 0; i < header.count; i++) {
    const keySpan = stringPayload(buf, q)
    const keyEnd = valueEnd(buf, q)
    const name =
      keySpan === null ? '' : Buffer.from(buf.subarray(keySpan.start, keySpan.end)).toString('utf8')
    const end = valueEnd(buf, keyEnd)
    fields.push({ name, value: { start: keyEnd, end } })
    q = end
  }
  return fields
}

/** The span of a field's value in the map at `p`, or null when the field is absent. */
export function findField(buf: Uint8Array, p: number, name: string): ValueSpan | null {
  return mapFields(buf, p).find((f) => f.name === name)?.value ?? null
}

/** A msgpack string in Consul's forms (fixstr, str16, str32: Consul never writes str8). */
export function encodeGoString(bytes: Uint8Array): Buffer {
  const n = bytes.length
  let head: Buffer
  if (n <= 31) head = Buffer.from([0xa0 | n])
  else if (n <= 0xffff) head = Buffer.from([0xda, n >> 8, n & 0xff])
  else {
    head = Buffer.alloc(5)
    head[0] = 0xdb
    head.writeUInt32BE(n, 1)
  }
  return Buffer.concat([head, bytes])
}

/** The bytes with every splice applied; splices must not overlap. */
export function applySplices(buf: Uint8Array, splices: readonly Splice[]): Buffer {
  if (splices.length === 0) return Buffer.from(buf)
  const sorted = [...splices].sort((a, b) => a.start - b.start)
  const parts: Uint8Array[] = []
  let at = 0
  for (const s of sorted) {
    parts.push(buf.subarray(at, s.start), s.bytes)
    at = s.end
  }
  parts.push(buf.subarray(at))
  return Buffer.concat(parts)
}

/** Every string value anywhere inside the value at `p` whose payload satisfies `test`. */
export function findStrings(buf: Uint8Array, p: number, test: (payload: Uint8Array) => boolean): ValueSpan[] {
  const found: ValueSpan[] = []
  const walk = (q: number): number => {
    const b = buf[q]
    if (b === undefined) throw snapshotErrors.stateInvalid('the value is truncated', q)
    const payload = stringPayload(buf, q)
    if (payload !== null) {
      if (test(buf.subarray(payload.start, payload.end))) found.push({ start: q, end: payload.end })
      return payload.end
    }
    const map = mapHeader(buf, q)
    let count = -1
    let first = 0
    if (map !== null) {
      count = map.count * 2
      first = map.first
    } else if (b >= 0x90 && b <= 0x9f) {
      count = b & 0x0f
      first = q + 1
    } else if (b === 0xdc) {
      count = (buf[q + 1]! << 8) | buf[q + 2]!
      first = q + 3
    } else if (b === 0xdd) {
      count = new DataView(buf.buffer, buf.byteOffset + q + 1, 4).getUint32(0)
      first = q + 5
    }
    if (count < 0) return valueEnd(buf, q)
    let r = first
    for (let i = 0; i < count; i++) r = walk(r)
    return r
  }
  walk(p)
  return found
}
