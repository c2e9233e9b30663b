/**
 * Open snapshot catalogues by id, adapted to the API's browse shapes. A few stay open at once
 * (each holds a compact index and a spill file); opening another closes the least recently used.
 */
import { randomBytes } from 'node:crypto'
import { AppError } from '../../../shared/app-error'
import type {
  CatalogueSummary,
  KvRowWire,
  RecordItemWire,
  SearchHitWire,
} from '../../../shared/browse-wire-types'
import { openSnapshotCatalogue, type SnapshotCatalogue } from '../../services/snapshot/catalogue'
import type { CataloguePort } from '../host-services'

export interface CataloguePortOptions {
  /** Where decompressed working copies go (default: the OS temp folder). */
  spillDir?: string
  /** How many catalogues may stay open. */
  maxOpen?: number
}

export function createCataloguePort(
  options: CataloguePortOptions = {},
): CataloguePort & { closeAll(): Promise<void> } {
  const maxOpen = options.maxOpen ?? 4
  const open = new Map<string, SnapshotCatalogue>()

  function get(catalogueId: string): SnapshotCatalogue {
    const catalogue = open.get(catalogueId)
    if (catalogue === undefined || catalogue.isClosed) {
      throw new AppError('FILE_NOT_FOUND', 'That snapshot is no longer open for browsing.', {
        hint: 'Open the snapshot again.',
      })
    }
    // Most recently used last, so the first entry is the one to close when full.
    open.delete(catalogueId)
    open.set(catalogueId, catalogue)
    return catalogue
  }

  return {
    async open(path, work) {
      const catalogue = await openSnapshotCatalogue(path, {
        spillDir: options.spillDir,
        signal: work.signal,
        onProgress: (progress) => work.onProgress({ bytes: progress.bytes, totalBytes: progress.totalBytes }),
      })
      while (open.size >= maxOpen) {
        const [oldestId, oldest] = open.entries().next().value as [string, SnapshotCatalogue]
        open.delete(oldestId)
        await oldest.close()
      }
      const catalogueId = randomBytes(12).toString('base64url')
      open.set(catalogueId, catalogue)
      const summary = catalogue.summary()
      const meta = catalogue.source?.meta
      const result: CatalogueSummary = {
        catalogueId,
        counts: summary.counts as CatalogueSummary['counts'],
        meta: {
          id: meta?.id ?? '',
          index: meta?.index.toString() ?? '0',
          term: meta?.term.toString() ?? '0',
        },
        lastIndex: summary.lastIndex,
        stateBytes: summary.stateBytes,
        kvValueBytes: summary.kvValueBytes,
        tombstones: summary.tombstones,
      }
      return result
    },

    async close(catalogueId) {
      const catalogue = open.get(catalogueId)
      if (catalogue === undefined) return false
      open.delete(catalogueId)
      await catalogue.close()
      return true
    },

    async kvList(catalogueId, prefix, offset, limit) {
      const listing = get(catalogueId).kvList({ prefix, offset, limit })
      const rows: KvRowWire[] = listing.children.map((child) =>
        child.type === 'folder'
          ? {
              key: child.prefix,
              name: child.name,
              folder: true,
              size: child.totalSize,
              count: child.keyCount,
            }
          : { key: child.key, name: child.name, folder: false, size: child.size },
      )
      return { prefix: listing.prefix, total: listing.total, offset: listing.offset, rows }
    },

    async kvValue(catalogueId, key, maxBytes) {
      const entry = await get(catalogueId).kvGet(key, { maxBytes })
      return {
        key: entry.key,
        valueBase64: entry.value,
        truncated: entry.truncated,
        size: entry.size,
        flags: entry.flags,
        session: entry.session === '' ? null : entry.session,
        createIndex: entry.createIndex,
        modifyIndex: entry.modifyIndex,
        lockIndex: entry.lockIndex,
      }
    },

    async records(catalogueId, kind, offset, limit) {
      const page = await get(catalogueId).records(kind, { offset, limit })
      const items: RecordItemWire[] = page.items.map((item) => {
        const record = item.record
        const fields: RecordItemWire['fields'] =
          typeof record === 'object' && record !== null && !Array.isArray(record)
            ? Object.entries(record)
            : [['value', record]]
        const wire: RecordItemWire = { id: item.id, title: item.title, fields }
        if (item.subtitle !== '') wire.subtitle = item.subtitle
        if (item.maskedPaths.length > 0) wire.secretFields = item.maskedPaths.map((path) => path.join('.'))
        return wire
      })
      return { kind, total: page.total, offset: page.offset, items }
    },

    async revealSecret(catalogueId, kind, id, field) {
      return get(catalogueId).revealSecret(kind, id, field.split('.'))
    },

    async search(catalogueId, query, limit) {
      const result = get(catalogueId).search(query, { limit })
      return {
        hits: result.hits.map((hit) => ({
          kind: hit.kind as SearchHitWire['kind'],
          id: hit.id,
          label: hit.context === '' ? hit.name : `${hit.name} — ${hit.context}`,
        })),
        truncated: result.truncated,
      }
    },

    async closeAll() {
      const all = [...open.values()]
      open.clear()
      await Promise.all(all.map((catalogue) => catalogue.close()))
    },
  }
}
