// Reads many small ranges of a spill file in roughly increasing order (keys and values of a KV
// export, entries of a position log) with one file read per block instead of one per range.
import type { SpillFile } from './spill-file'

const BLOCK = 1 << 20

export class SpillBlockReader {
  private block: Buffer = Buffer.alloc(0)
  private blockStart = 0

  constructor(
    private readonly spill: Pick<SpillFile, 'read' | 'size'> & Partial<Pick<SpillFile, 'readSync'>>,
  ) {}

  /**
   * Bytes [offset, offset + length): a view of the current block when they lie in it, else the
   * block that starts there is read first. The view stays valid (blocks are never reused).
   */
  read(offset: number, length: number): Buffer | Promise<Buffer> {
    const start = offset - this.blockStart
    if (start >= 0 && start + length <= this.block.length) return this.block.subarray(start, start + length)
    const size = Math.min(Math.max(BLOCK, length), this.spill.size - offset)
    // A copy that can be read in this turn is (see SpillFile.readSync); others are awaited.
    if (this.spill.readSync === undefined) return this.load(offset, length, size)
    this.block = this.spill.readSync(offset, size)
    this.blockStart = offset
    return this.block.subarray(0, length)
  }

  private async load(offset: number, length: number, size: number): Promise<Buffer> {
    this.block = await this.spill.read(offset, size)
    this.blockStart = offset
    return this.block.subarray(0, length)
  }
}
