import { snapshotErrors } from './snapshot-errors'
import { messageTypeName, MessageType } from './message-types'
import {
  ARRAY,
  BINARY,
  containerCount,
  flagsValue,
  HEADER_LENGTH,
  integerValue,
  MAP,
  MAX_HEADER,
  payloadLength,
  SCALAR,
  STRING,
  TOKEN_KIND,
} from './msgpack-token'
import {
  newKvFieldsFound,
  PICK_KEY,
  PICK_KV_FIELDS,
  PICK_NOTHING,
  skipValue,
  walkMap,
} from './record-fast-scan'

/**
 * Streaming scanner for state.bin: `Header Record*` where the header is one msgpack value and
 * every record is a raw type byte followed by one msgpack value (spec section 3). It finds record
 * boundaries by *skipping* msgpack values, never building them, so statistics over a gigabyte
 * cost little more than reading it.
 *
 * Bytes arrive in chunks of any size and values straddle chunk boundaries, so the scanner is a
 * resumable state machine: a stack of open containers with the elements each still has to start,
 * a count of payload bytes still to skip, and a tiny buffer for a token header cut in two. Only
 * the top-level map of the header (for `LastIndex`) and of KVS/Tombstone records (for `Key`) is
 * walked field by field.
 *
 * Most records lie wholly in the chunk at hand, and stepping the state machine token by token
 * cost more than inflating them. So at each record boundary a fast path (record-fast-scan.ts)
 * first tries to walk the whole record in one loop; it takes a record only when the state machine
 * would accept it with the same result, and leaves everything else (a record cut by the chunk's
 * end, anything the state machine might refuse) to the state machine, which alone decides errors
 * and their offsets.
 *
 * It fails (`SNAPSHOT_STATE_INVALID`, with the offset) where Consul's generic decoder, and so
 * `consul snapshot inspect`, fails: the byte 0xc1, data ending inside a value, a map key that is
 * not a string (bin and nil pass), a header Consul cannot decode. Every other msgpack form is
 * accepted: str8/bin/ext, 64-bit integers, floats, Go binary times.
 */

/**
 * Called once per record. The KVS/Tombstone key is `key[keyStart..keyEnd)`, valid only during the
 * call (it lies in a chunk or a reused buffer); passing the bounds avoids a view per record.
 */
export type RecordVisitor = (
  type: number,
  offset: number,
  size: number,
  key: Buffer | null,
  keyStart: number,
  keyEnd: number,
) => void

// Where the scanner is in the stream.
const AT_TYPE_BYTE = 0 // between records: the next byte is a record type
const AT_ROOT = 1 // the next token starts the header or a record value
const IN_VALUE = 2 // skipping: open containers on the stack and `skip` payload bytes remain
const AT_FIELD_NAME = 3 // walking a top-level map: the next token is a key
const AT_FIELD_VALUE = 4 // walking a top-level map: the next token is a value

// Which top-level field the current name matched.
const FIELD_NONE = 0
const FIELD_LAST_INDEX = 1
const FIELD_KEY = 2
const FIELD_FLAGS = 3
const FIELD_VALUE = 4

// What the payload being skipped is also copied for.
const CAPTURE_NONE = 0
const CAPTURE_NAME = 1
const CAPTURE_KEY = 2

const NAME_LAST_INDEX = Buffer.from('LastIndex')
const NAME_KEY = Buffer.from('Key')
const NAME_FLAGS = Buffer.from('Flags')
const NAME_VALUE = Buffer.from('Value')
const MAX_FIELD_NAME = 16
// A longer "Key" is skipped rather than copied, so a hostile length cannot allocate gigabytes.
const MAX_KEY_BYTES = 1 << 20

const HEADER_TYPE = -1

export interface StateScannerOptions {
  /** Extract the `Key` of KVS and Tombstone records (walks their top-level map). */
  captureKeys: boolean
  /** Also pick out Flags and where the Value lies (kvFlags, kvValueOffset…); needs captureKeys. */
  captureKvFields?: boolean
  onRecord: RecordVisitor
}

export class StateScanner {
  /** `LastIndex` from the header map (0 when absent). */
  lastIndex = 0n
  /** Bytes consumed so far. */
  bytesScanned = 0

