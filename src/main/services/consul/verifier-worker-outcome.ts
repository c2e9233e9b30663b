import type { Worker } from 'node:worker_threads'
import { AppError } from '../../../shared/app-error'
import type { VerifiedArchive } from './snapshot-engine'
import type { FromVerifier } from './verify-stream-protocol'

export type VerifierOutcome = { archive: VerifiedArchive } | { error: unknown }

export interface VerifierListeners {
  onProgress?: (progress: { bytes: number; totalBytes: null }) => void
  /** The verifier took this many bytes off its queue (stream verification only). */
  onConsumed?: (bytes: number) => void
  /** Called for the verdict, a failure, or the worker's end; first call wins, the caller decides. */
  settle: (outcome: VerifierOutcome) => void
}

/**
 * How a verification worker's thread ends, told one way for both verifiers (bytes sent to it, or
 * a file it follows): its verdict, its typed failure, a crash, or an exit without a verdict.
 */
export function listenToVerifier(worker: Worker, listeners: VerifierListeners): void {
  worker.on('message', (message: FromVerifier) => {
    if (message.type === 'consumed') listeners.onConsumed?.(message.bytes)
    else if (message.type === 'progress') listeners.onProgress?.({ bytes: message.bytes, totalBytes: null })
    else if (message.type === 'verdict') listeners.settle({ archive: message.archive })
    else listeners.settle({ error: AppError.fromPayload(message.error) })
  })
  worker.on('error', (error) =>
    listeners.settle({
      error: new AppError('INTERNAL', `The verification worker failed: ${error.message}`, { cause: error }),
    }),
  )
  worker.on('exit', (code) =>
    listeners.settle({
      error: new AppError(
        'INTERNAL',
        `The verification worker stopped (exit code ${code}) before its verdict.`,
      ),
    }),
  )
}
