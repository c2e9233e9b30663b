/**
 * Runs each snapshot scan in its own worker thread (one thread per job keeps cancellation
 * simple: abort asks the worker to stop, and a worker that does not stop is terminated).
 */
import { Worker } from 'node:worker_threads'
import { AppError } from '../../../shared/app-error'
import type { SnapshotInspectionWire } from '../../../shared/snapshot-wire-types'
import type { InspectRunner, Work } from '../host-services'
import type { FromWorker, WorkerJob } from './inspect-worker-protocol'
import type { InspectProgress } from '../../../shared/snapshot-wire-types'

export function createWorkerInspectRunner(workerFile: string): InspectRunner {
  function run(job: WorkerJob, work: Work<InspectProgress>): Promise<SnapshotInspectionWire> {
    return new Promise((resolve, reject) => {
      if (work.signal.aborted) {
        reject(new AppError('CANCELLED', 'The operation was cancelled.'))
        return
      }
      const worker = new Worker(workerFile)
      let settled = false
      const settle = (action: () => void) => {
        if (settled) return
        settled = true
        work.signal.removeEventListener('abort', onAbort)
        action()
        void worker.terminate()
      }
      const onAbort = () => {
        worker.postMessage({ type: 'cancel' })
        settle(() => reject(new AppError('CANCELLED', 'The operation was cancelled.')))
      }
      work.signal.addEventListener('abort', onAbort, { once: true })
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'progress') work.onProgress(message.progress)
        else if (message.type === 'done') settle(() => resolve(message.result))
        else settle(() => reject(AppError.fromPayload(message.error)))
      })
      worker.on('error', (error) =>
        settle(() =>
          reject(new AppError('INTERNAL', `The snapshot worker failed: ${error.message}`, { cause: error })),
        ),
      )
      worker.on('exit', (code) =>
        settle(() =>
          reject(
            new AppError('INTERNAL', `The snapshot worker stopped (exit code ${code}) before answering.`),
          ),
        ),
      )
      worker.postMessage({ type: 'run', job })
    })
  }

  return {
    inspect: (path, options, work) => run({ kind: 'inspect', path, options }, work),
    verify: (path, work) => run({ kind: 'verify', path }, work),
  }
}
