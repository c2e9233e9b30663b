// The bytes of one state.bin record while the scanner reads the stream in chunks: a record that
// lies inside the current chunk is a view of it, one that straddles chunks is reassembled from
// a carry of the unfinished tail. The carry never grows past `limit`, so a hostile length claim
// or a 100 MiB record costs nothing here; such a record is simply not available.

export class RecordWindow {
  private chunk: Buffer = Buffer.alloc(0)
  private chunkBase = 0
  private carry: Buffer = Buffer.alloc(0)
  private carryLength = 0
  /** state.bin offset of carry[0]; -1 when the carry does not hold the unfinished record */
  private carryStart = -1

  constructor(private readonly limit: number) {}

  /** The chunk the scanner is about to read, starting at state.bin offset `base`. */
  enter(chunk: Buffer, base: number): void {
    this.chunk = chunk
    this.chunkBase = base
  }

  /** Bytes [start, end) of state.bin, or undefined when they were not kept (too large). */
  bytes(start: number, end: number): Buffer | undefined {
    const base = this.chunkBase
    if (start >= base) return this.chunk.subarray(start - base, end - base)
    if (this.carryStart < 0 || start < this.carryStart) return undefined
    const fromCarry = this.carry.subarray(start - this.carryStart, this.carryLength)
    return Buffer.concat([fromCarry, this.chunk.subarray(0, end - base)])
  }

  /**
   * The chunk is read; the record that started at `pendingStart` is unfinished. Keep its bytes
   * when `wanted` (the catalogue lists records of its type) and they fit in the limit.
   */
  leave(pendingStart: number, wanted: boolean): void {
    const base = this.chunkBase
    const end = base + this.chunk.length
    if (!wanted || end - pendingStart > this.limit) {
      this.carryStart = -1
      this.carryLength = 0
    } else if (pendingStart >= base) {
      this.carryStart = pendingStart
      this.carryLength = 0
      this.append(this.chunk.subarray(pendingStart - base))
    } else if (this.carryStart >= 0 && this.carryStart <= pendingStart) {
      this.append(this.chunk)
    } else {
      this.carryStart = -1
      this.carryLength = 0
    }
    this.chunk = Buffer.alloc(0)
  }

  private append(bytes: Buffer): void {
    const needed = this.carryLength + bytes.length
    if (needed > this.carry.length) {
      const next = Buffer.allocUnsafe(Math.min(this.limit, Math.max(needed, 2 * this.carry.length, 4096)))
      this.carry.copy(next, 0, 0, this.carryLength)
      this.carry = next
    }
    bytes.copy(this.carry, this.carryLength)
    this.carryLength = needed
  }
}
