import { finished, type Readable } from 'node:stream'
import { takeFront } from '../streams/byte-queue'

export interface ReadAheadLimits {
  /** The most bytes handed on in one piece (what is queued is joined up to this). */
  blockBytes: number
  /** How far the download may run ahead of the reader before the source is paused. */
  aheadBytes: number
}

/**
 * A store's download runs ahead of its reader by at most 8 MiB, handed on in pieces of up to
 * 1 MiB (a file's read size in the snapshot engine). Pulled one 64 KiB socket read at a time, the
 * download stopped whenever the checks fell behind and waited for the store to send again when
 * they caught up, and every small piece paid the inflater's and the pipeline's per-call costs:
 * inspect streamed from S3 took 1.9x the time of the local file. Memory stays bounded by the two
 * limits, and nothing is written anywhere.
 */
export const STORED_READ_AHEAD: ReadAheadLimits = { blockBytes: 1 << 20, aheadBytes: 8 << 20 }

/**
 * The source's bytes in order, read eagerly into a bounded queue. An error of the source, or its
 * end before its last byte (a dropped connection), is thrown where the reader meets it; a reader
 * that stops early destroys the source, which ends the download.
 */
export async function* readAhead(
  source: Readable,
  limits: ReadAheadLimits = STORED_READ_AHEAD,
): AsyncGenerator<Buffer> {
  const queue: Buffer[] = []
  let queued = 0
  let ended = false
  let failure: { error: unknown } | null = null
  let wake: (() => void) | null = null
  const notify = () => {
    const resume = wake
    wake = null
    resume?.()
  }
  const onData = (chunk: Buffer) => {
    queue.push(chunk)
    queued += chunk.length
    if (queued >= limits.aheadBytes) source.pause()
    notify()
  }
  source.on('data', onData)
  const stopWatching = finished(source, (error) => {
    if (error) failure = { error }
    else ended = true
    notify()
  })
  try {
    for (;;) {
      if (queued > 0) {
        const block = takeFront(queue, Math.min(queued, limits.blockBytes))
        queued -= block.length
        if (source.isPaused() && queued < limits.aheadBytes / 2) source.resume()
        yield block
        continue
      }
      if (failure !== null) throw (failure as { error: unknown }).error
      if (ended) return
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    source.off('data', onData)
    stopWatching()
    source.destroy()
  }
}
