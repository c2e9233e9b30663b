import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiClient } from '../../../shared/api-client'
import type { RestorePreflight, RestoreProgress, RestoreResult } from '../../../shared/consul-types'
import type { ProfileView } from '../../../shared/profile-types'
import type { ByteProgress } from '../../../shared/progress'
import type { SnapshotInspectionWire, SnapshotSourceRef } from '../../../shared/snapshot-wire-types'
import { followOperation } from '../../api/follow-operation'
import { reportError } from '../../store/error-store'
import type { PreparedCopyRef } from '../../store/navigation-store'
import { reportProfileNotice } from '../../store/profile-notice'
import { useStudio } from '../../store/studio-context'

export type RestoreStep = 'file' | 'review' | 'target' | 'confirm' | 'running' | 'done'

export const RESTORE_STEPS: ReadonlyArray<{ id: RestoreStep; label: string }> = [
  { id: 'file', label: 'Choose a file' },
  { id: 'review', label: 'What it holds' },
  { id: 'target', label: 'Target cluster' },
  { id: 'confirm', label: 'Confirm' },
  { id: 'running', label: 'Restoring' },
  { id: 'done', label: 'Health' },
]

export interface RestoreGuardInput {
  source: SnapshotSourceRef | null
  fileVerified: boolean
  target: ProfileView | null
  preflight: RestorePreflight | null
  confirmation: string
  /** A protected target's second confirmation, naming what will be lost. */
  lossAcknowledged?: boolean
}

/**
 * Why the restore may not start yet, or null when it may. The typed confirmation must equal the
 * target's name exactly: a restore replaces the whole state of a cluster, so "close enough" is
 * not a confirmation.
 */
export function restoreBlockedBecause(input: RestoreGuardInput): string | null {
  if (input.source === null) return 'Choose a snapshot file first.'
  if (!input.fileVerified) return 'The file did not verify; it cannot be restored.'
  if (input.target === null) return 'Choose the cluster to restore into.'
  if (input.target.protection === 'read-only')
    return `${input.target.name} is read-only: no restore reaches it. Change its protection level to restore.`
  if (input.preflight === null) return 'Wait for the checks on the target cluster.'
  if (input.preflight.blockers.length > 0) return input.preflight.blockers.map((b) => b.message).join(' ')
  if (input.confirmation !== input.target.name)
    return `Type the profile name “${input.target.name}” exactly as shown to confirm.`
  if (input.target.protection === 'protected' && input.lossAcknowledged !== true)
    return `${input.target.name} is protected: confirm what will be lost as well.`
  return null
}

export interface RestoreState {
  step: RestoreStep
  source: SnapshotSourceRef | null
  reading: ByteProgress | null
  inspection: SnapshotInspectionWire | null
  fileVerified: boolean
  profiles: ProfileView[]
  target: ProfileView | null
  preflight: RestorePreflight | null
  preflightStatus: 'idle' | 'running' | 'done' | 'failed'
  /** The preflight reads the whole file again before it asks the target anything. */
  preflightProgress: RestoreProgress | null
  safetySnapshot: boolean
  /** Where the safety snapshot is written, said before the operator confirms (the host's default save folder). */
  safetyFolder: string | null
  confirmation: string
  lossAcknowledged: boolean
  progress: RestoreProgress | null
  result: RestoreResult | null
  chooseFile(file: File): Promise<void>
  chooseWithDialog(): Promise<void>
  chooseHostPath(path: string): Promise<void>
  useSource(source: SnapshotSourceRef): Promise<void>
  /**
   * A copy the host made for this restore (a stored backup fetched into the upload area), used
   * like any source and discarded once the wizard is done with it: restored, replaced by another
   * file, or started over. A file the operator chose is never discarded.
   */
  usePreparedCopy(source: PreparedCopyRef): Promise<void>
  loadProfiles(): Promise<void>
  toTarget(): void
  chooseTarget(profileId: string): Promise<void>
  cancelPreflight(): void
  toConfirm(): void
  setSafetySnapshot(on: boolean): void
  setConfirmation(text: string): void
  setLossAcknowledged(on: boolean): void
  start(): Promise<boolean>
  cancel(): void
  back(): void
  reset(): void
}

const initial = {
  step: 'file' as RestoreStep,
  source: null,
  reading: null,
  inspection: null,
  fileVerified: false,
  target: null,
  preflight: null,
  preflightStatus: 'idle' as const,
  preflightProgress: null,
  safetySnapshot: true,
  confirmation: '',
  lossAcknowledged: false,
  progress: null,
  result: null,
}

