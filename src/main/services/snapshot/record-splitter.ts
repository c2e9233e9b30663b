import type { StateConsumer } from './archive-reader'
import { StateScanner } from './state-scanner'

/**
 * Turns state.bin chunks into whole records for code that needs each record's bytes (a redacted
 * copy rewrites some, a drill decodes the KV entries). The scanner finds the boundaries
 * (docs/snapshot-format.md §7); only the bytes of the record still open are held between chunks.
 */
export interface RecordHandler {
  /** The header's bytes, once, before the first record. */
  header(bytes: Buffer): void
  /** One record: its type and its msgpack value (the type byte not included). */
  record(type: number, value: Buffer): void
}

export class RecordSplitter implements StateConsumer {
  private readonly scanner: StateScanner
  private pending: Buffer[] = []
  private pendingLength = 0
  /** state.bin offset of the first pending byte. */
  private pendingStart = 0
  private lastEnd = 0
  private headerSent = false
  private readonly ended: number[] = []

  constructor(private readonly handler: RecordHandler) {
    this.scanner = new StateScanner({
      captureKeys: false,
      onRecord: (type, offset, size) => {
        const end = this.lastEnd + size
        this.ended.push(type, offset, end)
        this.lastEnd = end
      },
    })
  }

  push(chunk: Uint8Array): void {
    // Copied: the reader may hand out views of buffers it reuses.
    const copy = Buffer.from(chunk)
    this.pending.push(copy)
    this.pendingLength += copy.length
    this.scanner.push(copy)
    if (this.ended.length === 0) return
    const data = this.pending.length === 1 ? copy : Buffer.concat(this.pending, this.pendingLength)
    const base = this.pendingStart
    for (let i = 0; i < this.ended.length; i += 3) {
      const type = this.ended[i] as number
      const offset = this.ended[i + 1] as number
      const end = this.ended[i + 2] as number
      if (!this.headerSent) {
        this.handler.header(data.subarray(0, offset - base))
        this.headerSent = true
      }
      this.handler.record(type, data.subarray(offset + 1 - base, end - base))
    }
    this.ended.length = 0
    const rest = data.subarray(this.lastEnd - base)
    this.pending = rest.length > 0 ? [rest] : []
    this.pendingLength = rest.length
    this.pendingStart = this.lastEnd
  }

  finish(): void {
    this.scanner.finish()
    if (!this.headerSent) {
      this.handler.header(Buffer.concat(this.pending, this.pendingLength))
      this.headerSent = true
    }
  }
}
