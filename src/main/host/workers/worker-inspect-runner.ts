/**
 * Runs each snapshot scan in its own worker thread (one thread per job keeps cancellation
 * simple: abort asks the worker to stop, and a worker that does not stop is terminated). A few
 * run at once; the others wait (job-slots.ts).
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { AppError } from '../../../shared/app-error'
import type { SnapshotInspectionWire } from '../../../shared/snapshot-wire-types'
import type { ByteProgress } from '../../../shared/progress'
import type { InspectRunner, Work } from '../host-services'
import type { FromWorker, WorkerJob } from './inspect-worker-protocol'
import { createJobSlots } from './job-slots'

export interface WorkerInspectRunnerOptions {
  /** Scans at once (default: the cores, at most 4). */
  maxWorkers?: number
  /** Tests count threads through this. */
  startWorker?: (file: string) => Worker
}

export function createWorkerInspectRunner(
  workerFile: string,
  options: WorkerInspectRunnerOptions = {},
): InspectRunner {
  const slots = createJobSlots(options.maxWorkers ?? Math.min(4, Math.max(1, availableParallelism())))
  const startWorker = options.startWorker ?? ((file: string) => new Worker(file))

  async function run(job: WorkerJob, work: Work<ByteProgress>): Promise<SnapshotInspectionWire> {
    // The slot is held until the thread has exited, not merely answered: it is threads we count.
    const release = await slots.acquire(work.signal)
    return runInWorker(job, work, release)
  }

  function runInWorker(
    job: WorkerJob,
    work: Work<ByteProgress>,
    release: () => void,
  ): Promise<SnapshotInspectionWire> {
    return new Promise((resolve, reject) => {
      if (work.signal.aborted) {
        release()
        reject(new AppError('CANCELLED', 'The operation was cancelled.'))
        return
      }
      let worker: Worker
      try {
        worker = startWorker(workerFile)
      } catch (error) {
        release()
        throw error
      }
      worker.once('exit', release)
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
