/**
 * The catalogue port served from one long-lived worker thread (catalogues are stateful, so they
 * live where they were built). If the worker dies, pending calls fail with a clear error and the
 * next call starts a fresh worker; snapshots then need opening again.
 */
import { Worker } from 'node:worker_threads'
import { AppError } from '../../../shared/app-error'
import type { ByteProgress } from '../../../shared/progress'
import type { CataloguePort } from '../host-services'
import type {
  CatalogueCallMessage,
  CatalogueCalls,
  CatalogueMethod,
  FromCatalogueWorker,
  ToCatalogueWorker,
} from './catalogue-worker-protocol'

interface Pending {
  resolve(value: unknown): void
  reject(error: unknown): void
  onProgress?: (progress: ByteProgress) => void
}

export function createWorkerCataloguePort(
  workerFile: string,
  options: { spillDir?: string } = {},
): CataloguePort & { closeAll(): Promise<void> } {
  let worker: Worker | null = null
  let nextId = 1
  const pending = new Map<number, Pending>()

  function failAll(reason: string): void {
    const error = new AppError('INTERNAL', `The snapshot browser stopped: ${reason}.`, {
      hint: 'Open the snapshot again.',
    })
    for (const call of pending.values()) call.reject(error)
    pending.clear()
  }

  function ensureWorker(): Worker {
    if (worker !== null) return worker
    const started = new Worker(workerFile, { workerData: { spillDir: options.spillDir } })
    started.on('message', (message: FromCatalogueWorker) => {
      const call = pending.get(message.id)
      if (call === undefined) return
      if (message.type === 'progress') {
        call.onProgress?.(message.progress)
        return
      }
      pending.delete(message.id)
      if (pending.size === 0) started.unref()
      if (message.type === 'result') call.resolve(message.value)
      else call.reject(AppError.fromPayload(message.error))
    })
    started.on('error', (error) => failAll(error.message))
    started.on('exit', (code) => {
      if (worker === started) worker = null
      failAll(`its worker exited (code ${code})`)
    })
    // An idle worker must not keep a CLI process alive.
    started.unref()
    worker = started
    return started
  }

  function call<M extends CatalogueMethod>(
    method: M,
    args: CatalogueCalls[M]['args'],
    extra: { signal?: AbortSignal; onProgress?: Pending['onProgress'] } = {},
  ): Promise<CatalogueCalls[M]['result']> {
    type Result = CatalogueCalls[M]['result']
    const target = ensureWorker()
    const id = nextId++
    return new Promise<Result>((resolve, reject) => {
      if (extra.signal?.aborted) {
        reject(new AppError('CANCELLED', 'The operation was cancelled.'))
        return
      }
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress: extra.onProgress })
      // A call in flight keeps the process alive (closeAll at exit must finish); idle, it does not.
      target.ref()
      extra.signal?.addEventListener(
        'abort',
        () => target.postMessage({ type: 'cancel', id } satisfies ToCatalogueWorker),
        { once: true },
      )
      target.postMessage({
        type: 'call',
        id,
        method,
        args,
      } as CatalogueCallMessage satisfies ToCatalogueWorker)
    })
  }

  return {
    open: (path, work) => call('open', [path], { signal: work.signal, onProgress: work.onProgress }),
    close: (catalogueId) => call('close', [catalogueId]),
    kvList: (catalogueId, prefix, offset, limit) => call('kvList', [catalogueId, prefix, offset, limit]),
    kvValue: (catalogueId, key, maxBytes) => call('kvValue', [catalogueId, key, maxBytes]),
    records: (catalogueId, kind, offset, limit) => call('records', [catalogueId, kind, offset, limit]),
    revealSecret: (catalogueId, kind, id, field) => call('revealSecret', [catalogueId, kind, id, field]),
    search: (catalogueId, query, limit) => call('search', [catalogueId, query, limit]),
    async closeAll() {
      if (worker === null) return
      const current = worker
      await call('closeAll', []).catch(() => undefined)
      worker = null
      await current.terminate()
    },
  }
}
