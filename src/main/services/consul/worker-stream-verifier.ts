/**
 * The stream verification of save and restore, run in its own worker thread: the transfer's
 * thread batches the bytes into 1 MiB copies and hands them over, the worker does the CPU work
 * (gunzip, SHA-256, tar, every record). On two cores that is the difference between verifying
 * after the transfer and verifying during it.
 */
import { Worker } from 'node:worker_threads'
import { AppError } from '../../../shared/app-error'
import type { VerifiedArchive, VerifySnapshotStream } from './snapshot-engine'
import { listenToVerifier } from './verifier-worker-outcome'
import type { ToVerifier } from './verify-stream-protocol'

/** Bytes copied into one message. */
const BATCH_BYTES = 1024 * 1024
/** Bytes sent but not yet taken by the verifier; the source is not pulled past this. */
const IN_FLIGHT_BYTES = 4 * 1024 * 1024

export function createWorkerStreamVerifier(workerFile: string): VerifySnapshotStream {
  return (source, options) => {
    // A promise in every case, as the in-process verifier gives: callers await the verdict.
    if (options.signal?.aborted)
      return Promise.reject(new AppError('CANCELLED', 'The operation was cancelled.'))
    const worker = new Worker(workerFile)
    const send = (message: ToVerifier, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer)
    let inFlight = 0
    let roomOrVerdict: (() => void) | null = null
    let settled = false
    const notify = () => {
      roomOrVerdict?.()
      roomOrVerdict = null
    }

    let batch: Uint8Array[] = []
    let batched = 0
    const flush = () => {
      if (batched === 0) return
      // A fresh ArrayBuffer of exactly the batch: transferring it moves it without a second copy,
      // and never detaches memory the sender still uses.
      const copy = new Uint8Array(new ArrayBuffer(batched))
      let at = 0
      for (const chunk of batch) {
        copy.set(chunk, at)
        at += chunk.length
      }
      inFlight += batched
      send({ type: 'chunk', bytes: copy.buffer }, [copy.buffer])
      batch = []
      batched = 0
    }

    const verdict = new Promise<VerifiedArchive>((resolve, reject) => {
      const settle = (action: () => void) => {
        if (settled) return
        settled = true
        options.signal?.removeEventListener('abort', onAbort)
        action()
        notify()
        void worker.terminate()
      }
      const onAbort = () => {
        send({ type: 'cancel' })
        settle(() => reject(new AppError('CANCELLED', 'The operation was cancelled.')))
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      listenToVerifier(worker, {
        onProgress: options.onProgress,
        onConsumed: (bytes) => {
          inFlight -= bytes
          if (inFlight <= IN_FLIGHT_BYTES) notify()
        },
        settle: (outcome) =>
          settle(() => ('archive' in outcome ? resolve(outcome.archive) : reject(outcome.error))),
      })
      const pumped = pump()
      // A source that fails (the download broke) ends the verification with that failure.
      pumped.catch((error: unknown) => settle(() => reject(error)))
    })

    async function pump(): Promise<void> {
      for await (const chunk of source) {
        if (settled) return
        batch.push(chunk)
        batched += chunk.length
        if (batched < BATCH_BYTES) continue
        flush()
        while (inFlight > IN_FLIGHT_BYTES && !settled) await new Promise<void>((r) => (roomOrVerdict = r))
        if (settled) return
      }
      if (settled) return
      flush()
      send({ type: 'end' })
    }

    return verdict
  }
}
