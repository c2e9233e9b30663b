// Where kv-export keeps the export text it writes while the archive is read, until the archive has
// verified: in memory up to a budget, the rest in a working file. A small export then never
// touches the disk (no working file holding KV values), and memory stays bounded whatever the file.
import type { Writable } from 'node:stream'
import { checkCancelled, writeChunk, type KvExportText } from './kv-export-writer'
import { SpillFile } from './spill-file'

// Export text is copied out of the working file in chunks of this size: 4 MiB reads measured
// about half again slower (each a fresh allocation whose pages fault in as the kernel fills them).
const COPY_CHUNK = 256 << 10

export class ExportTextStore {
  /** Text in memory, in order; each buffer is ours (taken from the builder). */
  private readonly held: Buffer[] = []
  private heldBytes = 0
  /** The text past the budget, created when first needed. */
  private file: SpillFile | undefined

  constructor(
    private readonly memoryBudget: number,
    private readonly spillDir: string | undefined,
  ) {}

  /** Bytes of text stored. */
  get size(): number {
    return this.heldBytes + (this.file?.size ?? 0)
  }

  /** Stores the text the builder holds; the builder starts anew. */
  add(text: KvExportText): void {
    if (text.used === 0) return
    if (this.file === undefined && this.heldBytes + text.used <= this.memoryBudget) {
      const chunk = text.take()
      this.held.push(chunk)
      this.heldBytes += chunk.length
      return
    }
    const file = (this.file ??= new SpillFile(this.spillDir))
    text.drain((bytes) => file.append(bytes))
  }

  /** Drops the text from `size` on (an entry taken back, or all of it). */
  truncate(size: number): void {
    if (size >= this.heldBytes) {
      this.file?.truncate(size - this.heldBytes)
      return
    }
    this.file?.truncate(0)
    while (this.heldBytes > size) {
      const last = this.held[this.held.length - 1] as Buffer
      const over = this.heldBytes - size
      if (over >= last.length) {
        this.held.pop()
        this.heldBytes -= last.length
      } else {
        this.held[this.held.length - 1] = last.subarray(0, last.length - over)
        this.heldBytes = size
      }
    }
  }

  /** Ends writing; copyTo becomes possible. */
  async seal(): Promise<void> {
    await this.file?.seal()
  }

  /** Writes all the text to `out`, in order, letting go of what memory held as it goes. */
  async copyTo(out: Writable, signal: AbortSignal | undefined): Promise<void> {
    for (let chunk = this.held.shift(); chunk !== undefined; chunk = this.held.shift()) {
      this.heldBytes -= chunk.length
      checkCancelled(signal)
      await writeChunk(out, chunk)
    }
    const file = this.file
    if (file === undefined) return
    for (let from = 0; from < file.size; from += COPY_CHUNK) {
      checkCancelled(signal)
      await writeChunk(out, file.readSync(from, Math.min(COPY_CHUNK, file.size - from)))
    }
  }

  async remove(): Promise<void> {
    this.held.length = 0
    this.heldBytes = 0
    await this.file?.remove()
  }
}
