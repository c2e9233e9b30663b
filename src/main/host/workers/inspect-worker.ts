/**
 * Worker-thread entry (built to out/main/inspect-worker.js): runs one inspect or verify job per
 * thread and reports progress, so the Electron main process and the web host stay responsive
 * while gigabytes stream through the scanner.
 */
import { parentPort } from 'node:worker_threads'
import { toErrorPayload } from '../../../shared/app-error'
import { createInProcessInspectRunner } from './in-process-inspect-runner'
import type { FromWorker, ToWorker } from './inspect-worker-protocol'
import type { ByteProgress } from '../../../shared/progress'

const port = parentPort
if (port === null) throw new Error('inspect-worker must run in a worker thread')

const runner = createInProcessInspectRunner()
const controller = new AbortController()
const post = (message: FromWorker) => port.postMessage(message)

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    controller.abort()
    return
  }
  const work = {
    signal: controller.signal,
    onProgress: (progress: ByteProgress) => post({ type: 'progress', progress }),
  }
  const { job } = message
  const running =
    job.kind === 'inspect' ? runner.inspect(job.path, job.options, work) : runner.verify(job.path, work)
  running.then(
    (result) => post({ type: 'done', result }),
    (error: unknown) => post({ type: 'failed', error: toErrorPayload(error) }),
  )
})
