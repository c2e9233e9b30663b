/** Messages between the host and the catalogue worker thread (structured clone, no bigint). */
import type { AppErrorPayload } from '../../../shared/app-error'
import type { ByteProgress } from '../../../shared/progress'
import type { CataloguePort } from '../host-services'

export type CatalogueMethod = keyof CataloguePort | 'closeAll'

export type ToCatalogueWorker =
  { type: 'call'; id: number; method: CatalogueMethod; args: unknown[] } | { type: 'cancel'; id: number }

export type FromCatalogueWorker =
  | { type: 'progress'; id: number; progress: ByteProgress }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: AppErrorPayload }
