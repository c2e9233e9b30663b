/**
 * Growth over time: how each record type and the biggest KV prefixes of a cluster's backups grew
 * from backup to backup. Each file's statistics are those of `consul snapshot inspect -kvdetails`,
 * computed once per file content (its SHA-256) and cached by the host.
 */
import type { Uint64String } from './snapshot-wire-types'

export interface GrowthBackup {
  name: string
  /** SHA-256 of the archive, lowercase hex: the cache key. */
  sha256: string
  /** Archive bytes (compressed). */
  archiveBytes: number
  /** Raft index of the snapshot, the order of the series. */
  index: Uint64String
  /** From the Enterprise name `consul-<ns>.snap` when it has one, else the file's modification time. */
  takenAt: string
  /** state.bin bytes as inspect counts them. */
  totalSize: number
  totalSizeKV: number
  /** True when the statistics came from the cache, not a fresh read. */
  cached: boolean
}

/** One record type or KV prefix across the backups, oldest first. */
export interface GrowthSeries {
  kind: 'type' | 'kv'
  name: string
  /** Bytes per backup; null where it is unknown (a KV prefix beyond what a file's statistics kept). */
  sums: Array<number | null>
  counts: Array<number | null>
  /** Bytes from the first to the last backup where both are known. */
  change: number
}

export interface GrowthMover {
  kind: 'type' | 'kv'
  name: string
  fromBytes: number
  toBytes: number
  change: number
  /** toBytes / fromBytes; null when it started at zero. */
  ratio: number | null
  /** The step with the biggest change: backup positions in `backups`. */
  biggestStep: { from: number; to: number; change: number } | null
}

export interface GrowthReport {
  folder: string
  kvDepth: number
  backups: GrowthBackup[]
  types: GrowthSeries[]
  kvPrefixes: GrowthSeries[]
  /** Largest absolute changes first. */
  movers: GrowthMover[]
  /** Files that could not be read as snapshots, with the reason; they are left out of the series. */
  skipped: Array<{ name: string; reason: string }>
  cache: { hits: number; misses: number }
}

/** Progress of growth.analyse: files done out of files found, and bytes of the file being read. */
export interface GrowthProgress {
  filesDone: number
  totalFiles: number
  file: string
  bytes: number
  totalBytes: number | null
}
