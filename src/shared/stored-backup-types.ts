/**
 * Backups as they sit in a plan's destination (a folder, S3, Azure Blob, GCS), as the Backups
 * view sees them. Raft indexes are decimal strings, as everywhere on the wire.
 */
import type { Uint64String } from './snapshot-wire-types'

/** Where a fact about a stored backup came from: its sidecar (`<name>.json`), its name, or nowhere. */
export type StoredBackupFactsSource = 'sidecar' | 'name' | 'none'

export interface StoredBackupView {
  /** The object's name inside the destination (its prefix left out). */
  name: string
  size: number
  /** When the store last wrote it (ISO 8601). */
  modifiedAt: string
  /** When the snapshot was taken, from the sidecar or the name; null when neither says. */
  takenAt: string | null
  /** Age-encrypted (`….age`): reading it needs the key. */
  encrypted: boolean
  /** The connection (profile) it was saved from, when known. */
  cluster: string | null
  datacenter: string | null
  index: Uint64String | null
  consulVersion: string | null
  factsFrom: StoredBackupFactsSource
  /** Why the sidecar beside it was not believed or could not be read; null when there is none or it was. */
  sidecarProblem: string | null
}

export interface StoredBackupList {
  /** The destination as logs name it (never with secrets), e.g. `s3://bucket/prefix`. */
  destination: string
  /** Newest first. */
  backups: StoredBackupView[]
}

export interface StoredBackupDownload {
  /** Where the verified copy was written on the host. */
  path: string
  size: number
  /** The raft index of the snapshot inside, as verification read it. */
  index: Uint64String
}

export interface StoredBackupCheck {
  name: string
  ok: boolean
  /** Set when sound. */
  index: Uint64String | null
  /** Set when damaged or unreadable: what is wrong, in the engine's words. */
  code: string | null
  message: string | null
}

export interface StoredBackupVerifyReport {
  checks: StoredBackupCheck[]
  sound: number
  damaged: number
}

/** Progress of verifying several stored backups: which one, and how far into it. */
export interface StoredVerifyProgress {
  done: number
  total: number
  name: string
  bytes: number
  totalBytes: number | null
}
