import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiClient } from '../../../shared/api-client'
import type { ConnectionTestResult } from '../../../shared/consul-types'
import type { ProfileInput, ProfileView } from '../../../shared/profile-types'
import { reportError } from '../../store/error-store'
import { reportProfileNotice } from '../../store/profile-notice'
import { useStudio } from '../../store/studio-context'
import {
  blankDraft,
  draftFromProfile,
  draftToInput,
  validateDraft,
  type DraftErrors,
  type ProfileDraft,
} from './profile-draft'

export type LoadState = 'idle' | 'loading' | 'ready' | 'error'

export type ConnectionTest =
  | { state: 'running' }
  | { state: 'passed'; result: ConnectionTestResult }
  | { state: 'failed'; message: string; hint?: string }

export interface ProfileForm {
  /** undefined when creating */
  id?: string
  /** the profile or imported input being edited: settings the form does not show come from here */
  base?: ProfileView | ProfileInput
  draft: ProfileDraft
  tokenSet: boolean
  errors: DraftErrors
  saving: boolean
  /** e.g. what an import from the environment used and warned about */
  notes: string[]
  /** a test of the settings as typed, before saving */
  test?: ConnectionTest
}

export interface ProfilesState {
  status: LoadState
  profiles: ProfileView[]
  form: ProfileForm | null
  tests: Record<string, ConnectionTest>
  load(): Promise<void>
  startNew(): void
  startEdit(id: string): void
  updateDraft(patch: Partial<ProfileDraft>): void
  cancelForm(): void
  submitForm(): Promise<ProfileView | undefined>
  testForm(): Promise<void>
  duplicate(id: string): Promise<void>
  remove(id: string): Promise<void>
  test(id: string): Promise<void>
  importFromEnvironment(): Promise<void>
}

export type ProfilesStore = StoreApi<ProfilesState>

