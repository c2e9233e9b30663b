import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiClient } from '../../../shared/api-client'
import type { OperationProgress } from '../../../shared/api-contract'
import type {
  CatalogueSummary,
  KvRowWire,
  KvValueWire,
  RecordKind,
  RecordPageWire,
  SearchHitWire,
} from '../../../shared/browse-wire-types'
import type { ByteProgress } from '../../../shared/progress'
import type { SnapshotSourceRef } from '../../../shared/snapshot-wire-types'
import { followOperation } from '../../api/follow-operation'
import { reportError, toPayload } from '../../store/error-store'
import type { StoredBackupRef } from '../../store/navigation-store'
import { useStudio } from '../../store/studio-context'

export const KV_PAGE_SIZE = 200
export const RECORD_PAGE_SIZE = 100

export type BrowserTab = 'kv' | RecordKind

/** A stored backup whose contents are on screen: where it is kept (its key, if any, is not kept). */
export interface StoredContentSource {
  kind: 'stored'
  planId: string
  destinationIndex: number
  name: string
}

/** What the browser catalogues: a file the host can read, or a backup in a plan's destination. */
export type ContentSource = SnapshotSourceRef | StoredContentSource

interface KvListing {
  prefix: string
  total: number
  /** rows by page number; a page is fetched when the virtual window first reaches it */
  pages: Record<number, KvRowWire[]>
  /** bumped whenever a page lands, so the tree re-renders without copying a million rows */
  version: number
}

interface RecordListing {
  total: number
  items: RecordPageWire['items']
  loading: boolean
}

export interface ContentState {
  status: 'idle' | 'loading' | 'ready' | 'error'
  /** the file being catalogued; opening it again while loading or ready does nothing */
  source: ContentSource | null
  progress: ByteProgress | null
  catalogue: CatalogueSummary | null
  tab: BrowserTab
  kv: KvListing
  selectedKey: string | null
  value: KvValueWire | null
  valueStatus: 'idle' | 'loading' | 'ready'
  records: Partial<Record<RecordKind, RecordListing>>
  query: string
  hits: SearchHitWire[] | null
  searching: boolean
  /** The record a search hit opened: its tab shows it marked and scrolled into view. */
  focusedRecord: { kind: RecordKind; id: string } | null
  open(source: SnapshotSourceRef): Promise<void>
  /** Catalogues a stored backup (a verified copy the host removes once the catalogue is built). */
  openStored(backup: StoredBackupRef): Promise<void>
  reset(): void
  cancel(): void
  setTab(tab: BrowserTab): void
  browse(prefix: string): Promise<void>
  ensureRows(start: number, end: number): void
  selectKey(key: string): Promise<void>
  loadRecords(kind: RecordKind, more?: boolean): Promise<void>
  revealSecret(kind: RecordKind, id: string, field: string): Promise<string>
  search(query: string): Promise<void>
  openHit(hit: SearchHitWire): Promise<void>
  /** Shows one record in its tab, paging its list until it is loaded; false when it was not found. */
  openRecord(kind: RecordKind, id: string): Promise<boolean>
}

/** How far openRecord pages through a kind looking for one record (pages of RECORD_PAGE_SIZE). */
const OPEN_RECORD_MAX_PAGES = 100

const emptyKv = (): KvListing => ({ prefix: '', total: 0, pages: {}, version: 0 })

/** What the browser shows with no file open: the first state, and the one reset() returns to. */
function idleContent(): Pick<
  ContentState,
  | 'status'
  | 'source'
  | 'progress'
  | 'catalogue'
  | 'tab'
  | 'kv'
  | 'selectedKey'
  | 'value'
  | 'valueStatus'
  | 'records'
  | 'query'
  | 'hits'
  | 'focusedRecord'
> {
  return {
    status: 'idle',
    source: null,
    progress: null,
    catalogue: null,
    tab: 'kv',
    kv: emptyKv(),
    selectedKey: null,
    value: null,
    valueStatus: 'idle',
    records: {},
    query: '',
    hits: null,
    focusedRecord: null,
  }
}

/** Problems the summary reports (or, for an encrypted file, the key prompt asks about): not said twice. */
function isFileProblem(error: unknown): boolean {
  const code = toPayload(error).code
  return code.startsWith('SNAPSHOT_') || code.startsWith('FILE_') || code.startsWith('ENCRYPTED_')
}

function sameSource(a: ContentSource, b: ContentSource): boolean {
  if (a.kind === 'path') return b.kind === 'path' && a.path === b.path
  if (a.kind === 'upload') return b.kind === 'upload' && a.uploadId === b.uploadId
  return (
    b.kind === 'stored' &&
    a.planId === b.planId &&
    a.destinationIndex === b.destinationIndex &&
    a.name === b.name
  )
}

