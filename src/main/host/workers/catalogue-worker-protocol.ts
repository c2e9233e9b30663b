/**
 * Messages between the host and the catalogue worker thread (structured clone, no bigint). Each
 * method names the arguments that cross the thread line and the answer that comes back, so
 * both ends are checked against the same table instead of casting `unknown[]`.
 */
import type { AppErrorPayload } from '../../../shared/app-error'
import type { ByteProgress } from '../../../shared/progress'
import type { CataloguePort } from '../host-services'

export type CatalogueMethod = keyof CataloguePort | 'closeAll'

/** `open`'s Work (signal, progress callback) stays on the host: cancel and progress are messages. */
type WireArgs<M extends CatalogueMethod> = M extends 'open'
  ? [path: string]
  : M extends keyof CataloguePort
    ? Parameters<CataloguePort[M]>
    : []

type WireResult<M extends CatalogueMethod> = M extends keyof CataloguePort
  ? Awaited<ReturnType<CataloguePort[M]>>
  : void

export type CatalogueCalls = { [M in CatalogueMethod]: { args: WireArgs<M>; result: WireResult<M> } }

export type CatalogueCallMessage = {
  [M in CatalogueMethod]: { type: 'call'; id: number; method: M; args: CatalogueCalls[M]['args'] }
}[CatalogueMethod]

export type ToCatalogueWorker = CatalogueCallMessage | { type: 'cancel'; id: number }

export type FromCatalogueWorker =
  | { type: 'progress'; id: number; progress: ByteProgress }
  /** The answer to call `id`; its type is CatalogueCalls[method]['result'] of that call. */
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: AppErrorPayload }
