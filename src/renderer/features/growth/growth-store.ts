import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiClient } from '../../../shared/api-client'
import type { FolderSuggestions } from '../../../shared/api-contract'
import { isAppError } from '../../../shared/app-error'
import type { GrowthProgress, GrowthReport } from '../../../shared/growth-types'
import { DEFAULT_KV_DEPTH } from '../../../shared/kv-details-options'
import { followOperation } from '../../api/follow-operation'
import { reportError } from '../../store/error-store'
import { useStudio } from '../../store/studio-context'

export interface GrowthState {
  folder: string
  kvDepth: number
  status: 'idle' | 'running' | 'ready' | 'error'
  progress: GrowthProgress | null
  report: GrowthReport | null
  folderError: string | null
  /** The default save folder and recent ones: browser mode has no folder picker. */
  folderSuggestions: FolderSuggestions | null
  load(): Promise<void>
  setFolder(folder: string): void
  setKvDepth(depth: number): void
  chooseFolder(): Promise<void>
  analyse(): Promise<void>
  cancel(): void
}

export type GrowthStore = StoreApi<GrowthState>

export function createGrowthStore(client: ApiClient): GrowthStore {
  let running: AbortController | null = null
  return createStore<GrowthState>()((set, get) => ({
    folder: '',
    kvDepth: DEFAULT_KV_DEPTH,
    status: 'idle',
    progress: null,
    report: null,
    folderError: null,
    folderSuggestions: null,
    async load() {
      try {
        const folderSuggestions = await client.folders.suggestions({})
        set((s) => ({
          folderSuggestions,
          folder: s.folder === '' ? folderSuggestions.defaultFolder : s.folder,
        }))
      } catch (error) {
        reportError('Preparing growth over time', error)
      }
    },
    setFolder(folder) {
      set({ folder, folderError: null })
    },
    setKvDepth(kvDepth) {
      set({ kvDepth })
    },
    async chooseFolder() {
      try {
        const { path } = await client.dialogs.chooseFolder({ title: 'Folder of backups' })
        if (path !== null) get().setFolder(path)
      } catch (error) {
        reportError('Choosing a folder', error)
      }
    },
    async analyse() {
      const folder = get().folder.trim()
      if (folder === '') {
        set({ folderError: 'Choose the folder that holds the backups (.snap files).' })
        return
      }
      running?.abort()
      const controller = new AbortController()
      running = controller
      set({ status: 'running', progress: null, folderError: null })
      try {
        const report = await followOperation(
          client.growth.analyse({ folder, kvDepth: get().kvDepth }),
          controller.signal,
          (progress) => {
            if (progress.kind === 'growth') set({ progress: progress.progress })
          },
        )
        if (running === controller) set({ report, status: 'ready', progress: null })
      } catch (error) {
        if (running !== controller) return
        set({ status: get().report ? 'ready' : 'idle', progress: null })
        if (!(isAppError(error) && error.code === 'CANCELLED')) {
          set({ status: 'error' })
          reportError('Analysing growth', error)
        }
      } finally {
        if (running === controller) running = null
      }
    },
    cancel() {
      running?.abort()
    },
  }))
}

export function useGrowthStore<T>(selector: (s: GrowthState) => T): T {
  return useStore(useStudio().growth, selector)
}

export const selectGrowthReport = (s: GrowthState): GrowthReport | null => s.report
export const selectGrowthStatus = (s: GrowthState): GrowthState['status'] => s.status
export const selectGrowthProgress = (s: GrowthState): GrowthProgress | null => s.progress
