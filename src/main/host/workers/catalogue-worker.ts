/**
 * Worker-thread entry (built to out/main/catalogue-worker.js): holds the open snapshot
 * catalogues and answers browse calls, so building a catalogue of a multi-gigabyte snapshot,
 * paging and searching it never run on the Electron main process or the web host's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { toErrorPayload } from '../../../shared/app-error'
import { createCataloguePort } from './catalogue-port'
import type {
  CatalogueCallMessage,
  CatalogueCalls,
  CatalogueMethod,
  FromCatalogueWorker,
  ToCatalogueWorker,
} from './catalogue-worker-protocol'

const port = parentPort
if (port === null) throw new Error('catalogue-worker must run in a worker thread')

const options = (workerData ?? {}) as { spillDir?: string }
const catalogues = createCataloguePort({ spillDir: options.spillDir })
const running = new Map<number, AbortController>()
const post = (message: FromCatalogueWorker) => port.postMessage(message)

/** One answer per method, checked against the protocol's table: no argument is cast. */
const answers: {
  [M in CatalogueMethod]: (
    args: CatalogueCalls[M]['args'],
    id: number,
  ) => Promise<CatalogueCalls[M]['result']>
} = {
  async open([path], id) {
    const controller = new AbortController()
    running.set(id, controller)
    try {
      return await catalogues.open(path, {
        signal: controller.signal,
        onProgress: (progress) => post({ type: 'progress', id, progress }),
      })
    } finally {
      running.delete(id)
    }
  },
  close: (args) => catalogues.close(...args),
  kvList: (args) => catalogues.kvList(...args),
  kvValue: (args) => catalogues.kvValue(...args),
  records: (args) => catalogues.records(...args),
  revealSecret: (args) => catalogues.revealSecret(...args),
  search: (args) => catalogues.search(...args),
  closeAll: () => catalogues.closeAll(),
}

function call<M extends CatalogueMethod>(message: CatalogueCallMessage & { method: M }): Promise<unknown> {
  const answer = answers[message.method] as (
    args: CatalogueCalls[M]['args'],
    id: number,
  ) => Promise<CatalogueCalls[M]['result']>
  return answer(message.args as CatalogueCalls[M]['args'], message.id)
}

port.on('message', (message: ToCatalogueWorker) => {
  if (message.type === 'cancel') {
    running.get(message.id)?.abort()
    return
  }
  call(message).then(
    (value) => post({ type: 'result', id: message.id, value }),
    (error: unknown) => post({ type: 'error', id: message.id, error: toErrorPayload(error) }),
  )
})
