import { create } from 'zustand'
import {
  studioPort,
  type ByteProgress,
  type ProfileView,
  type RestorePreflight,
  type RestoreProgress,
  type RestoreResult,
  type SnapshotInspectionWire,
  type SnapshotSourceRef,
} from '../../ports/studio-port'
import { reportError } from '../../store/error-store'

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
  if (input.preflight === null) return 'Wait for the checks on the target cluster.'
  if (input.preflight.blockers.length > 0) return input.preflight.blockers.map((b) => b.message).join(' ')
  if (input.confirmation !== input.target.name) return `Type “${input.target.name}” to confirm.`
  return null
}

interface RestoreState {
  step: RestoreStep
  source: SnapshotSourceRef | null
  reading: ByteProgress | null
  inspection: SnapshotInspectionWire | null
  fileVerified: boolean
  profiles: ProfileView[]
  target: ProfileView | null
  preflight: RestorePreflight | null
  preflightStatus: 'idle' | 'running' | 'done' | 'failed'
  safetySnapshot: boolean
  confirmation: string
  progress: RestoreProgress | null
  result: RestoreResult | null
  chooseFile(file: File): Promise<void>
  chooseWithDialog(): Promise<void>
  chooseHostPath(path: string): Promise<void>
  useSource(source: SnapshotSourceRef): Promise<void>
  loadProfiles(): Promise<void>
  toTarget(): void
  chooseTarget(profileId: string): Promise<void>
  toConfirm(): void
  setSafetySnapshot(on: boolean): void
  setConfirmation(text: string): void
  start(): Promise<boolean>
  cancel(): void
  back(): void
  reset(): void
}

let running: AbortController | null = null

const initial = {
  step: 'file' as RestoreStep,
  source: null,
  reading: null,
  inspection: null,
  fileVerified: false,
  target: null,
  preflight: null,
  preflightStatus: 'idle' as const,
  safetySnapshot: true,
  confirmation: '',
  progress: null,
  result: null,
}

export const useRestoreStore = create<RestoreState>((set, get) => ({
  ...initial,
  profiles: [],
  async chooseFile(file) {
    running?.abort()
    const op = (running = new AbortController())
    set({ ...initial, reading: { bytes: 0, total: file.size } })
    try {
      const source = await studioPort().files.fromFile(file, {
        signal: op.signal,
        onProgress: (p) => running === op && set({ reading: p }),
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
      const source = await studioPort().files.chooseSnapshot()
      if (source !== null) await get().useSource(source)
    } catch (error) {
      reportError('Choosing a snapshot file', error)
    }
  },
  async chooseHostPath(path) {
    if (path.trim() === '') return
    await get().useSource(studioPort().files.fromHostPath(path.trim()))
  },
  async useSource(source) {
    running?.abort()
    const op = (running = new AbortController())
    set({ ...initial, source, reading: { bytes: 0, total: null } })
    try {
      const inspection = await studioPort().snapshots.inspect(
        source,
        { kvDetails: false, kvDepth: 2, kvFilter: '' },
        { signal: op.signal, onProgress: (p) => running === op && set({ reading: p }) },
      )
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
    try {
      const profiles = await studioPort().profiles.list()
      set({ profiles: [...profiles].sort((a, b) => a.name.localeCompare(b.name)) })
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
    if (source === null || target === null) return
    set({ target, preflight: null, preflightStatus: 'running', confirmation: '' })
    try {
      const preflight = await studioPort().restore.preflight(profileId, source)
      if (get().target?.id === profileId) set({ preflight, preflightStatus: 'done' })
    } catch (error) {
      if (get().target?.id !== profileId) return
      set({ preflightStatus: 'failed' })
      reportError(`Checking ${target.name} before the restore`, error)
    }
  },
  toConfirm() {
    const { preflight, target } = get()
    if (target !== null && preflight !== null && preflight.blockers.length === 0) set({ step: 'confirm' })
  },
  setSafetySnapshot(on) {
    set({ safetySnapshot: on })
  },
  setConfirmation(text) {
    set({ confirmation: text })
  },
  async start() {
    const state = get()
    if (state.step !== 'confirm' || restoreBlockedBecause(state) !== null) return false
    const { source, target, safetySnapshot, confirmation } = state
    if (source === null || target === null) return false
    const op = (running = new AbortController())
    set({ step: 'running', progress: null })
    try {
      const result = await studioPort().restore.run(
        { profileId: target.id, source, safetySnapshot, confirmation },
        (progress) => running === op && set({ progress }),
        op.signal,
      )
      if (running !== op) return false
      set({ step: 'done', result })
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
    if (i > 0) set({ step: order[i - 1]!, confirmation: '' })
  },
  reset() {
    running?.abort()
    running = null
    set({ ...initial })
  },
}))

export const selectRestoreStep = (s: RestoreState): RestoreStep => s.step
export const selectRestoreSource = (s: RestoreState): SnapshotSourceRef | null => s.source
export const selectRestoreReading = (s: RestoreState): ByteProgress | null => s.reading
export const selectRestoreInspection = (s: RestoreState): SnapshotInspectionWire | null => s.inspection
export const selectRestoreProfiles = (s: RestoreState): ProfileView[] => s.profiles
export const selectRestoreTarget = (s: RestoreState): ProfileView | null => s.target
export const selectPreflight = (s: RestoreState): RestorePreflight | null => s.preflight
export const selectPreflightStatus = (s: RestoreState): RestoreState['preflightStatus'] => s.preflightStatus
export const selectSafetySnapshot = (s: RestoreState): boolean => s.safetySnapshot
export const selectConfirmation = (s: RestoreState): string => s.confirmation
export const selectRestoreProgress = (s: RestoreState): RestoreProgress | null => s.progress
export const selectRestoreResult = (s: RestoreState): RestoreResult | null => s.result
export const selectBlockedBecause = (s: RestoreState): string | null => restoreBlockedBecause(s)