export function parentPrefix(key: string): string {
  const trimmed = key.endsWith('/') ? key.slice(0, -1) : key
  const slash = trimmed.lastIndexOf('/')
  return slash < 0 ? '' : trimmed.slice(0, slash + 1)
}

export type ContentStore = StoreApi<ContentState>

export function createContentStore(client: ApiClient): ContentStore {
  const inflight = new Set<string>()
  let opening: AbortController | null = null

  return createStore<ContentState>()((set, get) => {
    async function fetchPage(prefix: string, page: number): Promise<void> {
      const catalogue = get().catalogue
      const flightKey = `${catalogue?.catalogueId}\u0000${prefix}\u0000${page}`
      if (catalogue === null || inflight.has(flightKey)) return
      inflight.add(flightKey)
      try {
        const result = await client.snapshot.browse.kvList({
          catalogueId: catalogue.catalogueId,
          prefix,
          offset: page * KV_PAGE_SIZE,
          limit: KV_PAGE_SIZE,
        })
        set((s) =>
          s.kv.prefix === prefix && s.catalogue === catalogue
            ? {
                kv: {
                  prefix,
                  total: result.total,
                  pages: { ...s.kv.pages, [page]: result.rows },
                  version: s.kv.version + 1,
                },
              }
            : {},
        )
      } catch (error) {
        reportError(`Listing keys under “${prefix || '/'}”`, error)
      } finally {
        inflight.delete(flightKey)
      }
    }

    /** Opens one source's catalogue (what `read` asks the host for), replacing what is open. */
    async function catalogue(
      source: ContentSource,
      read: (
        signal: AbortSignal,
        onProgress: (event: OperationProgress) => void,
      ) => Promise<CatalogueSummary>,
    ): Promise<void> {
      const current = get()
      if (
        current.source !== null &&
        sameSource(current.source, source) &&
        (current.status === 'loading' || current.status === 'ready')
      )
        return
      const previous = current.catalogue
      get().reset()
      if (previous !== null)
        void client.snapshot.browse.close({ catalogueId: previous.catalogueId }).catch(() => undefined)
      opening = new AbortController()
      const op = opening
      set({ status: 'loading', source, progress: { bytes: 0, totalBytes: null } })
      try {
        const summary = await read(op.signal, (event) => {
          if (opening === op && event.kind === 'inspect') set({ progress: event.progress })
        })
        if (opening !== op) return
        set({ catalogue: summary, status: 'ready', progress: null })
        // A search typed while the file was still being read had nothing to search yet; the
        // search box keeps its text and would not ask again, so run it now.
        const pending = get().query
        if (pending.trim() !== '') void get().search(pending)
        await get().browse('')
      } catch (error) {
        if (opening !== op) return
        set({ status: op.signal.aborted ? 'idle' : 'error', progress: null })
        // The summary reads the same file at the same time and reports what is wrong with it;
        // saying it twice would only bury the message.
        if (!op.signal.aborted && !isFileProblem(error))
          reportError(`Reading the contents of ${source.name}`, error)
      }
    }

    return {
      ...idleContent(),
      searching: false,
      open(source) {
        return catalogue(source, (signal, onProgress) =>
          followOperation(client.snapshot.browse.open({ source }), signal, onProgress),
        )
      },
      openStored(backup) {
        const where = { planId: backup.planId, destinationIndex: backup.destinationIndex, name: backup.name }
        return catalogue({ kind: 'stored', ...where }, (signal, onProgress) =>
          followOperation(
            client.storedBackups.browse({
              ...where,
              ...(backup.decryption ? { decryption: backup.decryption } : {}),
            }),
            signal,
            onProgress,
          ),
        )
      },
      reset() {
        opening?.abort()
        opening = null
        set(idleContent())
      },
      cancel() {
        opening?.abort()
        opening = null
        set({ status: 'idle', progress: null })
      },
      setTab(tab) {
        set({ tab })
        if (tab !== 'kv' && get().records[tab] === undefined) void get().loadRecords(tab)
      },
      async browse(prefix) {
        set({ tab: 'kv', kv: { prefix, total: 0, pages: {}, version: 0 } })
        await fetchPage(prefix, 0)
      },
      ensureRows(start, end) {
        const { kv } = get()
        const first = Math.floor(Math.max(0, start) / KV_PAGE_SIZE)
        const last = Math.floor(Math.max(0, Math.min(end, kv.total - 1)) / KV_PAGE_SIZE)
        for (let page = first; page <= last; page++) {
          if (kv.pages[page] === undefined) void fetchPage(kv.prefix, page)
        }
      },
      async selectKey(key) {
        const catalogue = get().catalogue
        if (catalogue === null) return
        set({ selectedKey: key, valueStatus: 'loading', value: null })
        try {
          const value = await client.snapshot.browse.kvValue({ catalogueId: catalogue.catalogueId, key })
          if (get().selectedKey === key) set({ value, valueStatus: 'ready' })
        } catch (error) {
          if (get().selectedKey === key) set({ valueStatus: 'idle' })
          reportError(`Reading the value of ${key}`, error)
        }
      },
      async loadRecords(kind, more = false) {
        const catalogue = get().catalogue
        if (catalogue === null) return
        const existing = get().records[kind]
        if (existing?.loading) return
        const offset = more && existing ? existing.items.length : 0
        set((s) => ({
          records: {
            ...s.records,
            [kind]: {
              total: existing?.total ?? 0,
              items: more && existing ? existing.items : [],
              loading: true,
            },
          },
        }))
        try {
          const page = await client.snapshot.browse.records({
            catalogueId: catalogue.catalogueId,
            kind,
            offset,
            limit: RECORD_PAGE_SIZE,
          })
          set((s) => {
            const before = s.records[kind]
            const items = offset === 0 ? page.items : [...(before?.items ?? []), ...page.items]
            return { records: { ...s.records, [kind]: { total: page.total, items, loading: false } } }
          })
        } catch (error) {
          set((s) => ({
            records: {
              ...s.records,
              [kind]: { total: existing?.total ?? 0, items: existing?.items ?? [], loading: false },
            },
          }))
          reportError(`Listing ${kind.replace('-', ' ')}`, error)
        }
      },
      async revealSecret(kind, id, field) {
        const catalogue = get().catalogue
        if (catalogue === null) throw new Error('no snapshot is open')
        const { value } = await client.snapshot.browse.revealSecret({
          catalogueId: catalogue.catalogueId,
          kind,
          id,
          field,
        })
        return value
      },
      async search(query) {
        const catalogue = get().catalogue
        set({ query })
        if (catalogue === null) return
        if (query.trim() === '') {
          set({ hits: null, searching: false })
          return
        }
        set({ searching: true })
        try {
          const { hits } = await client.snapshot.browse.search({
            catalogueId: catalogue.catalogueId,
            query: query.trim(),
            limit: 200,
          })
          if (get().query === query) set({ hits, searching: false })
        } catch (error) {
          if (get().query === query) set({ searching: false })
          reportError(`Searching for “${query}”`, error)
        }
      },
      async openHit(hit) {
        if (hit.kind === 'kv') {
          await get().browse(parentPrefix(hit.id))
          await get().selectKey(hit.id)
          return
        }
        await get().openRecord(hit.kind, hit.id)
      },
      async openRecord(kind, id) {
        set({ tab: kind, focusedRecord: { kind, id } })
        const has = () => get().records[kind]?.items.some((item) => item.id === id) ?? false
        if (get().records[kind] === undefined) await get().loadRecords(kind)
        for (let page = 0; !has() && page < OPEN_RECORD_MAX_PAGES; page++) {
          const listing = get().records[kind]
          if (listing === undefined || listing.loading || listing.items.length >= listing.total) break
          await get().loadRecords(kind, true)
        }
        const found = has()
        if (!found && get().focusedRecord?.id === id) set({ focusedRecord: null })
        return found
      },
    }
  })
}

