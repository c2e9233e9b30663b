/** Messages between a transfer and the thread that verifies its bytes (structured clone). */
import type { AppErrorPayload } from '../../../shared/app-error'
import type { FollowedFile } from './growing-file'
import type { VerifiedArchive } from './snapshot-engine'

/**
 * The first message sets the worker's source for good: `chunk` (bytes sent to it, as a restore
 * uploads them) or `follow` (a file it reads behind its writer, as a save downloads it).
 */
export type ToVerifier =
  /** Compressed archive bytes, in order; the buffer is transferred, not copied. */
  | { type: 'chunk'; bytes: ArrayBuffer }
  | { type: 'end' }
  | { type: 'follow'; file: FollowedFile }
  /** The followed file is written up to `bytes`; `ended`: and ends there. */
  | { type: 'grown'; bytes: number }
  | { type: 'ended'; bytes: number }
  | { type: 'cancel' }

export type FromVerifier =
  /** The verifier took this many bytes off its queue: the sender may send that much more. */
  | { type: 'consumed'; bytes: number }
  | { type: 'progress'; bytes: number }
  | { type: 'verdict'; archive: VerifiedArchive }
  | { type: 'failed'; error: AppErrorPayload }