export type RestoreStore = StoreApi<RestoreState>

export function createRestoreStore(client: ApiClient): RestoreStore {
  let running: AbortController | null = null
  let checking: AbortController | null = null
  /** The upload id of the prepared copy in use, if the source is one. */
  let preparedCopy: string | null = null

  // The copy may hold a decrypted backup: it goes as soon as it is not needed, not when the
  // upload area expires it. Failing to remove it costs only that wait, so it is not reported.
  const discard = (uploadId: string) =>
    void client.storedBackups.discardPrepared({ uploadId }).catch(() => undefined)
  const discardPreparedCopy = () => {
    if (preparedCopy !== null) discard(preparedCopy)
    preparedCopy = null
  }

  return createStore<RestoreState>()((set, get) => ({
    ...initial,
    profiles: [],
    safetyFolder: null,
    async chooseFile(file) {
      running?.abort()
      discardPreparedCopy()
      const op = (running = new AbortController())
      set({ ...initial, reading: { bytes: 0, totalBytes: file.size } })
      try {
        const source = await client.files.fromFile(file, {
          signal: op.signal,
          onUploadProgress: (bytes, totalBytes) => running === op && set({ reading: { bytes, totalBytes } }),
        })
        if (running === op) await get().useSource(source)
      } catch (error) {
        if (running !== op) return
        set({ reading: null })
        reportError(`Reading ${file.name}`, error)
      }
    },
    async chooseWithDialog() {
      try {
        const source = await client.files.pickSnapshot()
        if (source !== null) await get().useSource(source)
      } catch (error) {
        reportError('Choosing a snapshot file', error)
      }
    },
    async chooseHostPath(path) {
      if (path.trim() === '') return
      await get().useSource(client.files.fromPath(path.trim()))
    },
    async usePreparedCopy(source) {
      await get().useSource(source)
      // Verified and in use, or already replaced (or refused) while it was being verified.
      if (get().source === source) preparedCopy = source.uploadId
      else discard(source.uploadId)
    },
    async useSource(source) {
      running?.abort()
      discardPreparedCopy()
      const op = (running = new AbortController())
      checking?.abort()
      set({ ...initial, source, reading: { bytes: 0, totalBytes: null } })
      try {
        const inspection = await followOperation(client.restore.verify({ source }), op.signal, (event) => {
          if (running === op && event.kind === 'inspect') set({ reading: event.progress })
        })
        if (running !== op) return
        // The inspection reads the whole archive and checks SHA256SUMS; a file that fails never gets here.
        set({ inspection, fileVerified: true, reading: null, step: 'review' })
      } catch (error) {
        if (running !== op) return
        set({ reading: null, source: null })
        reportError(`Verifying ${source.name}`, error)
      }
    },
    async loadProfiles() {
      const folder =
        get().safetyFolder === null
          ? client.folders
              .suggestions({})
              .then(({ defaultFolder }) => set({ safetyFolder: defaultFolder }))
              .catch((error: unknown) => reportError('Finding the folder for safety snapshots', error))
          : undefined
      try {
        const [{ profiles, notice }] = await Promise.all([client.profiles.list({}), folder])
        set({ profiles: [...profiles].sort((a, b) => a.name.localeCompare(b.name)) })
        reportProfileNotice(notice)
      } catch (error) {
        reportError('Listing connection profiles', error)
      }
    },
    toTarget() {
      if (get().fileVerified) set({ step: 'target' })
    },
    async chooseTarget(profileId) {
      const { source, profiles } = get()
      const target = profiles.find((p) => p.id === profileId) ?? null
      if (source === null || target === null || target.protection === 'read-only') return
      // Another target replaces the check still running for the previous one.
      checking?.abort()
      const op = (checking = new AbortController())
      set({
        target,
        preflight: null,
        preflightStatus: 'running',
        preflightProgress: null,
        confirmation: '',
        lossAcknowledged: false,
        // A protected cluster's safety snapshot cannot be turned off (the host refuses it too).
        ...(target.protection === 'protected' ? { safetySnapshot: true } : {}),
      })
      try {
        const preflight = await followOperation(
          client.restore.preflight({ source, profileId }),
          op.signal,
          (event) => {
            if (checking === op && event.kind === 'restore') set({ preflightProgress: event.progress })
          },
        )
        if (checking === op) set({ preflight, preflightStatus: 'done', preflightProgress: null })
      } catch (error) {
        if (checking !== op) return
        set({ preflightStatus: op.signal.aborted ? 'idle' : 'failed', preflightProgress: null })
        if (!op.signal.aborted) reportError(`Checking ${target.name} before the restore`, error)
      } finally {
        if (checking === op) checking = null
      }
    },
    cancelPreflight() {
      checking?.abort()
    },
    toConfirm() {
      const { preflight, target } = get()
      if (target !== null && preflight !== null && preflight.blockers.length === 0) set({ step: 'confirm' })
    },
    setSafetySnapshot(on) {
      if (!on && get().target?.protection === 'protected') return
      set({ safetySnapshot: on })
    },
    setConfirmation(text) {
      set({ confirmation: text })
    },
    setLossAcknowledged(on) {
      set({ lossAcknowledged: on })
    },
    async start() {
      const state = get()
      if (state.step !== 'confirm' || restoreBlockedBecause(state) !== null) return false
      const { source, target, safetySnapshot, safetyFolder, confirmation, lossAcknowledged } = state
      if (source === null || target === null) return false
      // The folder shown on the confirmation is the one used, not whatever the host defaults to.
      const folder = safetySnapshot && safetyFolder !== null ? { safetySnapshotFolder: safetyFolder } : {}
      const op = (running = new AbortController())
      set({ step: 'running', progress: null })
      try {
        const result = await followOperation(
          client.restore.start({
            profileId: target.id,
            source,
            safetySnapshot,
            confirmation,
            acknowledgeLoss: lossAcknowledged,
            ...folder,
          }),
          op.signal,
          (event) => {
            if (running === op && event.kind === 'restore') set({ progress: event.progress })
          },
        )
        if (running !== op) return false
        set({ step: 'done', result })
        discardPreparedCopy()
        return true
      } catch (error) {
        if (running !== op) return false
        set({ step: 'confirm', progress: null })
        reportError(`Restoring into ${target.name}`, error)
        return false
      }
    },
    cancel() {
      // A running restore stops only where the service can stop it safely (before the last byte
      // is sent); the wizard leaves the progress step when the service says how it ended.
      if (get().step === 'running') {
        running?.abort()
        return
      }
      running?.abort()
      running = null
      set({ reading: null })
    },
    back() {
      const order: RestoreStep[] = ['file', 'review', 'target', 'confirm']
      const i = order.indexOf(get().step)
      if (get().step === 'target') checking?.abort()
      if (i > 0) set({ step: order[i - 1]!, confirmation: '' })
    },
    reset() {
      running?.abort()
      running = null
      checking?.abort()
      checking = null
      discardPreparedCopy()
      set({ ...initial })
    },
  }))
}

