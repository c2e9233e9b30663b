import type { ByteProgress } from '../../../shared/progress'
import type { SnapshotMeta } from './snapshot-meta'

export type { SnapshotMeta, SnapshotServer } from './snapshot-meta'

/** One row of inspect's tables: a record type or a KV key group; `sum` in bytes. */
export interface TypeStat {
  name: string
  count: number
  sum: number
  /** The group's raw bytes when they are not valid UTF-8 (`name` then shows U+FFFD for them). */
  nameBytes?: Uint8Array
}

export interface IntegrityReport {
  /** True when SHA256SUMS was present and every listed digest matched. */
  verified: boolean
  /** SHA-256 in lowercase hex. */
  files: { name: string; expected: string; actual: string }[]
}

export interface SnapshotInspection {
  meta: SnapshotMeta
  /** Sorted as Consul does: size descending, then name ascending (byte-wise). */
  stats: TypeStat[]
  /** All state.bin bytes. */
  totalSize: number
  /** Only with kvDetails, and null when no KV record matched (Consul prints no KV table then). */
  kvStats: TypeStat[] | null
  totalSizeKV: number
  integrity: IntegrityReport
  /** Compressed bytes read (the file size for an archive; state.bin's size for a raw state.bin). */
  archiveBytes: number
  /** LastIndex from the state.bin header. */
  lastIndex: bigint
  /** Record type numbers of 64 and above that occur (Consul CE refuses to restore them). */
  enterpriseTypes: number[]
}

/** Compressed bytes of the file read so far, out of the file's size. */
export type ReadProgress = ByteProgress

export interface ScannedRecord {
  type: number
  typeName: string
  /** Offset of the record's type byte in state.bin. */
  offset: number
  /** Bytes as inspect counts them: the type byte, the value, and for the first record the header. */
  size: number
  /** The `Key` of KVS and Tombstone records. */
  key?: string
}

export interface InspectOptions {
  kvDetails?: boolean
  kvDepth?: number
  kvFilter?: string
  signal?: AbortSignal
  onProgress?: (p: ReadProgress) => void
  onRecord?: (r: ScannedRecord) => void
}

export interface VerifyOptions {
  signal?: AbortSignal
  onProgress?: (p: ReadProgress) => void
}
