/**
 * What the state.bin scanners need to know about a msgpack token from its first byte
 * (docs/snapshot-format.md §8): how long its header is, what kind of value it starts, and the
 * numbers its header carries. Shared by the resumable StateScanner and its whole-record fast path,
 * so the two cannot disagree about the wire format.
 */

/** Token header lengths by first byte; 0 marks the invalid byte 0xc1. */
export const HEADER_LENGTH = new Uint8Array(256)

// What a token is: scalar (fully in its header), payload (str/bin/ext: skip N bytes), or container.
export const SCALAR = 0
export const STRING = 1
export const BINARY = 2
export const EXT = 3
export const MAP = 4
export const ARRAY = 5
export const TOKEN_KIND = new Uint8Array(256)

/** The longest token header (float64, uint64, int64). */
export const MAX_HEADER = 9

for (let b = 0; b < 256; b++) {
  let length = 1
  let kind = SCALAR
  if (b >= 0x80 && b <= 0x8f) kind = MAP
  else if (b >= 0x90 && b <= 0x9f) kind = ARRAY
  else if (b >= 0xa0 && b <= 0xbf) kind = STRING
  else if (b >= 0xc0 && b <= 0xdf) {
    const table: Record<number, readonly [number, number]> = {
      0xc0: [1, SCALAR],
      0xc1: [0, SCALAR],
      0xc2: [1, SCALAR],
      0xc3: [1, SCALAR],
      0xc4: [2, BINARY],
      0xc5: [3, BINARY],
      0xc6: [5, BINARY],
      0xc7: [3, EXT],
      0xc8: [4, EXT],
      0xc9: [6, EXT],
      0xca: [5, SCALAR],
      0xcb: [9, SCALAR],
      0xcc: [2, SCALAR],
      0xcd: [3, SCALAR],
      0xce: [5, SCALAR],
      0xcf: [9, SCALAR],
      0xd0: [2, SCALAR],
      0xd1: [3, SCALAR],
      0xd2: [5, SCALAR],
      0xd3: [9, SCALAR],
      0xd4: [2, EXT],
      0xd5: [2, EXT],
      0xd6: [2, EXT],
      0xd7: [2, EXT],
      0xd8: [2, EXT],
      0xd9: [2, STRING],
      0xda: [3, STRING],
      0xdb: [5, STRING],
      0xdc: [3, ARRAY],
      0xdd: [5, ARRAY],
      0xde: [3, MAP],
      0xdf: [5, MAP],
    }
    const entry = table[b]
    if (entry) [length, kind] = entry
  }
  HEADER_LENGTH[b] = length
  TOKEN_KIND[b] = kind
}

/** Entries of a map or elements of an array, from a complete token header at `p`. */
export function containerCount(buf: Uint8Array, p: number, b: number): number {
  if (b <= 0x9f) return b & 0x0f
  if (b === 0xdc || b === 0xde) return ((buf[p + 1] as number) << 8) | (buf[p + 2] as number)
  return readU32(buf, p + 1)
}

/** Payload bytes after the header of a str/bin/ext token (0 for any other token). */
export function payloadLength(buf: Uint8Array, p: number, b: number): number {
  if (b >= 0xa0 && b <= 0xbf) return b & 0x1f
  switch (b) {
    case 0xd9:
    case 0xc4:
    case 0xc7:
      return buf[p + 1] as number
    case 0xda:
    case 0xc5:
    case 0xc8:
      return ((buf[p + 1] as number) << 8) | (buf[p + 2] as number)
    case 0xdb:
    case 0xc6:
    case 0xc9:
      return readU32(buf, p + 1)
    case 0xd4:
      return 1
    case 0xd5:
      return 2
    case 0xd6:
      return 4
    case 0xd7:
      return 8
    case 0xd8:
      return 16
    default:
      return 0
  }
}

function readU32(buf: Uint8Array, p: number): number {
  return (
    (buf[p] as number) * 0x1000000 +
    (((buf[p + 1] as number) << 16) | ((buf[p + 2] as number) << 8) | (buf[p + 3] as number))
  )
}

/** The value of an integer token (any width, signed or not), or null for any other token. */
export function integerValue(buf: Uint8Array, p: number, b: number): bigint | null {
  if (b <= 0x7f) return BigInt(b)
  if (b >= 0xe0) return BigInt(b - 0x100)
  const view = new DataView(buf.buffer, buf.byteOffset + p + 1)
  switch (b) {
    case 0xcc:
      return BigInt(view.getUint8(0))
    case 0xcd:
      return BigInt(view.getUint16(0))
    case 0xce:
      return BigInt(view.getUint32(0))
    case 0xcf:
      return view.getBigUint64(0)
    case 0xd0:
      return BigInt(view.getInt8(0))
    case 0xd1:
      return BigInt(view.getInt16(0))
    case 0xd2:
      return BigInt(view.getInt32(0))
    case 0xd3:
      return view.getBigInt64(0)
    default:
      return null
  }
}

/** Flags as a KV DirEntry holds them: an integer read as uint64, anything else as Go's zero. */
export function flagsValue(buf: Uint8Array, p: number, b: number): bigint {
  if (b === 0) return 0n
  const value = integerValue(buf, p, b)
  if (value === null) return 0n
  // asUintN is a runtime call, and only a negative value needs it.
  return value < 0n ? BigInt.asUintN(64, value) : value
}
