import { create } from 'zustand'
import type { SnapshotSourceRef, SourceDecryption } from '../../shared/snapshot-wire-types'

/** A backup in a plan's destination, read where it is stored. */
export interface StoredBackupRef {
  planId: string
  destinationIndex: number
  name: string
  /** The key of an encrypted backup, held in memory for this request only. */
  decryption?: SourceDecryption
}

/** A snapshot the host copied into the upload area for one use (see RestoreState.usePreparedCopy). */
export type PreparedCopyRef = SnapshotSourceRef & { kind: 'upload' }

export type Screen = 'profiles' | 'inspect' | 'save' | 'restore' | 'backups' | 'fleet' | 'growth' | 'compare'

/**
 * Which screen is showing, plus requests that cross features ("open this saved file in
 * Inspect") as data: features never import each other, they post and read requests here.
 */
interface NavigationState {
  screen: Screen
  /** a snapshot another screen asked Inspect to open (path null: the bundled sample); handled once */
  inspectRequest: { path: string | null; seq: number } | null
  /** a stored backup the Backups view asked Inspect to read streamed from its store; handled once */
  storedInspectRequest: { backup: StoredBackupRef; seq: number } | null
  /** a copy the Backups view fetched into the upload area for the restore wizard; handled once */
  restoreRequest: { source: PreparedCopyRef; seq: number } | null
  /** bumped by Ctrl/Cmd+N and the menu; the profiles screen opens a blank form */
  newProfileRequest: number
  /** bumped by Ctrl/Cmd+O and the menu; Inspect opens its file chooser */
  openFileRequest: number
  go(screen: Screen): void
  openInInspect(path: string): void
  openSample(): void
  openStoredInInspect(backup: StoredBackupRef): void
  openInRestore(source: PreparedCopyRef): void
  requestNewProfile(): void
  requestOpenFile(): void
}

let seq = 0

export const useNavigationStore = create<NavigationState>((set) => ({
  screen: 'profiles',
  inspectRequest: null,
  storedInspectRequest: null,
  restoreRequest: null,
  newProfileRequest: 0,
  openFileRequest: 0,
  go(screen) {
    set({ screen })
  },
  openInInspect(path) {
    set({ screen: 'inspect', inspectRequest: { path, seq: ++seq } })
  },
  openSample() {
    set({ screen: 'inspect', inspectRequest: { path: null, seq: ++seq } })
  },
  openStoredInInspect(backup) {
    set({ screen: 'inspect', storedInspectRequest: { backup, seq: ++seq } })
  },
  openInRestore(source) {
    set({ screen: 'restore', restoreRequest: { source, seq: ++seq } })
  },
  requestNewProfile() {
    set((s) => ({ screen: 'profiles', newProfileRequest: s.newProfileRequest + 1 }))
  },
  requestOpenFile() {
    set((s) => ({ screen: 'inspect', openFileRequest: s.openFileRequest + 1 }))
  },
}))

export const selectScreen = (s: NavigationState): Screen => s.screen
export const selectGo = (s: NavigationState): NavigationState['go'] => s.go
export const selectInspectRequest = (s: NavigationState): NavigationState['inspectRequest'] =>
  s.inspectRequest
export const selectNewProfileRequest = (s: NavigationState): number => s.newProfileRequest
export const selectOpenFileRequest = (s: NavigationState): number => s.openFileRequest
export const selectOpenInInspect = (s: NavigationState): NavigationState['openInInspect'] => s.openInInspect
export const selectOpenSample = (s: NavigationState): NavigationState['openSample'] => s.openSample
export const selectStoredInspectRequest = (s: NavigationState): NavigationState['storedInspectRequest'] =>
  s.storedInspectRequest
export const selectRestoreRequest = (s: NavigationState): NavigationState['restoreRequest'] =>
  s.restoreRequest
