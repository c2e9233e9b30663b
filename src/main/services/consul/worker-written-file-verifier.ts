/**
 * Save's verification in its own worker thread: the worker reads the downloaded file behind the
 * download (see GrowingFile) and does all the CPU work, so the transfer's thread only receives,
 * hashes and writes. Nothing of the archive crosses between the threads: only how far the file
 * is written, and the verdict.
 */
import { Worker } from 'node:worker_threads'
import { AppError } from '../../../shared/app-error'
import type { FollowedFile } from './growing-file'
import type { VerifiedArchive, VerifyWrittenFile, WrittenFileVerification } from './snapshot-engine'
import { listenToVerifier, type VerifierOutcome } from './verifier-worker-outcome'
import type { ToVerifier } from './verify-stream-protocol'

export function createWorkerWrittenFileVerifier(workerFile: string): VerifyWrittenFile {
  return (options) => new WorkerVerification(workerFile, options)
}

class WorkerVerification implements WrittenFileVerification {
  readonly verdict: Promise<VerifiedArchive>
  private readonly worker: Worker
  private readonly stopped: Promise<void>
  private failure: { error: unknown } | null = null
  private settled = false
  private settle!: (outcome: VerifierOutcome) => void

  constructor(workerFile: string, options: Parameters<VerifyWrittenFile>[0]) {
    this.verdict = new Promise<VerifiedArchive>((resolve, reject) => {
      this.settle = (outcome) => {
        if (this.settled) return
        this.settled = true
        options.signal?.removeEventListener('abort', onAbort)
        if ('archive' in outcome) resolve(outcome.archive)
        else {
          this.failure = { error: outcome.error }
          reject(outcome.error)
        }
        // The worker closes the file as it ends; terminating it makes sure of that.
        void this.worker.terminate()
      }
    })
    this.verdict.catch(() => undefined)
    const onAbort = () => this.settle({ error: cancelled() })
    this.worker = new Worker(workerFile)
    this.stopped = new Promise((resolve) => this.worker.once('exit', () => resolve()))
    if (options.signal?.aborted) {
      this.settle({ error: cancelled() })
      return
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    listenToVerifier(this.worker, {
      onProgress: options.onProgress,
      settle: (outcome) => this.settle(outcome),
    })
  }

  follow(file: FollowedFile): void {
    this.send({ type: 'follow', file })
  }

  grown(bytes: number): void {
    if (this.failure !== null) throw this.failure.error
    this.send({ type: 'grown', bytes })
  }

  end(bytes: number): void {
    this.send({ type: 'ended', bytes })
  }

  /** Resolves once the worker thread has stopped, and with it any read of the file. */
  async abort(): Promise<void> {
    this.settle({ error: cancelled() })
    await this.stopped
  }

  private send(message: ToVerifier): void {
    if (!this.settled) this.worker.postMessage(message)
  }
}

function cancelled(): AppError {
  return new AppError('CANCELLED', 'The operation was cancelled.')
}
