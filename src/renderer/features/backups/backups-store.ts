import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiClient } from '../../../shared/api-client'
import { toErrorPayload } from '../../../shared/app-error'
import { defaultPlanInput, type PlanInput } from '../../../shared/backup-plan-schema'
import type {
  ExportedFile,
  PlanRunView,
  PlanView,
  RetentionPreviewOutcome,
  ScheduledRunView,
} from '../../../shared/backup-plan-types'
import type { ProfileView } from '../../../shared/profile-types'
import { reportError } from '../../store/error-store'
import { useStudio } from '../../store/studio-context'
import { validatePlan, type PlanErrors } from './plan-validation'
import { createStoredBackupsSlice, type StoredBackupsSlice } from './stored-backups-slice'

export interface PlanEditor {
  /** null: a new plan. */
  id: string | null
  draft: PlanInput
  errors: PlanErrors
  nextRuns: ScheduledRunView[]
  /** Why the schedule has no next runs (the host's parse error). */
  scheduleError: string | null
  /** One outcome per destination of the draft, in its order; cleared when what it previewed changes. */
  retention: RetentionPreviewOutcome[] | null
  saving: boolean
}

export interface BackupsState extends StoredBackupsSlice {
  status: 'idle' | 'loading' | 'ready' | 'error'
  plans: PlanView[]
  profiles: ProfileView[]
  /** Plans with a Run now in flight from this window. */
  running: string[]
  selected: string | null
  history: PlanRunView[]
  editor: PlanEditor | null
  exported: { planId: string; files: ExportedFile[] } | null
  load(): Promise<void>
  select(planId: string | null): Promise<void>
  runNow(planId: string): Promise<void>
  setPaused(planId: string, paused: boolean): Promise<void>
  remove(planId: string): Promise<void>
  exportPlan(planId: string): Promise<void>
  edit(planId: string | null): void
  change(patch: Partial<PlanInput>): void
  previewSchedule(): Promise<void>
  previewRetention(): Promise<void>
  save(): Promise<void>
  closeEditor(): void
}

export type BackupsStore = StoreApi<BackupsState>