  // The other DirEntry fields of the KVS/Tombstone record being reported, valid during onRecord
  // (with captureKeys): what a KV export needs without the record's bytes being held. Positions
  // are state.bin offsets, so a value of any size stays where it lies. A field that is absent or
  // of another type reads as Go's zero value (Flags 0, empty Value), as a typed decode would.
  /** Flags as an unsigned 64-bit number. */
  kvFlags = 0n
  /** Offset and length of the Value payload (length 0 when empty or not a byte string). */
  kvValueOffset = 0
  kvValueLength = 0
  /** Offset and length of the Key payload; -1 when the record has no string Key. */
  kvKeyOffset = -1
  kvKeyLength = 0

  private readonly captureKeys: boolean
  private readonly captureKvFields: boolean
  private readonly onRecord: RecordVisitor

  private state = AT_ROOT
  private recordType = HEADER_TYPE
  private recordOffset = 0
  private previousEnd = 0
  private recordEnded = false

  // Containers open in the value being skipped: elements still to start, and whether it is a map.
  private stackLeft = new Float64Array(64)
  private stackIsMap = new Uint8Array(64)
  private depth = 0
  private skip = 0
  private walkingFields = false
  private fieldsLeft = 0
  private field = FIELD_NONE

  private readonly partial = new Uint8Array(MAX_HEADER)
  private partialLength = 0
  private partialNeed = 0
  private partialOffset = 0

  // Capture of a field name or a KV key payload.
  private capturing = CAPTURE_NONE
  private skippingName = false
  private capture: Buffer = Buffer.allocUnsafe(256)
  private captureLength = 0
  private key: Buffer | null = null
  private keyStart = 0
  private keyEnd = 0
  private keyInChunk = false
  private keyCopy: Buffer = Buffer.allocUnsafe(256)
  private readonly kvFound = newKvFieldsFound()
  private readonly pick: number

  constructor(options: StateScannerOptions) {
    this.captureKeys = options.captureKeys
    this.captureKvFields = options.captureKvFields === true
    this.pick = this.captureKvFields ? PICK_KV_FIELDS : PICK_KEY
    this.onRecord = options.onRecord
  }

  /** The message type of the record being read (-1 while in the header). */
  get currentType(): number {
    return this.recordType
  }

  /**
   * Where the record still being read began (its type byte; 0 while in the header), or -1 between
   * records: a consumer that keeps only the bytes of an unfinished record needs those from here.
   */
  get openRecordStart(): number {
    return this.state === AT_TYPE_BYTE ? -1 : this.recordOffset
  }

  /** Feeds the next bytes of state.bin. Throws SNAPSHOT_STATE_INVALID on a malformed value. */
  push(input: Uint8Array): void {
    const chunk = Buffer.isBuffer(input)
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
    const base = this.bytesScanned
    const end = chunk.length
    let p = 0

    if (this.partialLength > 0) {
      const take = Math.min(this.partialNeed - this.partialLength, end)
      this.partial.set(chunk.subarray(0, take), this.partialLength)
      this.partialLength += take
      p = take
      if (this.partialLength < this.partialNeed) {
        this.bytesScanned = base + end
        return
      }
      this.partialLength = 0
      this.token(this.partial, 0, this.partialOffset)
      if (this.recordEnded) this.endRecord(base + p)
    }

    while (p < end) {
      if (this.skip > 0) {
        const available = end - p
        const n = this.skip < available ? this.skip : available
        if (this.capturing !== CAPTURE_NONE) this.append(chunk, p, n)
        p += n
        this.skip -= n
        if (this.skip > 0) break
        this.payloadDone()
        if (this.recordEnded) this.endRecord(base + p)
        continue
      }
      if (this.state === AT_TYPE_BYTE) {
        p = this.wholeRecords(chunk, p, end, base)
        if (p === end) break
        this.recordType = chunk[p] as number
        this.recordOffset = base + p
        p++
        this.state = AT_ROOT
        continue
      }
      const b = chunk[p] as number
      const length = HEADER_LENGTH[b] as number
      if (length === 0) this.fail(`invalid msgpack byte 0x${b.toString(16)}`, base + p)
      if (p + length > end) {
        this.partial.set(chunk.subarray(p, end), 0)
        this.partialLength = end - p
        this.partialNeed = length
        this.partialOffset = base + p
        p = end
        break
      }
      p += length + this.token(chunk, p, base + p)
      if (this.recordEnded) this.endRecord(base + p)
    }
    this.bytesScanned = base + end
    if (this.keyInChunk && this.key !== null) this.keepKey(this.key, this.keyStart, this.keyEnd)
  }

