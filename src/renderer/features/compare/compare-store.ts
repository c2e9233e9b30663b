import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiClient } from '../../../shared/api-client'
import type {
  ChangeWire,
  ComparisonSummaryWire,
  CompareProgress,
  DiffKind,
  KvValuePairWire,
} from '../../../shared/diff-wire-types'
import type { ProfileView } from '../../../shared/profile-types'
import type { SnapshotSourceRef } from '../../../shared/snapshot-wire-types'
import { followOperation } from '../../api/follow-operation'
import { reportError } from '../../store/error-store'
import { useStudio } from '../../store/studio-context'

/** The after side: another file, or a live cluster through a profile (a fresh snapshot of it). */
export type AfterSide =
  { type: 'file'; source: SnapshotSourceRef } | { type: 'profile'; profile: ProfileView }

export type Side = 'before' | 'after'

const PAGE = 200

export interface KindChanges {
  total: number
  changes: ChangeWire[]
}

export interface CompareState {
  before: SnapshotSourceRef | null
  after: AfterSide | null
  /** a side whose file is being uploaded (browser mode) */
  uploading: Side | null
  profiles: ProfileView[]
  prefix: string
  running: boolean
  progress: CompareProgress | null
  summary: ComparisonSummaryWire | null
  kind: DiffKind | null
  /** the changes loaded so far, per kind */
  loaded: Partial<Record<DiffKind, KindChanges>>
  /** the key whose two values are shown side by side */
  values: KvValuePairWire | null
  loadProfiles(): Promise<void>
  chooseFile(side: Side, file: File): Promise<void>
  chooseWithDialog(side: Side): Promise<void>
  chooseHostPath(side: Side, path: string): void
  chooseProfile(profileId: string): void
  setPrefix(prefix: string): void
  compare(): Promise<void>
  cancel(): void
  showKind(kind: DiffKind): Promise<void>
  loadMore(): Promise<void>
  openValues(key: string): Promise<void>
  closeValues(): void
}

export type CompareStore = StoreApi<CompareState>

