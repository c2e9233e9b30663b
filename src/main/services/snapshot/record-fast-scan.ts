import {
  BINARY,
  containerCount,
  flagsValue,
  HEADER_LENGTH,
  MAP,
  payloadLength,
  SCALAR,
  STRING,
  TOKEN_KIND,
} from './msgpack-token'

/**
 * The fast path of StateScanner: one record whose bytes all lie in the chunk at hand, walked in a
 * tight loop over local variables. It accepts a record only when the resumable state machine
 * would accept it with the same result; on anything else (the record runs past the chunk, a token
 * the state machine would refuse, nesting deeper than its small stack) it answers -1 and the
 * state machine takes the record from its start, so errors and their offsets are decided in one
 * place. Every check it makes mirrors one in state-scanner.ts: keep the two in step.
 */

/** The KV fields of one walked KVS/Tombstone record, as chunk positions. */
export interface KvFieldsFound {
  /** Where the last string Key's payload lies; -1 when no Key field was a string. */
  keyStart: number
  keyEnd: number
  /** Whether the last Key field was a string (a later non-string Key clears the key). */
  keyPresent: boolean
  flags: bigint
  /** Where the last Value field's payload starts (after its token header); -1 when absent. */
  valueStart: number
  valueLength: number
}

export function newKvFieldsFound(): KvFieldsFound {
  return {
    keyStart: -1,
    keyEnd: 0,
    keyPresent: false,
    flags: 0n,
    valueStart: -1,
    valueLength: 0,
  }
}

// Deeper values are rare and left to the state machine, whose stack grows.
const MAX_DEPTH = 32
const MAX_COUNT = 0x3fffffff
// Larger counts are left to the state machine, so twice a count fits an Int32 and telling a map's
// keys from its values is integer arithmetic (a float modulo there cost more than the rest).
const stackLeft = new Int32Array(MAX_DEPTH)
const stackIsMap = new Uint8Array(MAX_DEPTH)

/**
 * Skips the msgpack value starting at `p`; returns the index just after it, or -1 when it does not
 * end before `end` or holds something the state machine refuses: the byte 0xc1, or a nested map
 * key that is not a string, bin or nil (unless `anyMapKeys`, for ChunkingState).
 */
export function skipValue(buf: Uint8Array, p: number, end: number, anyMapKeys: boolean): number {
  // The innermost open container lives in locals; only its parents go to the stack.
  let depth = 0
  let left = 0
  let isMap = false
  for (;;) {
    if (p >= end) return -1
    const b = buf[p] as number
    const length = HEADER_LENGTH[b] as number
    if (length === 0 || p + length > end) return -1
    const kind = TOKEN_KIND[b] as number
    if (depth > 0) {
      if (isMap && (left & 1) === 0 && kind !== STRING && kind !== BINARY && b !== 0xc0 && !anyMapKeys)
        return -1
      left--
    }
    if (kind === SCALAR) {
      p += length
    } else if (kind >= MAP) {
      const count = containerCount(buf, p, b)
      p += length
      if (count > 0) {
        // Every element takes at least a byte: a longer count cannot end in this chunk.
        if (count > end - p || count > MAX_COUNT || depth === MAX_DEPTH) return -1
        if (depth > 0) {
          stackLeft[depth - 1] = left
          stackIsMap[depth - 1] = isMap ? 1 : 0
        }
        depth++
        isMap = kind === MAP
        left = isMap ? 2 * count : count
        continue
      }
    } else {
      p += length + payloadLength(buf, p, b)
      if (p > end) return -1
    }
    while (left === 0) {
      if (depth <= 1) return p
      depth--
      left = stackLeft[depth - 1] as number
      isMap = stackIsMap[depth - 1] === 1
    }
  }
}

const FIELD_NONE = 0
const FIELD_KEY = 1
const FIELD_FLAGS = 2
const FIELD_VALUE = 3

// "Key", "Flags", "Value" as bytes.
const K = 0x4b
const F = 0x46
const V = 0x56

/** What walkMap picks out of the map's fields. */
export const PICK_NOTHING = 0
export const PICK_KEY = 1
export const PICK_KV_FIELDS = 2

