/**
 * Snapshot results as they cross the API. Raft indexes, terms and byte totals are 64-bit values
 * in Consul; JSON and structured clone only carry them safely as text, so every such field is a
 * decimal string here (the main side converts from bigint, the renderer formats the text).
 */

/** A 64-bit unsigned integer written in decimal, e.g. "18446744073709551615". */
export type Uint64String = string

/** Where a snapshot lives: a file the host can read, or a file uploaded to the browser-mode host. */
/**
 * The key for an age-encrypted file, typed into the app's prompt and sent with each request that
 * reads the file; the host never stores it. The field names end in "secret"/"passphrase" so the
 * log redaction masks them by name.
 */
export interface SourceDecryption {
  /** Identity file text (`AGE-SECRET-KEY-1…`, comments allowed). */
  identitySecret?: string
  passphrase?: string
}

export type SnapshotSource = ({ kind: 'path'; path: string } | { kind: 'upload'; uploadId: string }) & {
  decryption?: SourceDecryption
}

/** A source together with a name to show, as the client's file helpers hand it out. */
export type SnapshotSourceRef = SnapshotSource & { name: string }

export interface SnapshotMetaWire {
  id: string
  size: Uint64String
  index: Uint64String
  term: Uint64String
  version: number
  configurationIndex: Uint64String
  servers: Array<{ suffrage: number; id: string; address: string }>
  /** Base64 of the deprecated Peers field, or null. */
  peers: string | null
}

/** One row of `consul snapshot inspect`'s tables: a record type or a KV key group; `sum` in bytes. */
export interface SnapshotStatWire {
  name: string
  count: number
  sum: number
}

export interface IntegrityWire {
  /** True when SHA256SUMS was present and every listed digest matched. */
  verified: boolean
  files: Array<{ name: string; expected: string; actual: string }>
}

/** A verified snapshot's contents summary, as `consul snapshot inspect` reports it, and more. */
export interface SnapshotInspectionWire {
  meta: SnapshotMetaWire
  /** Sorted as Consul does: size descending, then name ascending. */
  stats: SnapshotStatWire[]
  /** All state.bin bytes. */
  totalSize: number
  /** Null unless KV details were asked for and some key matched. */
  kvStats: SnapshotStatWire[] | null
  totalSizeKV: number
  integrity: IntegrityWire
  /** Compressed bytes read: the file's size. */
  archiveBytes: number
  /** LastIndex of the state.bin header. */
  lastIndex: Uint64String
  /** Record types ≥ 64 present (Consul Enterprise data that CE refuses to restore). */
  enterpriseTypes: number[]
  /** What `consul snapshot inspect` prints for the same file, pretty and `-format json`. */
  text: { pretty: string; json: string }
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** A file the user opened recently, newest first in lists. */
export interface RecentFile {
  path: string
  name: string
  openedAt: string
}

export interface UploadedFile {
  uploadId: string
  name: string
  size: number
}

/**
 * restore.verify answers the full inspection (a snapshot that fails verification is an error,
 * never a result with valid: false), so the verify result is the inspection itself.
 */
export type VerifyResultWire = SnapshotInspectionWire
