import { create } from 'zustand'
import {
  studioPort,
  type ByteProgress,
  type IntegrityWire,
  type RecentFile,
  type SnapshotInspectionWire,
  type SnapshotSourceRef,
} from '../../ports/studio-port'
import { reportError } from '../../store/error-store'

export type InspectStatus = 'empty' | 'reading' | 'ready' | 'error'

export interface KvDetailsOptions {
  depth: number
  filter: string
}

interface InspectState {
  status: InspectStatus
  source: SnapshotSourceRef | null
  progress: ByteProgress | null
  /** what the progress bar is busy with: uploading the file, or reading it */
  phase: 'upload' | 'read' | null
  inspection: SnapshotInspectionWire | null
  integrity: IntegrityWire | null
  kvOptions: KvDetailsOptions
  kvStatus: 'idle' | 'reading'
  recent: RecentFile[]
  loadRecent(): Promise<void>
  open(source: SnapshotSourceRef): Promise<void>
  openFile(file: File): Promise<void>
  openHostPath(path: string): Promise<void>
  openSample(): Promise<void>
  chooseWithDialog(): Promise<void>
  cancel(): void
  applyKvOptions(options: KvDetailsOptions): Promise<void>
  close(): void
}

// One read at a time: a new open cancels the previous one instead of racing it.
let current: AbortController | null = null

function startOperation(): AbortController {
  current?.abort()
  current = new AbortController()
  return current
}

export const useInspectStore = create<InspectState>((set, get) => ({
  status: 'empty',
  source: null,
  progress: null,
  phase: null,
  inspection: null,
  integrity: null,
  kvOptions: { depth: 2, filter: '' },
  kvStatus: 'idle',
  recent: [],
  async loadRecent() {
    try {
      set({ recent: await studioPort().files.recent() })
    } catch (error) {
      reportError('Listing recent files', error)
    }
  },
  async open(source) {
    const op = startOperation()
    set({
      status: 'reading',
      source,
      progress: { bytes: 0, total: null },
      phase: 'read',
      inspection: null,
      integrity: null,
    })
    const port = studioPort()
    const { kvOptions } = get()
    try {
      const onProgress = (progress: ByteProgress) => {
        if (current === op) set({ progress })
      }
      const inspection = await port.snapshots.inspect(
        source,
        { kvDetails: true, kvDepth: kvOptions.depth, kvFilter: kvOptions.filter },
        { onProgress, signal: op.signal },
      )
      if (current !== op) return
      set({ status: 'ready', inspection, integrity: inspection.integrity, progress: null, phase: null })
      void get().loadRecent()
    } catch (error) {
      if (current !== op) return
      set({
        status: op.signal.aborted ? (get().inspection ? 'ready' : 'empty') : 'error',
        progress: null,
        phase: null,
      })
      if (!op.signal.aborted) reportError(`Opening ${source.name}`, error)
    }
  },
  async openFile(file) {
    const op = startOperation()
    set({
      status: 'reading',
      source: null,
      progress: { bytes: 0, total: file.size },
      phase: 'upload',
      inspection: null,
      integrity: null,
    })
    try {
      const source = await studioPort().files.fromFile(file, {
        signal: op.signal,
        onProgress: (progress) => {
          if (current === op) set({ progress })
        },
      })
      if (current !== op) return
      await get().open(source)
    } catch (error) {
      if (current !== op) return
      set({ status: op.signal.aborted ? 'empty' : 'error', progress: null, phase: null })
      if (!op.signal.aborted) reportError(`Opening ${file.name}`, error)
    }
  },
  async openHostPath(path) {
    const trimmed = path.trim()
    if (trimmed === '') return
    await get().open(studioPort().files.fromHostPath(trimmed))
  },
  async openSample() {
    try {
      await get().open(await studioPort().files.sample())
    } catch (error) {
      reportError('Opening the sample snapshot', error)
    }
  },
  async chooseWithDialog() {
    try {
      const source = await studioPort().files.chooseSnapshot()
      if (source !== null) await get().open(source)
    } catch (error) {
      reportError('Choosing a snapshot file', error)
    }
  },
  cancel() {
    current?.abort()
    current = null
    set((s) => ({ status: s.inspection ? 'ready' : 'empty', progress: null, phase: null, kvStatus: 'idle' }))
  },
  async applyKvOptions(options) {
    const source = get().source
    const depth = Math.max(1, Math.min(64, Math.trunc(options.depth) || 1))
    set({ kvOptions: { depth, filter: options.filter } })
    if (source === null || get().status !== 'ready') return
    set({ kvStatus: 'reading' })
    const op = startOperation()
    try {
      const inspection = await studioPort().snapshots.inspect(
        source,
        { kvDetails: true, kvDepth: depth, kvFilter: options.filter },
        { signal: op.signal },
      )
      if (current !== op) return
      set({ inspection, kvStatus: 'idle' })
    } catch (error) {
      if (current !== op) return
      set({ kvStatus: 'idle' })
      if (!op.signal.aborted) reportError('Reading KV details', error)
    }
  },
  close() {
    current?.abort()
    current = null
    set({ status: 'empty', source: null, inspection: null, integrity: null, progress: null, phase: null })
  },
}))

export const selectInspectStatus = (s: InspectState): InspectStatus => s.status
export const selectInspection = (s: InspectState): SnapshotInspectionWire | null => s.inspection
export const selectIntegrity = (s: InspectState): IntegrityWire | null => s.integrity
export const selectSource = (s: InspectState): SnapshotSourceRef | null => s.source
export const selectInspectProgress = (
  s: InspectState,
): { progress: ByteProgress | null; phase: InspectState['phase'] } => ({
  progress: s.progress,
  phase: s.phase,
})
export const selectRecent = (s: InspectState): RecentFile[] => s.recent
export const selectKvOptions = (s: InspectState): KvDetailsOptions => s.kvOptions
export const selectKvStatus = (s: InspectState): InspectState['kvStatus'] => s.kvStatus
