// Cuts the state.bin byte stream into whole records for the catalogue: the header value first,
// then (type byte, one msgpack value) pairs (spec 3). Each record is handed over as one contiguous
// Buffer, so the catalogue can read its fields directly; only a record that straddles chunks is
// copied, and only the bytes of that record are kept between chunks.
import { snapshotErrors } from '../snapshot-errors'
import { NEED_MORE, skipValue } from './msgpack-walk'

export interface SplitRecord {
  type: number
  /** state.bin offset of the msgpack value (the byte after the type byte) */
  valueOffset: number
  /** the msgpack value's bytes; valid only during the callback */
  value: Buffer
}

export class StateRecordSplitter {
  private carry: Buffer | undefined
  /** state.bin offset of carry[0] (or of the next chunk when there is no carry) */
  private carryOffset = 0
  // A record larger than a chunk is retried only once the bytes waiting have doubled, so a huge
  // record costs O(size) copying rather than O(size^2 / chunk).
  private waiting: Buffer[] = []
  private waitingBytes = 0
  private retryAt = 0
  private headerSeen = false
  private header: Buffer | undefined

  constructor(private readonly onRecord: (record: SplitRecord) => void) {}

  /** The header value's bytes, once read. */
  get headerBytes(): Buffer | undefined {
    return this.header
  }

  push(chunk: Buffer): void {
    if (this.carry !== undefined && this.carry.length > 0) {
      this.waiting.push(Buffer.from(chunk))
      this.waitingBytes += chunk.length
      if (this.carry.length + this.waitingBytes < this.retryAt) return
      this.split(Buffer.concat([this.carry, ...this.waiting]))
    } else {
      this.split(chunk)
    }
  }

  private split(buf: Buffer): void {
    this.waiting = []
    this.waitingBytes = 0
    const base = this.carryOffset
    let pos = 0
    if (!this.headerSeen) {
      const end = skipValue(buf, 0)
      if (end === NEED_MORE) return this.keep(buf, base, 0)
      this.header = Buffer.from(buf.subarray(0, end))
      this.headerSeen = true
      pos = end
    }
    while (pos < buf.length) {
      const end = skipValue(buf, pos + 1)
      if (end === NEED_MORE) return this.keep(buf, base, pos)
      this.onRecord({
        type: buf[pos] as number,
        valueOffset: base + pos + 1,
        value: buf.subarray(pos + 1, end),
      })
      pos = end
    }
    this.keep(buf, base, pos)
  }

  private keep(buf: Buffer, base: number, from: number): void {
    // Copy the unfinished tail: `buf` may be the producer's chunk, which it is free to reuse.
    this.carry = from < buf.length ? Buffer.from(buf.subarray(from)) : undefined
    this.carryOffset = base + from
    const tail = buf.length - from
    this.retryAt = tail >= 64 * 1024 ? 2 * tail : 0
  }

  /** Declares the end of state.bin; a clean end falls exactly between records. */
  finish(): void {
    if (this.waitingBytes > 0 && this.carry !== undefined) {
      this.retryAt = 0
      this.split(Buffer.concat([this.carry, ...this.waiting]))
    }
    if (!this.headerSeen || (this.carry !== undefined && this.carry.length > 0)) {
      throw snapshotErrors.stateInvalid('it ends inside a record', this.carryOffset)
    }
  }
}
