import type { SnapshotTypeStat } from '../../../shared/consul-types'
import type { FollowedFile } from './growing-file'
import type { ByteProgress } from '../../../shared/progress'

/** What save and restore need to know about an archive once the engine verified it completely. */
export interface VerifiedArchive {
  meta: { id: string; index: number; term: number; version: number; size: number }
  stats: SnapshotTypeStat[]
  totalSize: number
  /** Record types 64 and above present in state.bin (Consul Enterprise only). */
  enterpriseTypes: number[]
}

/** Verification reports the one progress shape of every long operation. */
export type VerifyProgress = ByteProgress

/**
 * Full verification of an archive on disk (gzip, tar, SHA256SUMS, meta, state.bin records),
 * throwing SNAPSHOT_* AppErrors. Injected so the transfer code does not depend on how the
 * engine is built, and unit tests can stand in a fake.
 */
export type VerifySnapshot = (
  path: string,
  options: { signal?: AbortSignal; onProgress?: (progress: VerifyProgress) => void },
) => Promise<VerifiedArchive>

/**
 * The same full verification over compressed archive bytes as they arrive (a download being
 * written to disk), so that save reads the bytes once. The source is pulled with backpressure;
 * one that ends early is SNAPSHOT_TRUNCATED. Progress counts compressed bytes, total unknown.
 */
export type VerifySnapshotStream = (
  source: AsyncIterable<Uint8Array>,
  options: { signal?: AbortSignal; onProgress?: (progress: VerifyProgress) => void },
) => Promise<VerifiedArchive>

/**
 * A verification that reads a file behind its writer (save's download): created before the file
 * exists (a worker thread boots meanwhile), then told which file (`follow`), how far it is
 * written (`grown`) and where it ends (`end`). `verdict` settles as soon as the outcome is known
 * (a failure may come before the end); `grown` throws that failure, so the writer stops early.
 * `abort` resolves once nothing reads the file any more, so it may then be removed.
 */
export interface WrittenFileVerification {
  follow(file: FollowedFile): void
  grown(bytes: number): void
  end(bytes: number): void
  readonly verdict: Promise<VerifiedArchive>
  abort(): Promise<void>
}

export type VerifyWrittenFile = (options: {
  signal?: AbortSignal
  onProgress?: (progress: VerifyProgress) => void
}) => WrittenFileVerification