/**
 * Walks a record's top-level map at `p` (a map token) field by field; returns the index after it
 * or -1 as skipValue does. It is skipValue for a map with the names and one-token values handled
 * inline, which most records are. With PICK_KEY it picks the Key of a KVS/Tombstone record into
 * `found`, with PICK_KV_FIELDS also Flags and Value; only string names are matched. A name must be
 * a string, bin or nil unless `anyMapKeys` (ChunkingState).
 */
export function walkMap(
  buf: Uint8Array,
  p: number,
  end: number,
  pick: number,
  anyMapKeys: boolean,
  found: KvFieldsFound,
): number {
  let keyStart = -1
  let keyEnd = 0
  let keyPresent = false
  let flags = 0n
  let valueStart = -1
  let valueLength = 0
  const mapByte = buf[p] as number
  const mapHeader = HEADER_LENGTH[mapByte] as number
  if (p + mapHeader > end) return -1
  let entries = containerCount(buf, p, mapByte)
  p += mapHeader
  if (entries > end - p) return -1
  while (entries > 0) {
    if (p >= end) return -1
    const nb = buf[p] as number
    const nameKind = TOKEN_KIND[nb] as number
    let field = FIELD_NONE
    if (nameKind === STRING || nameKind === BINARY) {
      const nameHeader = HEADER_LENGTH[nb] as number
      if (p + nameHeader > end) return -1
      const start = p + nameHeader
      const length = payloadLength(buf, p, nb)
      p = start + length
      if (p > end) return -1
      // Only string names are matched, as the state machine does.
      if (nameKind === STRING && pick !== PICK_NOTHING) {
        if (length === 3) {
          if (buf[start] === K && buf[start + 1] === 0x65 && buf[start + 2] === 0x79) field = FIELD_KEY
        } else if (length === 5 && pick === PICK_KV_FIELDS) {
          if (isFiveLetterName(buf, start, V, 0x61, 0x6c, 0x75, 0x65)) field = FIELD_VALUE
          else if (isFiveLetterName(buf, start, F, 0x6c, 0x61, 0x67, 0x73)) field = FIELD_FLAGS
        }
      }
    } else if (nb === 0xc0) {
      p++
    } else if (anyMapKeys) {
      p = skipValue(buf, p, end, true)
      if (p < 0) return -1
    } else {
      return -1
    }

    if (p >= end) return -1
    const vb = buf[p] as number
    const valueHeader = HEADER_LENGTH[vb] as number
    if (valueHeader === 0 || p + valueHeader > end) return -1
    const valueKind = TOKEN_KIND[vb] as number
    if (field !== FIELD_NONE) {
      const isBytes = valueKind === STRING || valueKind === BINARY
      if (field === FIELD_KEY) {
        keyPresent = isBytes
        if (isBytes) {
          keyStart = p + valueHeader
          keyEnd = keyStart + payloadLength(buf, p, vb)
        }
      } else if (field === FIELD_FLAGS) {
        flags = flagsValue(buf, p, vb)
      } else {
        valueStart = p + valueHeader
        valueLength = isBytes ? payloadLength(buf, p, vb) : 0
      }
    }
    // Most field values are one token; only containers need skipValue's stack.
    if (valueKind === SCALAR) p += valueHeader
    else if (valueKind < MAP) {
      p += valueHeader + payloadLength(buf, p, vb)
      if (p > end) return -1
    } else {
      p = skipValue(buf, p, end, anyMapKeys)
      if (p < 0) return -1
    }
    entries--
  }
  if (pick === PICK_NOTHING) return p
  found.keyStart = keyStart
  found.keyEnd = keyEnd
  found.keyPresent = keyPresent
  found.flags = flags
  found.valueStart = valueStart
  found.valueLength = valueLength
  return p
}

function isFiveLetterName(
  buf: Uint8Array,
  start: number,
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  c4: number,
): boolean {
  return (
    buf[start] === c0 &&
    buf[start + 1] === c1 &&
    buf[start + 2] === c2 &&
    buf[start + 3] === c3 &&
    buf[start + 4] === c4
  )
}
