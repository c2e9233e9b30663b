import { createHash, type Hash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'
import type { TransferProgress } from '../../../shared/consul-types'

export interface TransferMeterOptions {
  totalBytes: number | null
  now?: () => number
  onProgress?: (progress: TransferProgress) => void
  /** Minimum pause between two progress events. */
  intervalMs?: number
  hash?: boolean
  /**
   * Called before the chunk that completes `totalBytes` is passed on; throwing stops the
   * transfer before its last byte leaves (restore cancellation relies on this).
   */
  beforeLastChunk?: () => void
}

/** Counts, hashes (SHA-256) and reports the bytes flowing through it, at a bounded rate. */
export class TransferMeter extends Transform {
  bytes = 0
  private readonly started: number
  private lastEmit = -Infinity
  private readonly hasher: Hash | null
  private readonly now: () => number

  constructor(private readonly options: TransferMeterOptions) {
    super()
    this.now = options.now ?? Date.now
    this.started = this.now()
    this.hasher = options.hash ? createHash('sha256') : null
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const total = this.options.totalBytes
    if (total !== null && this.options.beforeLastChunk && this.bytes + chunk.length >= total) {
      try {
        this.options.beforeLastChunk()
      } catch (error) {
        callback(error as Error)
        return
      }
    }
    this.observe(chunk)
    callback(null, chunk)
  }

  /** Counts and hashes a chunk (also usable without piping through the meter). */
  observe(chunk: Uint8Array): void {
    this.bytes += chunk.length
    this.hasher?.update(chunk)
    const at = this.now()
    const complete = this.options.totalBytes !== null && this.bytes >= this.options.totalBytes
    if (complete || at - this.lastEmit >= (this.options.intervalMs ?? 100)) {
      this.lastEmit = at
      this.options.onProgress?.(this.progress(at))
    }
  }

  /** The final progress event, for callers that use observe() rather than the stream. */
  finish(): void {
    this.options.onProgress?.(this.progress(this.now()))
  }

  override _flush(callback: TransformCallback): void {
    this.options.onProgress?.(this.progress(this.now()))
    callback()
  }

  progress(at = this.now()): TransferProgress {
    const elapsedMs = Math.max(0, at - this.started)
    return {
      bytes: this.bytes,
      totalBytes: this.options.totalBytes,
      bytesPerSecond: elapsedMs > 0 ? Math.round((this.bytes * 1000) / elapsedMs) : 0,
      elapsedMs,
    }
  }

  /** Hex SHA-256 of everything that passed; call once, after the stream ended. */
  digest(): string {
    if (!this.hasher) throw new Error('TransferMeter was created without hashing')
    return this.hasher.digest('hex')
  }
}