  /** Declares the end of state.bin; throws if it ends inside the header or a record. */
  finish(): void {
    if (this.state === AT_TYPE_BYTE && this.skip === 0 && this.partialLength === 0) return
    const offset = this.bytesScanned
    if (this.bytesScanned === 0) this.fail('it is empty (no header)', 0)
    const what =
      this.recordType === HEADER_TYPE
        ? 'the header'
        : `a ${messageTypeName(this.recordType)} record (started at byte ${this.recordOffset})`
    this.fail(`the data ends in the middle of ${what}`, offset)
  }

  /**
   * The fast path: reports the records from `p` on whose bytes all lie in this chunk, each walked
   * in one go (record-fast-scan.ts), with the same calls and fields the state machine would give.
   * Returns where it stopped: the chunk's end, or the start of a record it leaves to the state
   * machine (one that runs past the chunk, or one the state machine may refuse).
   */
  private wholeRecords(chunk: Buffer, p: number, end: number, base: number): number {
    const found = this.kvFound
    while (p + 1 < end) {
      const type = chunk[p] as number
      const isMap = TOKEN_KIND[chunk[p + 1] as number] === MAP
      const walks = isMap && this.captureKeys && (type === MessageType.KVS || type === MessageType.Tombstone)
      const anyMapKeys = type === MessageType.ChunkingState
      const next = isMap
        ? walkMap(chunk, p + 1, end, walks ? this.pick : PICK_NOTHING, anyMapKeys, found)
        : skipValue(chunk, p + 1, end, anyMapKeys)
      if (next < 0) return p
      const offset = base + p
      this.recordType = type
      this.recordOffset = offset
      let key: Buffer | null = null
      if (walks) {
        if (found.keyStart >= 0) {
          // Where the state machine would have left them, key or not (see `key`).
          this.keyStart = found.keyStart
          this.keyEnd = found.keyEnd
        }
        if (found.keyPresent) {
          key = chunk
          this.kvKeyOffset = base + found.keyStart
          this.kvKeyLength = found.keyEnd - found.keyStart
        } else {
          this.kvKeyOffset = -1
          this.kvKeyLength = 0
        }
        this.kvFlags = found.flags
        this.kvValueOffset = found.valueStart < 0 ? 0 : base + found.valueStart
        this.kvValueLength = found.valueLength
      } else this.clearKvFields()
      this.onRecord(type, offset, base + next - this.previousEnd, key, this.keyStart, this.keyEnd)
      this.previousEnd = base + next
      p = next
    }
    return p
  }

  /** Go's zero values for a record that is not a DirEntry, or before its fields are read. */
  private clearKvFields(): void {
    this.kvFlags = 0n
    this.kvValueOffset = 0
    this.kvValueLength = 0
    this.kvKeyOffset = -1
    this.kvKeyLength = 0
  }

