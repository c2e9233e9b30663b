/**
 * Snapshot results as they cross the API. Raft indexes, terms and byte totals are 64-bit values
 * in Consul; JSON and structured clone only carry them safely as text, so every such field is a
 * decimal string here (the main side converts from bigint, the renderer formats the text).
 */

/** A 64-bit unsigned integer written in decimal, e.g. "18446744073709551615". */
export type Uint64String = string

/** Where a snapshot lives: a file the host can read, or a file uploaded to the browser-mode host. */
export type SnapshotSource = { kind: 'path'; path: string } | { kind: 'upload'; uploadId: string }

/** A source together with a name to show, as the client's file helpers hand it out. */
export type SnapshotSourceRef = SnapshotSource & { name: string }

export interface SnapshotMetaWire {
  id: string
  size: Uint64String
  index: Uint64String
  term: Uint64String
  version: number
}

/** One row of `consul snapshot inspect`'s tables: a record type or a KV key group. */
export interface SnapshotStatWire {
  name: string
  count: number
  sum: Uint64String
}

export interface SnapshotInspectionWire {
  meta: SnapshotMetaWire
  stats: SnapshotStatWire[]
  /** Null unless KV details were asked for and some key matched. */
  statsKV: SnapshotStatWire[] | null
  totalSize: Uint64String
  totalSizeKV: Uint64String
  /** What `consul snapshot inspect` prints for the same file, pretty and `-format json`. */
  text: { pretty: string; json: string }
  /** Anything else the engine reports that has no fixed column, already bigint-safe. */
  extra: Record<string, JsonValue>
}

export interface InspectProgress {
  bytesDone: number
  /** Archive size when known. */
  bytesTotal: number | null
  records: number | null
}

export interface VerifyResultWire {
  /** True when the archive, its checksums and meta.json size all agree. */
  valid: boolean
  meta: SnapshotMetaWire | null
  /** Extra facts the verifier reports (checksums, sizes), bigint-safe. */
  details: Record<string, JsonValue>
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
