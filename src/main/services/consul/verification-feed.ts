import { PassThrough } from 'node:stream'
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
 */
export class VerificationFeed {
  private readonly input = new PassThrough({ highWaterMark: FEED_HIGH_WATER_BYTES })
  private readonly verdict: Promise<VerifiedArchive>
  private readonly settled: Promise<void>
  private failure: { error: unknown } | null = null
  private done = false
  /** Compressed bytes the verifier has taken so far. */
  verifiedBytes = 0

  constructor(verify: VerifySnapshotStream, options: { signal?: AbortSignal }) {
    // The verifier's pipeline reports every failure through the verdict; an unheard 'error'
    // event on the feed would otherwise crash the process.
    this.input.on('error', () => undefined)
    this.verdict = verify(this.input, {
      signal: options.signal,
      onProgress: (p: VerifyProgress) => {
        this.verifiedBytes = p.bytes
      },
    })
    this.settled = this.verdict.then(
      () => {
        this.done = true
      },
      (error: unknown) => {
        this.done = true
        this.failure = { error }
      },
    )
  }

  /** Returns nothing while the verifier keeps up, a promise to await when it asks to wait. */
  push(chunk: Uint8Array): Promise<void> | undefined {
    if (this.done || this.input.destroyed) return this.stopped()
    if (this.input.write(chunk)) return undefined
    return this.drained()
  }

  /** Ends the stream and returns the complete verdict (a short archive is SNAPSHOT_TRUNCATED). */
  finish(): Promise<VerifiedArchive> {
    if (!this.input.destroyed) this.input.end()
    return this.verdict
  }

  /** Stops the verifier when the download failed; its resulting error is not reported. */
  abort(): void {
    this.input.destroy()
  }

  private async drained(): Promise<void> {
    let release = (): void => undefined
    const room = new Promise<void>((resolve) => {
      release = () => {
        this.input.off('drain', release)
        this.input.off('close', release)
        resolve()
      }
      this.input.on('drain', release)
      this.input.on('close', release)
    })
    await Promise.race([room, this.settled])
    release()
    if (this.done || this.input.destroyed) await this.stopped()
  }

  private async stopped(): Promise<void> {
    await this.settled
    if (this.failure) throw this.failure.error
    throw new Error('The snapshot verifier finished before the download did.')
  }
}