export function createProfilesStore(client: ApiClient): ProfilesStore {
  return createStore<ProfilesState>()((set, get) => ({
    status: 'idle',
    profiles: [],
    form: null,
    tests: {},
    async load() {
      set({ status: 'loading' })
      try {
        const { profiles, notice } = await client.profiles.list({})
        set({ profiles: sortProfiles(profiles), status: 'ready' })
        reportProfileNotice(notice)
      } catch (error) {
        set({ status: 'error' })
        reportError('Loading connection profiles', error)
      }
    },
    startNew() {
      set({ form: { draft: blankDraft(), tokenSet: false, errors: {}, saving: false, notes: [] } })
    },
    startEdit(id) {
      const profile = get().profiles.find((p) => p.id === id)
      if (profile === undefined) return
      set({
        form: {
          id,
          base: profile,
          draft: draftFromProfile(profile),
          tokenSet: profile.tokenSet,
          errors: {},
          saving: false,
          notes: [],
        },
      })
    },
    updateDraft(patch) {
      const form = get().form
      if (form === null) return
      // An earlier test answer no longer describes the edited settings.
      set({ form: { ...form, draft: { ...form.draft, ...patch }, errors: {}, test: undefined } })
    },
    async testForm() {
      const form = get().form
      if (form === null || form.test?.state === 'running') return
      const errors = validateDraft(form.draft, [], form.id)
      if (errors.address !== undefined) {
        set({ form: { ...form, errors: { address: errors.address } } })
        return
      }
      // A stored token never comes back to this window, so unsaved settings can only be tested
      // with a token typed in; say so rather than test without one and report a false ACL error.
      if (form.tokenSet && form.draft.token === '' && !form.draft.clearToken) {
        set({
          form: {
            ...form,
            test: {
              state: 'failed',
              message:
                'The stored token is not sent back to this window, so it cannot be used for a test of unsaved settings.',
              hint: 'Type the token to test these settings now, or save them and use Test connection on the profile.',
            },
          },
        })
        return
      }
      const input = draftToInput({ ...form.draft, name: form.draft.name.trim() || 'draft' }, form.base)
      const draft = form.draft
      set({ form: { ...form, test: { state: 'running' } } })
      const stillCurrent = () => get().form?.draft === draft
      try {
        const result = await client.profiles.test({ input })
        if (stillCurrent())
          set((s) => (s.form ? { form: { ...s.form, test: { state: 'passed', result } } } : {}))
        if (result.agentError) reportError('Testing the new settings', result.agentError)
      } catch (error) {
        const reported = reportError('Testing the new settings', error)
        if (stillCurrent())
          set((s) =>
            s.form
              ? {
                  form: {
                    ...s.form,
                    test: {
                      state: 'failed',
                      message: reported?.message ?? 'The connection test failed.',
                      hint: reported?.hint,
                    },
                  },
                }
              : {},
          )
      }
    },
    cancelForm() {
      set({ form: null })
    },
    async submitForm() {
      const form = get().form
      if (form === null || form.saving) return undefined
      const errors = validateDraft(form.draft, get().profiles, form.id)
      if (Object.keys(errors).length > 0) {
        set({ form: { ...form, errors } })
        return undefined
      }
      const input = draftToInput(form.draft, form.base)
      set({ form: { ...form, saving: true } })
      try {
        const saved =
          form.id === undefined
            ? await client.profiles.create({ input })
            : await client.profiles.update({ id: form.id, input })
        set((s) => ({
          form: null,
          profiles: sortProfiles([...s.profiles.filter((p) => p.id !== saved.id), saved]),
        }))
        return saved
      } catch (error) {
        const current = get().form
        if (current !== null) set({ form: { ...current, saving: false } })
        reportError(`Saving profile “${input.name}”`, error)
        return undefined
      }
    },
    async duplicate(id) {
      try {
        const copy = await client.profiles.duplicate({ id })
        set((s) => ({ profiles: sortProfiles([...s.profiles, copy]) }))
      } catch (error) {
        reportError('Duplicating a profile', error)
      }
    },
    async remove(id) {
      try {
        await client.profiles.remove({ id })
        set((s) => {
          const tests = { ...s.tests }
          delete tests[id]
          return { profiles: s.profiles.filter((p) => p.id !== id), tests }
        })
      } catch (error) {
        reportError('Deleting a profile', error)
      }
    },
    async test(id) {
      const name = get().profiles.find((p) => p.id === id)?.name ?? id
      set((s) => ({ tests: { ...s.tests, [id]: { state: 'running' } } }))
      try {
        const result = await client.profiles.test({ id })
        set((s) => ({ tests: { ...s.tests, [id]: { state: 'passed', result } } }))
        // The cluster answered, but the token could not read the agent (a wrong or weak token):
        // that is a problem to fix, so it goes where every problem goes.
        if (result.agentError) reportError(`Testing the connection to ${name}`, result.agentError)
      } catch (error) {
        const reported = reportError(`Testing the connection to ${name}`, error)
        set((s) => ({
          tests: {
            ...s.tests,
            [id]: {
              state: 'failed',
              message: reported?.message ?? 'The connection test failed.',
              hint: reported?.hint,
            },
          },
        }))
      }
    },
    async importFromEnvironment() {
      try {
        const { draft: imported } = await client.profiles.importFromEnv({})
        if (imported === null) {
          reportError('Importing from the Consul CLI environment', {
            code: 'PROFILE_INVALID',
            message: 'No Consul CLI settings were found in the environment.',
            hint: 'Set CONSUL_HTTP_ADDR (and CONSUL_HTTP_TOKEN if ACLs are on) in the environment that starts Snapshot Studio, or fill in a new profile by hand.',
          })
          return
        }
        const notes = [
          imported.usedVariables.length > 0
            ? `Read from ${imported.usedVariables.join(', ')}.`
            : 'No CONSUL_* variables were set; these are the CLI defaults.',
          ...imported.warnings,
        ]
        set({
          form: {
            base: imported.input,
            draft: draftFromProfile(imported.input),
            tokenSet: false,
            errors: {},
            saving: false,
            notes,
          },
        })
      } catch (error) {
        reportError('Importing from the Consul CLI environment', error)
      }
    },
  }))
}

export function useProfilesStore<T>(selector: (s: ProfilesState) => T): T {
  return useStore(useStudio().profiles, selector)
}

function sortProfiles(profiles: ProfileView[]): ProfileView[] {
  return [...profiles].sort((a, b) => a.name.localeCompare(b.name))
}

export const selectProfiles = (s: ProfilesState): ProfileView[] => s.profiles
export const selectProfilesStatus = (s: ProfilesState): LoadState => s.status
export const selectProfileForm = (s: ProfilesState): ProfileForm | null => s.form
export const selectConnectionTests = (s: ProfilesState): Record<string, ConnectionTest> => s.tests