  /**
   * Handles one token whose header bytes are complete in `buf` at `p`. Returns how many payload
   * bytes it consumed in place (a field name or key that lies wholly in the chunk), else 0.
   */
  private token(buf: Buffer | Uint8Array, p: number, offset: number): number {
    const b = buf[p] as number
    const kind = TOKEN_KIND[b] as number
    switch (this.state) {
      case AT_ROOT: {
        const wantsFields =
          this.recordType === HEADER_TYPE ||
          (this.captureKeys &&
            (this.recordType === MessageType.KVS || this.recordType === MessageType.Tombstone))
        this.key = null
        this.keyInChunk = false
        this.clearKvFields()
        if (wantsFields && kind === MAP) {
          const entries = containerCount(buf, p, b)
          this.walkingFields = true
          this.fieldsLeft = entries
          if (entries === 0) this.recordEnded = true
          else this.state = AT_FIELD_NAME
          return 0
        }
        if (this.recordType === HEADER_TYPE && kind !== ARRAY && b !== 0xc0)
          return this.fail('the header is not a map', offset)
        this.walkingFields = false
        this.startValue(buf, p, b, kind, offset)
        return 0
      }
      case IN_VALUE:
        this.skipToken(buf, p, b, kind, offset)
        return 0
      case AT_FIELD_NAME:
        this.field = FIELD_NONE
        if (kind !== STRING && kind !== BINARY && b !== 0xc0)
          return this.fail('a map key is not a string', offset)
        if (kind === STRING) {
          const length = payloadLength(buf, p, b)
          const start = p + (HEADER_LENGTH[b] as number)
          if (buf !== this.partial && start + length <= buf.length) {
            // The common case: the name is in this chunk, so compare it where it lies.
            this.field = this.matchFieldName(buf, start, length)
            this.state = AT_FIELD_VALUE
            return length
          }
          if (length <= MAX_FIELD_NAME) {
            this.beginCapture(CAPTURE_NAME, length)
            if (length === 0) this.payloadDone()
            return 0
          }
        }
        this.skippingName = true
        this.startValue(buf, p, b, kind, offset)
        return 0
      case AT_FIELD_VALUE:
        if (this.field === FIELD_KEY && (kind === STRING || kind === BINARY)) {
          const length = payloadLength(buf, p, b)
          const start = p + (HEADER_LENGTH[b] as number)
          this.kvKeyOffset = offset + (HEADER_LENGTH[b] as number)
          this.kvKeyLength = length
          if (buf !== this.partial && start + length <= buf.length) {
            // Kept as a view; copied at the end of the chunk if the record goes on past it.
            this.key = buf as Buffer
            this.keyStart = start
            this.keyEnd = start + length
            this.keyInChunk = true
            this.fieldDone()
            return length
          }
          if (length <= MAX_KEY_BYTES) {
            this.beginCapture(CAPTURE_KEY, length)
            if (length === 0) this.payloadDone()
            return 0
          }
        }
        if (this.field === FIELD_FLAGS) {
          this.kvFlags = flagsValue(buf, p, b)
        } else if (this.field === FIELD_VALUE) {
          const isBytes = kind === STRING || kind === BINARY
          this.kvValueOffset = offset + (HEADER_LENGTH[b] as number)
          this.kvValueLength = isBytes ? payloadLength(buf, p, b) : 0
        } else if (this.field === FIELD_KEY && kind !== STRING && kind !== BINARY) {
          // A Key that is not a string: the record is no DirEntry (Consul's inspect skips it too).
          this.key = null
          this.keyInChunk = false
          this.kvKeyOffset = -1
          this.kvKeyLength = 0
        }
        if (this.field === FIELD_LAST_INDEX && this.recordType === HEADER_TYPE) {
          // Consul decodes the header into a struct with a uint64 LastIndex; anything else fails
          // there (inspect, and restore), so it fails here.
          const value = b === 0xc0 ? 0n : integerValue(buf, p, b)
          if (value === null || value < 0n)
            return this.fail("the header's LastIndex is not an unsigned integer", offset)
          this.lastIndex = value
        }
        this.startValue(buf, p, b, kind, offset)
        return 0
      default:
        return this.fail('internal scanner state', offset)
    }
  }

  private startValue(buf: Uint8Array, p: number, b: number, kind: number, offset: number): void {
    this.state = IN_VALUE
    this.depth = 0
    this.skipToken(buf, p, b, kind, offset)
  }

  private skipToken(buf: Uint8Array, p: number, b: number, kind: number, offset: number): void {
    const depth = this.depth
    if (depth > 0) {
      const top = depth - 1
      const left = this.stackLeft[top] as number
      // Consul decodes maps generically as map[string]interface{}: a key that is not a string
      // (or bin, or nil) fails there. ChunkingState's ChunkMap is the exception: uint64 keys,
      // decoded by restore into its own type (consul inspect itself fails on a non-empty one).
      if (
        this.stackIsMap[top] === 1 &&
        left % 2 === 0 &&
        kind !== STRING &&
        kind !== BINARY &&
        b !== 0xc0 &&
        this.recordType !== MessageType.ChunkingState
      ) {
        this.fail('a map key is not a string', offset)
      }
      this.stackLeft[top] = left - 1
    }
    if (kind === MAP || kind === ARRAY) {
      const count = containerCount(buf, p, b)
      if (count > 0) {
        this.open(kind === MAP ? 2 * count : count, kind === MAP)
        return
      }
    } else if (kind !== SCALAR) {
      this.skip = payloadLength(buf, p, b)
      if (this.skip > 0) return
    }
    this.closeFinished()
  }