export function createBackupsStore(client: ApiClient): BackupsStore {
  let scheduleAsk = 0
  return createStore<BackupsState>()((set, get) => {
    const refresh = async () => {
      const [{ plans }, { profiles }] = await Promise.all([client.plans.list({}), client.profiles.list({})])
      set({ plans, profiles: [...profiles].sort((a, b) => a.name.localeCompare(b.name)), status: 'ready' })
    }
    const loadHistory = async (planId: string) => {
      const { runs } = await client.plans.history({ id: planId })
      if (get().selected === planId) set({ history: runs })
    }
    return {
      ...createStoredBackupsSlice(client, set, get),
      status: 'idle',
      plans: [],
      profiles: [],
      running: [],
      selected: null,
      history: [],
      editor: null,
      exported: null,
      async load() {
        set({ status: 'loading' })
        try {
          await refresh()
          const selected = get().selected
          if (selected !== null) await loadHistory(selected)
        } catch (error) {
          set({ status: 'error' })
          reportError('Reading the backup plans', error)
        }
      },
      async select(planId) {
        set({ selected: planId, history: [] })
        if (planId === null) return
        try {
          await loadHistory(planId)
        } catch (error) {
          reportError('Reading the run history', error)
        }
      },
      async runNow(planId) {
        set((s) => ({ running: [...s.running, planId] }))
        try {
          await client.plans.runNow({ id: planId })
        } catch (error) {
          reportError('Running the backup plan', error)
        } finally {
          set((s) => ({ running: s.running.filter((id) => id !== planId) }))
        }
        await get().load()
      },
      async setPaused(planId, paused) {
        try {
          await (paused ? client.plans.pause({ id: planId }) : client.plans.resume({ id: planId }))
          await refresh()
        } catch (error) {
          reportError(paused ? 'Pausing the plan' : 'Resuming the plan', error)
        }
      },
      async remove(planId) {
        try {
          await client.plans.delete({ id: planId })
          if (get().selected === planId) set({ selected: null, history: [] })
          await refresh()
        } catch (error) {
          reportError('Deleting the plan', error)
        }
      },
      async exportPlan(planId) {
        try {
          const { files } = await client.plans.export({ id: planId })
          set({ exported: { planId, files } })
        } catch (error) {
          reportError('Exporting the plan for servers', error)
        }
      },
      edit(planId) {
        const { plans, profiles } = get()
        const plan = plans.find((p) => p.id === planId)
        const draft: PlanInput = plan
          ? {
              name: plan.name,
              profileIds: plan.profileIds,
              schedule: plan.schedule,
              destinations: plan.destinations,
              retention: plan.retention,
              options: plan.options,
              paused: plan.paused,
            }
          : defaultPlanInput(profiles[0] ? [profiles[0].id] : [])
        set({
          editor: {
            id: plan?.id ?? null,
            draft: structuredClone(draft),
            errors: {},
            nextRuns: [],
            scheduleError: null,
            retention: null,
            saving: false,
          },
        })
        void get().previewSchedule()
      },
      change(patch) {
        const editor = get().editor
        if (editor === null) return
        const draft = { ...editor.draft, ...patch }
        // Errors shown so far follow the draft; new ones wait for Save.
        const errors = Object.keys(editor.errors).length > 0 ? validatePlan(draft) : {}
        // A preview stands for the policy, destinations, names and connection it was asked with.
        const previewed =
          patch.retention || patch.destinations || patch.options || patch.profileIds ? null : editor.retention
        set({ editor: { ...editor, draft, errors, retention: previewed } })
        if (patch.schedule) void get().previewSchedule()
      },
      async previewSchedule() {
        const editor = get().editor
        if (editor === null) return
        const asked = ++scheduleAsk
        const schedule = editor.draft.schedule
        const local = validatePlan(editor.draft)
        const localError = Object.entries(local).find(([field]) => field.startsWith('schedule'))?.[1]
        if (localError) {
          set({ editor: { ...editor, nextRuns: [], scheduleError: localError } })
          return
        }
        try {
          const { runs } = await client.schedule.preview({ schedule, seed: editor.id ?? '' })
          const now = get().editor
          if (asked === scheduleAsk && now) set({ editor: { ...now, nextRuns: runs, scheduleError: null } })
        } catch (error) {
          const now = get().editor
          if (asked === scheduleAsk && now)
            set({ editor: { ...now, nextRuns: [], scheduleError: toErrorPayload(error).message } })
        }
      },
      async previewRetention() {
        const editor = get().editor
        if (!editor || editor.draft.destinations.length === 0) return
        const { draft } = editor
        try {
          const { previews } = await client.retention.preview({
            destinations: draft.destinations,
            retention: draft.retention,
            nameTemplate: draft.options.nameTemplate,
            profileId: draft.profileIds[0],
          })
          // Shown only while the draft still holds what was previewed (edits keep untouched parts).
          const now = get().editor
          const same =
            now !== null &&
            now.draft.destinations === draft.destinations &&
            now.draft.retention === draft.retention &&
            now.draft.options === draft.options &&
            now.draft.profileIds === draft.profileIds
          if (same) set({ editor: { ...now, retention: previews } })
        } catch (error) {
          reportError('Previewing retention', error)
        }
      },
      async save() {
        const editor = get().editor
        if (editor === null || editor.saving) return
        const errors = validatePlan(editor.draft)
        if (Object.keys(errors).length > 0) {
          set({ editor: { ...editor, errors } })
          return
        }
        set({ editor: { ...editor, saving: true } })
        try {
          const saved =
            editor.id === null
              ? await client.plans.create({ input: editor.draft })
              : await client.plans.update({ id: editor.id, input: editor.draft })
          set({ editor: null })
          await refresh()
          await get().select(saved.id)
        } catch (error) {
          const payload = toErrorPayload(error)
          const field = typeof payload.details?.field === 'string' ? payload.details.field : null
          const now = get().editor
          if (now && field) set({ editor: { ...now, saving: false, errors: { [field]: payload.message } } })
          else {
            if (now) set({ editor: { ...now, saving: false } })
            reportError('Saving the backup plan', error)
          }
        }
      },
      closeEditor() {
        set({ editor: null })
      },
    }
  })
}

export function useBackupsStore<T>(selector: (s: BackupsState) => T): T {
  return useStore(useStudio().backups, selector)
}

export const selectPlans = (s: BackupsState): PlanView[] => s.plans
export const selectBackupsStatus = (s: BackupsState): BackupsState['status'] => s.status
export const selectBackupProfiles = (s: BackupsState): ProfileView[] => s.profiles
export const selectRunning = (s: BackupsState): string[] => s.running
export const selectSelectedPlan = (s: BackupsState): string | null => s.selected
export const selectHistory = (s: BackupsState): PlanRunView[] => s.history
export const selectEditor = (s: BackupsState): PlanEditor | null => s.editor
export const selectExported = (s: BackupsState): BackupsState['exported'] => s.exported
export const selectBrowser = (s: BackupsState): BackupsState['browser'] => s.browser