export function useContentStore<T>(selector: (s: ContentState) => T): T {
  return useStore(useStudio().content, selector)
}

export const selectContentStatus = (s: ContentState): ContentState['status'] => s.status
export const selectContentProgress = (s: ContentState): ByteProgress | null => s.progress
export const selectCatalogue = (s: ContentState): CatalogueSummary | null => s.catalogue
export const selectTab = (s: ContentState): BrowserTab => s.tab
export const selectKv = (s: ContentState): KvListing => s.kv
export const selectSelectedKey = (s: ContentState): string | null => s.selectedKey
export const selectValue = (
  s: ContentState,
): { value: KvValueWire | null; status: ContentState['valueStatus'] } => ({
  value: s.value,
  status: s.valueStatus,
})
export const selectRecords = (s: ContentState): ContentState['records'] => s.records
export const selectSearch = (
  s: ContentState,
): { query: string; hits: SearchHitWire[] | null; searching: boolean } => ({
  query: s.query,
  hits: s.hits,
  searching: s.searching,
})

/** Row `index` of the current KV listing, or undefined while its page is on the way. */
export function kvRowAt(kv: KvListing, index: number): KvRowWire | undefined {
  return kv.pages[Math.floor(index / KV_PAGE_SIZE)]?.[index % KV_PAGE_SIZE]
}