export function useRestoreStore<T>(selector: (s: RestoreState) => T): T {
  return useStore(useStudio().restore, selector)
}

export const selectRestoreStep = (s: RestoreState): RestoreStep => s.step
export const selectRestoreSource = (s: RestoreState): SnapshotSourceRef | null => s.source
export const selectRestoreReading = (s: RestoreState): ByteProgress | null => s.reading
export const selectRestoreInspection = (s: RestoreState): SnapshotInspectionWire | null => s.inspection
export const selectRestoreProfiles = (s: RestoreState): ProfileView[] => s.profiles
export const selectRestoreTarget = (s: RestoreState): ProfileView | null => s.target
export const selectPreflight = (s: RestoreState): RestorePreflight | null => s.preflight
export const selectPreflightStatus = (s: RestoreState): RestoreState['preflightStatus'] => s.preflightStatus
export const selectPreflightProgress = (s: RestoreState): RestoreProgress | null => s.preflightProgress
export const selectSafetySnapshot = (s: RestoreState): boolean => s.safetySnapshot
export const selectSafetyFolder = (s: RestoreState): string | null => s.safetyFolder
export const selectConfirmation = (s: RestoreState): string => s.confirmation
export const selectLossAcknowledged = (s: RestoreState): boolean => s.lossAcknowledged
export const selectRestoreProgress = (s: RestoreState): RestoreProgress | null => s.progress
export const selectRestoreResult = (s: RestoreState): RestoreResult | null => s.result
export const selectBlockedBecause = (s: RestoreState): string | null => restoreBlockedBecause(s)