  private open(elements: number, isMap: boolean): void {
    if (this.depth === this.stackLeft.length) {
      const left = new Float64Array(this.depth * 2)
      left.set(this.stackLeft)
      this.stackLeft = left
      const maps = new Uint8Array(this.depth * 2)
      maps.set(this.stackIsMap)
      this.stackIsMap = maps
    }
    this.stackLeft[this.depth] = elements
    this.stackIsMap[this.depth] = isMap ? 1 : 0
    this.depth++
  }

  /** A token and its payload are done: close every container it completes. */
  private closeFinished(): void {
    let depth = this.depth
    while (depth > 0 && this.stackLeft[depth - 1] === 0) depth--
    this.depth = depth
    if (depth === 0) this.valueDone()
  }

  private payloadDone(): void {
    if (this.capturing !== CAPTURE_NONE) {
      const isName = this.capturing === CAPTURE_NAME
      this.capturing = CAPTURE_NONE
      if (isName) {
        this.field = this.matchFieldName(this.capture, 0, this.captureLength)
        this.state = AT_FIELD_VALUE
        return
      }
      this.keepKey(this.capture, 0, this.captureLength)
      this.fieldDone()
      return
    }
    this.closeFinished()
  }

  /** A complete value was skipped: the record, or one field name/value of a walked map. */
  private valueDone(): void {
    if (!this.walkingFields) {
      this.recordEnded = true
      return
    }
    // A skipped value in a walked map is either a field name we did not capture or a field value.
    if (this.skippingName) {
      this.skippingName = false
      this.field = FIELD_NONE
      this.state = AT_FIELD_VALUE
      return
    }
    this.fieldDone()
  }

  private fieldDone(): void {
    this.field = FIELD_NONE
    this.fieldsLeft--
    if (this.fieldsLeft === 0) this.recordEnded = true
    else this.state = AT_FIELD_NAME
  }

  private beginCapture(what: number, length: number): void {
    this.capturing = what
    this.captureLength = 0
    if (this.capture.length < length)
      this.capture = Buffer.allocUnsafe(Math.max(length, this.capture.length * 2))
    this.skip = length
    this.state = IN_VALUE
    this.depth = 0
  }

  private append(chunk: Uint8Array, p: number, n: number): void {
    this.capture.set(chunk.subarray(p, p + n), this.captureLength)
    this.captureLength += n
  }

  private matchFieldName(buf: Uint8Array, start: number, length: number): number {
    if (this.recordType === HEADER_TYPE)
      return sameBytes(buf, start, length, NAME_LAST_INDEX) ? FIELD_LAST_INDEX : FIELD_NONE
    if (length === 3) return sameBytes(buf, start, length, NAME_KEY) ? FIELD_KEY : FIELD_NONE
    if (length !== 5 || !this.captureKvFields) return FIELD_NONE
    if (sameBytes(buf, start, length, NAME_VALUE)) return FIELD_VALUE
    return sameBytes(buf, start, length, NAME_FLAGS) ? FIELD_FLAGS : FIELD_NONE
  }

  /** Copies the key into the scanner's own buffer: the chunk it lies in is not ours to keep. */
  private keepKey(source: Buffer, start: number, end: number): void {
    const length = end - start
    if (this.keyCopy.length < length)
      this.keyCopy = Buffer.allocUnsafe(Math.max(length, this.keyCopy.length * 2))
    source.copy(this.keyCopy, 0, start, end)
    this.key = this.keyCopy
    this.keyStart = 0
    this.keyEnd = length
    this.keyInChunk = false
  }

  private endRecord(endOffset: number): void {
    this.recordEnded = false
    this.state = AT_TYPE_BYTE
    this.walkingFields = false
    this.field = FIELD_NONE
    if (this.recordType !== HEADER_TYPE) {
      this.onRecord(
        this.recordType,
        this.recordOffset,
        endOffset - this.previousEnd,
        this.key,
        this.keyStart,
        this.keyEnd,
      )
      this.previousEnd = endOffset
    }
    this.key = null
    this.keyInChunk = false
  }

  private fail(detail: string, offset: number): never {
    throw snapshotErrors.stateInvalid(detail, offset)
  }
}

function sameBytes(buf: Uint8Array, start: number, length: number, name: Buffer): boolean {
  if (length !== name.length) return false
  for (let i = 0; i < length; i++) if (buf[start + i] !== name[i]) return false
  return true
}
