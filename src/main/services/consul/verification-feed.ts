import type { VerifiedArchive, VerifyProgress, VerifySnapshotStream } from './snapshot-engine'

/**
 * How far the download may run ahead of the verifier: chunks wait here (and the download waits
 * for them) rather than piling up in memory when verifying is momentarily slower than the network.
 */
const FEED_HIGH_WATER_BYTES = 4 * 1024 * 1024

/**
 * Hands downloaded chunks to the engine's stream verification as they arrive, so save verifies
 * the archive in the same pass that writes it. `push` resolves once the verifier has room again;
 * when the verifier has already failed it throws that failure, so the download stops early.
 *
 * A plain queue rather than a stream: the verifier takes the very chunks that were pushed, one
 * by one. A PassThrough here measured as a fifth of save's time on the transfer's thread, since
 * reading it concatenated whatever had piled up into a new buffer on every read.
 */
export class VerificationFeed {
  private readonly queue: Uint8Array[] = []
  private queued = 0
  private ended = false
  private aborted = false
  /** The verifier stopped reading. */
  private closed = false
  /** Wakes the verifier waiting for a chunk, or the pusher waiting for room. */
  private wakeReader: (() => void) | null = null
  private wakeWriter: (() => void) | null = null
  private readonly verdict: Promise<VerifiedArchive>
  private readonly settled: Promise<void>
  private failure: { error: unknown } | null = null
  private done = false
  /** Compressed bytes the verifier has taken so far. */
  verifiedBytes = 0

  constructor(verify: VerifySnapshotStream, options: { signal?: AbortSignal }) {
    this.verdict = verify(this.chunks(), {
      signal: options.signal,
      onProgress: (p: VerifyProgress) => {
        this.verifiedBytes = p.bytes
      },
    })
    this.settled = this.verdict.then(
      () => {
        this.done = true
        this.release()
      },
      (error: unknown) => {
        this.done = true
        this.failure = { error }
        this.release()
      },
    )
  }

  /** Returns nothing while the verifier keeps up, a promise to await when it asks to wait. */
  push(chunk: Uint8Array): Promise<void> | undefined {
    if (this.done || this.aborted || this.ended || this.closed) return this.stopped()
    this.queue.push(chunk)
    this.queued += chunk.length
    this.wakeReader?.()
    if (this.queued <= FEED_HIGH_WATER_BYTES) return undefined
    return this.room()
  }

  /** Ends the stream and returns the complete verdict (a short archive is SNAPSHOT_TRUNCATED). */
  finish(): Promise<VerifiedArchive> {
    this.ended = true
    this.wakeReader?.()
    return this.verdict
  }

  /** Stops the verifier when the download failed; its resulting error is not reported. */
  abort(): void {
    if (this.ended && this.queue.length === 0) return
    this.aborted = true
    this.drop()
  }

  /**
   * The queue as the verifier's source. An iterator of our own rather than a generator: when the
   * verifier stops reading (it failed), its return() must answer at once, not after the next push.
   */
  private chunks(): AsyncIterableIterator<Uint8Array> {
    const iterator: AsyncIterableIterator<Uint8Array> = {
      next: () => this.next(),
      return: () => {
        this.closed = true
        this.drop()
        return Promise.resolve({ done: true, value: undefined })
      },
      [Symbol.asyncIterator]: () => iterator,
    }
    return iterator
  }

  private async next(): Promise<IteratorResult<Uint8Array>> {
    for (;;) {
      if (this.aborted) throw new Error('The download feeding the verifier stopped.')
      if (this.closed) return { done: true, value: undefined }
      const chunk = this.queue.shift()
      if (chunk !== undefined) {
        this.queued -= chunk.length
        if (this.queued <= FEED_HIGH_WATER_BYTES) this.wakeWriter?.()
        return { done: false, value: chunk }
      }
      if (this.ended) return { done: true, value: undefined }
      await new Promise<void>((resolve) => {
        this.wakeReader = () => {
          this.wakeReader = null
          resolve()
        }
      })
    }
  }

  private drop(): void {
    this.queue.length = 0
    this.queued = 0
    this.release()
  }

  private release(): void {
    this.wakeReader?.()
    this.wakeWriter?.()
  }

  private async room(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wakeWriter = () => {
        this.wakeWriter = null
        resolve()
      }
    })
    if (this.done || this.aborted || this.closed) await this.stopped()
  }

  private async stopped(): Promise<void> {
    await this.settled
    if (this.failure) throw this.failure.error
    throw new Error('The snapshot verifier finished before the download did.')
  }
}
