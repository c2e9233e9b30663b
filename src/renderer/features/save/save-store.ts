import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiClient } from '../../../shared/api-client'
import type { FolderSuggestions } from '../../../shared/api-contract'
import { DATACENTER_RULE, isDatacenterName } from '../../../shared/consul-names'
import type { SaveManyEntry, SaveProgress } from '../../../shared/consul-types'
import type { ProfileView } from '../../../shared/profile-types'
import { followOperation } from '../../api/follow-operation'
import { reportError } from '../../store/error-store'
import { reportProfileNotice } from '../../store/profile-notice'
import { useStudio } from '../../store/studio-context'

export type SaveStep = 'choose' | 'running' | 'done'

export const DEFAULT_TEMPLATE = '{profile}-{dc}-{version}-{index}-{time}.snap'
export const TEMPLATE_PLACEHOLDERS = ['profile', 'dc', 'version', 'index', 'term', 'time', 'date'] as const

export interface SaveOptions {
  selected: string[]
  stale: boolean
  /** Empty: each profile's own datacenter. */
  datacenter: string
  folder: string
  template: string
}

export type SaveErrors = Partial<Record<'selected' | 'datacenter' | 'folder' | 'template', string>>

/** What the wizard refuses before it starts; the service checks again. */
export function validateSaveOptions(options: SaveOptions, profiles: ProfileView[]): SaveErrors {
  const errors: SaveErrors = {}
  const known = new Set(profiles.map((p) => p.id))
  if (options.selected.filter((id) => known.has(id)).length === 0)
    errors.selected = 'Pick at least one cluster to back up.'
  const datacenter = options.datacenter.trim()
  if (datacenter !== '' && !isDatacenterName(datacenter)) errors.datacenter = DATACENTER_RULE
  if (options.folder.trim() === '') errors.folder = 'Choose the folder the snapshots go to.'
  const template = options.template.trim()
  if (template === '') errors.template = `Give a file-name template, e.g. ${DEFAULT_TEMPLATE}.`
  else if (/[\\/]/.test(template))
    errors.template = 'The template names a file, not a folder: remove “/” and “\\”.'
  else if (
    [...template.matchAll(/\{([^}]*)\}/g)].some(
      (m) => !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(m[1] ?? ''),
    )
  )
    errors.template = `Use only these placeholders: ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}.`
  else if (options.selected.length > 1 && !template.includes('{profile}'))
    errors.template = 'Several clusters need {profile} in the template, or their files would collide.'
  return errors
}

export interface SaveState {
  step: SaveStep
  profiles: ProfileView[]
  profilesStatus: 'idle' | 'loading' | 'ready' | 'error'
  options: SaveOptions
  errors: SaveErrors
  /** Host folders to offer beside the folder field (browser mode has no folder picker). */
  folderSuggestions: FolderSuggestions | null
  progress: Record<string, SaveProgress>
  outcomes: SaveManyEntry[]
  load(): Promise<void>
  toggle(profileId: string): void
  setOptions(patch: Partial<Omit<SaveOptions, 'selected'>>): void
  chooseFolder(): Promise<void>
  start(): Promise<void>
  cancel(): void
  reset(): void
}

export type SaveStore = StoreApi<SaveState>

export function createSaveStore(client: ApiClient): SaveStore {
  let running: AbortController | null = null

  return createStore<SaveState>()((set, get) => ({
    step: 'choose',
    profiles: [],
    profilesStatus: 'idle',
    options: { selected: [], stale: false, datacenter: '', folder: '', template: DEFAULT_TEMPLATE },
    errors: {},
    folderSuggestions: null,
    progress: {},
    outcomes: [],
    async load() {
      set({ profilesStatus: 'loading' })
      try {
        // Asked on every visit: the recent folders grow with each save.
        const [{ profiles, notice }, folderSuggestions] = await Promise.all([
          client.profiles.list({}),
          client.folders.suggestions({}),
        ])
        reportProfileNotice(notice)
        const ids = new Set(profiles.map((p) => p.id))
        set((s) => ({
          profiles: [...profiles].sort((a, b) => a.name.localeCompare(b.name)),
          profilesStatus: 'ready',
          folderSuggestions,
          options: {
            ...s.options,
            folder: s.options.folder === '' ? folderSuggestions.defaultFolder : s.options.folder,
            selected: s.options.selected.filter((id) => ids.has(id)),
          },
        }))
      } catch (error) {
        set({ profilesStatus: 'error' })
        reportError('Preparing the save wizard', error)
      }
    },
    toggle(profileId) {
      set((s) => {
        const selected = s.options.selected.includes(profileId)
          ? s.options.selected.filter((id) => id !== profileId)
          : [...s.options.selected, profileId]
        return { options: { ...s.options, selected }, errors: {} }
      })
    },
    setOptions(patch) {
      set((s) => ({ options: { ...s.options, ...patch }, errors: {} }))
    },
    async chooseFolder() {
      try {
        const { path: folder } = await client.dialogs.chooseFolder({ title: 'Folder for snapshots' })
        if (folder !== null) get().setOptions({ folder })
      } catch (error) {
        reportError('Choosing a folder', error)
      }
    },
    async start() {
      const { options, profiles, step } = get()
      if (step === 'running') return
      const errors = validateSaveOptions(options, profiles)
      if (Object.keys(errors).length > 0) {
        set({ errors })
        return
      }
      running = new AbortController()
      const op = running
      // Keep the order the operator sees in the list.
      const profileIds = profiles.filter((p) => options.selected.includes(p.id)).map((p) => p.id)
      set({ step: 'running', progress: {}, outcomes: [], errors: {} })
      try {
        const datacenter = options.datacenter.trim()
        const { entries: outcomes } = await followOperation(
          client.save.start({
            profileIds,
            stale: options.stale,
            datacenter: datacenter === '' ? undefined : datacenter,
            folder: options.folder.trim(),
            fileNameTemplate: options.template.trim(),
          }),
          op.signal,
          (event) => {
            if (running === op && event.kind === 'save')
              set((s) => ({ progress: { ...s.progress, [event.profileId]: event.progress } }))
          },
        )
        if (running !== op) return
        set({ step: 'done', outcomes })
        for (const o of outcomes) if (!o.ok) reportError(`Saving a snapshot of ${o.profileName}`, o.error)
      } catch (error) {
        if (running !== op) return
        set({ step: 'choose' })
        reportError('Saving snapshots', error)
      } finally {
        if (running === op) running = null
      }
    },
    cancel() {
      running?.abort()
    },
    reset() {
      set({ step: 'choose', progress: {}, outcomes: [] })
    },
  }))
}

export function useSaveStore<T>(selector: (s: SaveState) => T): T {
  return useStore(useStudio().save, selector)
}

export const selectSaveStep = (s: SaveState): SaveStep => s.step
export const selectSaveProfiles = (s: SaveState): ProfileView[] => s.profiles
export const selectSaveProfilesStatus = (s: SaveState): SaveState['profilesStatus'] => s.profilesStatus
export const selectSaveOptions = (s: SaveState): SaveOptions => s.options
export const selectSaveErrors = (s: SaveState): SaveErrors => s.errors
export const selectFolderSuggestions = (s: SaveState): FolderSuggestions | null => s.folderSuggestions
export const selectSaveProgress = (s: SaveState): Record<string, SaveProgress> => s.progress
export const selectSaveOutcomes = (s: SaveState): SaveManyEntry[] => s.outcomes
