import { AppError } from '../../../shared/app-error'
import type { KvPageWire, KvValueWire } from '../../../shared/browse-wire-types'

export interface SnapshotKvEntry {
  key: string
  /** uint64 as a decimal string. */
  flags: string
  value: Buffer
}

/** The KV pairs of an opened snapshot, read on demand. */
export interface SnapshotKeySource {
  /** Every key that starts with `prefix` ('' is all), with its value. */
  entriesUnder(prefix: string, signal?: AbortSignal): AsyncIterable<SnapshotKvEntry>
  /** One key; null when the file does not hold it. */
  entry(key: string): Promise<SnapshotKvEntry | null>
}

/** The browse calls of an opened catalogue (in this process or its worker thread). */
export interface CatalogueKvReader {
  kvList(catalogueId: string, prefix: string, offset: number, limit: number): Promise<KvPageWire>
  kvValue(catalogueId: string, key: string, maxBytes: number): Promise<KvValueWire>
}

const PAGE = 1000
/** Past Consul's own value limit (512 KiB by default) with room; a value is never cut. */
const WHOLE_VALUE = 64 * 1024 * 1024

/**
 * Reads keys through the catalogue's folder listing, so the app uses the catalogue the content
 * browser already opened (in its worker) and the CLI an in-process one, with the same code. A
 * folder row counts the keys at or below it, its own "folder key" included, while listing the
 * folder leaves that key out: the difference says whether it exists.
 */
export function catalogueKeySource(reader: CatalogueKvReader, catalogueId: string): SnapshotKeySource {
  async function entry(key: string): Promise<SnapshotKvEntry | null> {
    let value: KvValueWire
    try {
      value = await reader.kvValue(catalogueId, key, WHOLE_VALUE)
    } catch (error) {
      if (error instanceof AppError && error.code === 'INVALID_ARGUMENT') return null
      throw error
    }
    return { key: value.key, flags: value.flags, value: Buffer.from(value.valueBase64, 'base64') }
  }

  async function* walk(
    folder: string,
    filter: string,
    folderCount: number | null,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<SnapshotKvEntry> {
    let below = 0
    // Advanced by the rows received: a reader may answer fewer than asked for.
    for (let offset = 0; ;) {
      signal?.throwIfAborted()
      const page = await reader.kvList(catalogueId, folder, offset, PAGE)
      offset += page.rows.length
      for (const row of page.rows) {
        below += row.folder ? (row.count ?? 0) : 1
        const wanted = row.key.startsWith(filter) || (row.folder && filter.startsWith(row.key))
        if (!wanted) continue
        if (row.folder) yield* walk(row.key, filter, row.count ?? null, signal)
        else {
          const found = await entry(row.key)
          if (found !== null) yield found
        }
      }
      if (offset >= page.total || page.rows.length === 0) break
    }
    if (folder !== '' && folder.startsWith(filter) && (folderCount === null || folderCount > below)) {
      const own = await entry(folder)
      if (own !== null) yield own
    }
  }

  return {
    entry,
    entriesUnder(prefix, signal) {
      const start = prefix.slice(0, prefix.lastIndexOf('/') + 1)
      return walk(start, prefix, null, signal)
    },
  }
}
