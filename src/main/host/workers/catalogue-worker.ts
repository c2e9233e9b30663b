/**
 * Worker-thread entry (built to out/main/catalogue-worker.js): holds the open snapshot
 * catalogues and answers browse calls, so building a catalogue of a multi-gigabyte snapshot,
 * paging and searching it never run on the Electron main process or the web host's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { toErrorPayload } from '../../../shared/app-error'
import { createCataloguePort } from './catalogue-port'
import type { FromCatalogueWorker, ToCatalogueWorker } from './catalogue-worker-protocol'

const port = parentPort
if (port === null) throw new Error('catalogue-worker must run in a worker thread')

const options = (workerData ?? {}) as { spillDir?: string }
const catalogues = createCataloguePort({ spillDir: options.spillDir })
const running = new Map<number, AbortController>()
const post = (message: FromCatalogueWorker) => port.postMessage(message)

async function call(message: Extract<ToCatalogueWorker, { type: 'call' }>): Promise<unknown> {
  const args = message.args
  switch (message.method) {
    case 'open': {
      const controller = new AbortController()
      running.set(message.id, controller)
      try {
        return await catalogues.open(String(args[0]), {
          signal: controller.signal,
          onProgress: (progress) => post({ type: 'progress', id: message.id, progress }),
        })
      } finally {
        running.delete(message.id)
      }
    }
    case 'close':
      return catalogues.close(String(args[0]))
    case 'kvList':
      return catalogues.kvList(String(args[0]), String(args[1]), Number(args[2]), Number(args[3]))
    case 'kvValue':
      return catalogues.kvValue(String(args[0]), String(args[1]), Number(args[2]))
    case 'records':
      return catalogues.records(
        String(args[0]),
        args[1] as Parameters<typeof catalogues.records>[1],
        Number(args[2]),
        Number(args[3]),
      )
    case 'revealSecret':
      return catalogues.revealSecret(
        String(args[0]),
        args[1] as Parameters<typeof catalogues.revealSecret>[1],
        String(args[2]),
        String(args[3]),
      )
    case 'search':
      return catalogues.search(String(args[0]), String(args[1]), Number(args[2]))
    case 'closeAll':
      return catalogues.closeAll()
  }
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
