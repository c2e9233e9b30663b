/** Messages between a transfer and the thread that verifies its bytes (structured clone). */
import type { AppErrorPayload } from '../../../shared/app-error'
import type { VerifiedArchive } from './snapshot-engine'

export type ToVerifier =
  /** Compressed archive bytes, in order; the buffer is transferred, not copied. */
  { type: 'chunk'; bytes: ArrayBuffer } | { type: 'end' } | { type: 'cancel' }

export type FromVerifier =
  /** The verifier took this many bytes off its queue: the sender may send that much more. */
  | { type: 'consumed'; bytes: number }
  | { type: 'progress'; bytes: number }
  | { type: 'verdict'; archive: VerifiedArchive }
  | { type: 'failed'; error: AppErrorPayload }
