import type { Readable } from 'node:stream'

/**
 * Where verified backups go. Every store (local folder now; S3, Azure Blob, GCS later) offers the
 * same four operations, so the cycle, retention and the app's plans never know which one they
 * talk to.
 */
export interface BackupEntry {
  /** The object's name inside the destination, e.g. `consul-1479360073448728784.snap`. */
  name: string
  size: number
  modifiedAt: Date
  /** A sidecar (`<name>.json`) is stored with it and goes when it goes. */
  hasSidecar: boolean
}

export interface ListPage {
  entries: BackupEntry[]
  /** Pass back as `cursor` for the next page; null when this was the last. */
  next: string | null
}

export interface PutSource {
  /** A fully verified file; the destination never sees anything else. */
  path: string
  size: number
  /** Stored beside the snapshot under `<name>.json`. */
  sidecarPath?: string | null
}

/** Bytes made while they go up (the age encryption of a verified snapshot), of a size known first. */
export interface StreamedPutSource {
  size: number
  /** The bytes in order; read to their end, where their producer makes its last checks. */
  pieces: AsyncIterator<Buffer[]>
  /** Names the source in errors. */
  label: string
  sidecarPath?: string | null
}

export interface Destination {
  /** Shown in logs and the journal, e.g. `local:/var/backups/consul`; never carries secrets. */
  readonly description: string
  /**
   * Stores `source` under `name` atomically: readers see the whole object or nothing. Refuses to
   * replace an existing object of the same name.
   */
  put(name: string, source: PutSource, signal?: AbortSignal): Promise<{ location: string }>
  /**
   * As `put`, for bytes made on the way, where a store takes them without a scratch copy first:
   * the cycle then encrypts a snapshot while it uploads instead of before.
   */
  putStream?(name: string, source: StreamedPutSource, signal?: AbortSignal): Promise<{ location: string }>
  list(options?: { cursor?: string | null; limit?: number }): Promise<ListPage>
  /** Removes the object and its sidecar. Removing what is not there is not an error. */
  delete(name: string): Promise<void>
  openRead(name: string): Promise<Readable>
  /**
   * Ends the store client's connections (keep-alive sockets would otherwise stay open to the
   * store, or keep the process alive). Whoever created the destination closes it when done with
   * it; it is unusable afterwards.
   */
  close(): Promise<void>
}

/** Every entry of a destination, page by page. */
export async function listAll(destination: Destination, pageSize = 1000): Promise<BackupEntry[]> {
  const all: BackupEntry[] = []
  let cursor: string | null = null
  do {
    const page: ListPage = await destination.list({ cursor, limit: pageSize })
    all.push(...page.entries)
    cursor = page.next
  } while (cursor !== null)
  return all
}
