/** Messages between the host and the inspect worker thread (structured clone, no bigint inside). */
import type { AppErrorPayload } from '../../../shared/app-error'
import type { SnapshotInspectionWire } from '../../../shared/snapshot-wire-types'
import type { ByteProgress } from '../../../shared/progress'
import type { InspectOptions } from '../host-services'

export type WorkerJob =
  { kind: 'inspect'; path: string; options: InspectOptions } | { kind: 'verify'; path: string }

export type ToWorker = { type: 'run'; job: WorkerJob } | { type: 'cancel' }

export type FromWorker =
  | { type: 'progress'; progress: ByteProgress }
  | { type: 'done'; result: SnapshotInspectionWire }
  | { type: 'failed'; error: AppErrorPayload }