export function createCompareStore(client: ApiClient): CompareStore {
  let running: AbortController | null = null

  return createStore<CompareState>()((set, get) => {
    /** A new choice makes the shown result stale: it is closed on the host and cleared here. */
    const forgetResult = (): void => {
      const id = get().summary?.comparisonId
      if (id !== undefined) void client.compare.close({ comparisonId: id }).catch(() => undefined)
      set({ summary: null, kind: null, loaded: {}, values: null })
    }
    const use = (side: Side, source: SnapshotSourceRef): void => {
      forgetResult()
      if (side === 'before') set({ before: source })
      else set({ after: { type: 'file', source } })
    }

    return {
      before: null,
      after: null,
      uploading: null,
      profiles: [],
      prefix: '',
      running: false,
      progress: null,
      summary: null,
      kind: null,
      loaded: {},
      values: null,

      async loadProfiles() {
        try {
          const { profiles } = await client.profiles.list({})
          set({ profiles: [...profiles].sort((a, b) => a.name.localeCompare(b.name)) })
        } catch (error) {
          reportError('Listing connection profiles', error)
        }
      },
      async chooseFile(side, file) {
        set({ uploading: side })
        try {
          use(side, await client.files.fromFile(file))
        } catch (error) {
          reportError(`Reading ${file.name}`, error)
        } finally {
          set({ uploading: null })
        }
      },
      async chooseWithDialog(side) {
        try {
          const source = await client.files.pickSnapshot()
          if (source !== null) use(side, source)
        } catch (error) {
          reportError('Choosing a snapshot file', error)
        }
      },
      chooseHostPath(side, path) {
        if (path.trim() !== '') use(side, client.files.fromPath(path.trim()))
      },
      chooseProfile(profileId) {
        const profile = get().profiles.find((p) => p.id === profileId)
        if (profile === undefined) return
        forgetResult()
        set({ after: { type: 'profile', profile } })
      },
      setPrefix(prefix) {
        set({ prefix })
      },

      async compare() {
        const { before, after, prefix } = get()
        if (before === null || after === null) return
        forgetResult()
        running?.abort()
        const op = (running = new AbortController())
        set({ running: true, progress: null })
        const right =
          after.type === 'profile' ? { kind: 'profile' as const, profileId: after.profile.id } : after.source
        try {
          const summary = await followOperation(
            client.compare.open({ left: before, right, prefix }),
            op.signal,
            (event) => {
              if (running === op && event.kind === 'compare') set({ progress: event.progress })
            },
          )
          if (running !== op) {
            void client.compare.close({ comparisonId: summary.comparisonId }).catch(() => undefined)
            return
          }
          set({ summary, running: false, progress: null })
          const first = (Object.keys(summary.counts) as DiffKind[]).find((k) => {
            const c = summary.counts[k]
            return c.added + c.removed + c.changed > 0
          })
          if (first !== undefined) await get().showKind(first)
        } catch (error) {
          if (running !== op) return
          set({ running: false, progress: null })
          if (!op.signal.aborted) reportError('Comparing the snapshots', error)
        } finally {
          if (running === op) running = null
        }
      },
      cancel() {
        running?.abort()
        running = null
        set({ running: false, progress: null })
      },

      async showKind(kind) {
        set({ kind, values: null })
        if (get().loaded[kind] === undefined) await load(kind, 0)
      },
      async loadMore() {
        const kind = get().kind
        if (kind !== null) await load(kind, get().loaded[kind]?.changes.length ?? 0)
      },
      async openValues(key) {
        const id = get().summary?.comparisonId
        if (id === undefined) return
        try {
          set({ values: await client.compare.kvValues({ comparisonId: id, key }) })
        } catch (error) {
          reportError(`Reading the values of ${key}`, error)
        }
      },
      closeValues() {
        set({ values: null })
      },
    }

    async function load(kind: DiffKind, offset: number): Promise<void> {
      const id = get().summary?.comparisonId
      if (id === undefined) return
      try {
        const page = await client.compare.changes({ comparisonId: id, kind, offset, limit: PAGE })
        if (get().summary?.comparisonId !== id) return
        const before = get().loaded[kind]?.changes ?? []
        set({
          loaded: { ...get().loaded, [kind]: { total: page.total, changes: [...before, ...page.changes] } },
        })
      } catch (error) {
        reportError('Listing the changes', error)
      }
    }
  })
}

const stores = new WeakMap<ApiClient, CompareStore>()

/** One compare store per window's client, so a comparison survives a visit to another screen. */
export function compareStoreFor(client: ApiClient): CompareStore {
  let store = stores.get(client)
  if (store === undefined) stores.set(client, (store = createCompareStore(client)))
  return store
}

export function useCompareStore<T>(selector: (s: CompareState) => T): T {
  return useStore(compareStoreFor(useStudio().client), selector)
}

export const selectBefore = (s: CompareState): SnapshotSourceRef | null => s.before
export const selectAfter = (s: CompareState): AfterSide | null => s.after
export const selectUploading = (s: CompareState): Side | null => s.uploading
export const selectProfiles = (s: CompareState): ProfileView[] => s.profiles
export const selectPrefix = (s: CompareState): string => s.prefix
export const selectRunning = (s: CompareState): boolean => s.running
export const selectProgress = (s: CompareState): CompareProgress | null => s.progress
export const selectSummary = (s: CompareState): ComparisonSummaryWire | null => s.summary
export const selectKind = (s: CompareState): DiffKind | null => s.kind
export const selectLoaded = (s: CompareState): Partial<Record<DiffKind, KindChanges>> => s.loaded
export const selectValues = (s: CompareState): KvValuePairWire | null => s.values
export const selectCanCompare = (s: CompareState): boolean =>
  s.before !== null && s.after !== null && !s.running && s.uploading === null
