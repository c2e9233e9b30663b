import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiClient, OperationHandle } from '../../../shared/api-client'
import type { AppErrorPayload } from '../../../shared/app-error'
import { DEFAULT_KV_DEPTH, MAX_KV_DEPTH } from '../../../shared/kv-details-options'
import type { ByteProgress } from '../../../shared/progress'
import type {
  IntegrityWire,
  RecentFile,
  SnapshotInspectionWire,
  SnapshotSourceRef,
  SourceDecryption,
} from '../../../shared/snapshot-wire-types'
import { followOperation } from '../../api/follow-operation'
import { reportError, toPayload } from '../../store/error-store'
import type { StoredBackupRef } from '../../store/navigation-store'
import { useStudio } from '../../store/studio-context'
import type { ContentStore } from './content-store'

export type InspectStatus = 'empty' | 'reading' | 'ready' | 'error'

export interface KvDetailsOptions {
  depth: number
  filter: string
}

export interface InspectState {
  status: InspectStatus
  source: SnapshotSourceRef | null
  progress: ByteProgress | null
  /** what the progress bar is busy with: uploading the file, or reading it */
  phase: 'upload' | 'read' | null
  inspection: SnapshotInspectionWire | null
  integrity: IntegrityWire | null
  kvOptions: KvDetailsOptions
  kvStatus: 'idle' | 'reading'
  /** A file being uploaded or read while the one on screen stays open. */
  pending: string | null
  /** Why the last file could not be opened, shown beside the file that stayed open. */
  openError: { name: string; error: AppErrorPayload } | null
  /**
   * An age-encrypted file that needs a key (or got a wrong one): the screen asks for an identity
   * or passphrase, which goes with this file's requests only and is never saved.
   */
  keyPrompt: { source: SnapshotSourceRef; error: AppErrorPayload } | null
  recent: RecentFile[]
  /** The stored backup on screen, read streamed from its store (no file on the host); else null. */
  streamed: StoredBackupRef | null
  loadRecent(): Promise<void>
  openStored(backup: StoredBackupRef): Promise<void>
  open(source: SnapshotSourceRef): Promise<void>
  openFile(file: File): Promise<void>
  openHostPath(path: string): Promise<void>
  openSample(): Promise<void>
  chooseWithDialog(): Promise<void>
  cancel(): void
  applyKvOptions(options: KvDetailsOptions): Promise<void>
  close(): void
  dismissOpenError(): void
  unlock(key: SourceDecryption): Promise<void>
  dismissKeyPrompt(): void
}

/** The host's answers that mean "ask the operator for the file's key". */
function needsKey(error: unknown): boolean {
  const code = toPayload(error).code
  return code === 'ENCRYPTED_KEY_REQUIRED' || code === 'ENCRYPTED_WRONG_KEY'
}

export type InspectStore = StoreApi<InspectState>

/**
 * Opening a snapshot starts two reads on the host at once: the summary (`snapshot.inspect`, here)
 * and the catalogue behind the content browser (the content store), so the KV tree arrives
 * sooner. Both start from this store's actions, whatever screen is showing.
 *
 * While a file is open, another one (dropped, picked, or chosen from the recent list) is read
 * first and replaces it only once it has verified: a file that fails leaves the open one as it
 * was, with the reason shown beside it.
 */
export function createInspectStore(client: ApiClient, content: ContentStore): InspectStore {
  // One read at a time: a new open cancels the previous one instead of racing it.
  let current: AbortController | null = null

  function startOperation(): AbortController {
    current?.abort()
    current = new AbortController()
    return current
  }

  return createStore<InspectState>()((set, get) => {
    const showing = () => get().status === 'ready' && get().inspection !== null

    /** What every summary read asks of the KV breakdown: the options the screen shows. */
    function kvRequest() {
      const { kvOptions } = get()
      return { kvDetails: true, kvDepth: kvOptions.depth, kvFilter: kvOptions.filter }
    }

    /** A summary being read, its progress shown while `op` is the current operation. */
    function followSummary(
      read: OperationHandle<SnapshotInspectionWire>,
      op: AbortController,
    ): Promise<SnapshotInspectionWire> {
      return followOperation(read, op.signal, (event) => {
        if (current === op && event.kind === 'inspect') set({ progress: event.progress })
      })
    }

    /** The summary of `source` (snapshot.inspect with the KV options). */
    function readSummary(source: SnapshotSourceRef, op: AbortController): Promise<SnapshotInspectionWire> {
      return followSummary(client.snapshot.inspect({ source, ...kvRequest() }), op)
    }

    function failedBeside(name: string, op: AbortController, error: unknown): void {
      set({ pending: null, progress: null, phase: null })
      if (!op.signal.aborted) set({ openError: { name, error: toPayload(error) } })
    }

    async function openBeside(source: SnapshotSourceRef): Promise<void> {
      const op = startOperation()
      set({ pending: source.name, progress: { bytes: 0, totalBytes: null }, phase: 'read', openError: null })
      try {
        const inspection = await readSummary(source, op)
        if (current !== op) return
        set({
          status: 'ready',
          source,
          streamed: null,
          inspection,
          integrity: inspection.integrity,
          pending: null,
          progress: null,
          phase: null,
        })
        void content.getState().open(source)
        void get().loadRecent()
      } catch (error) {
        if (current !== op) return
        if (needsKey(error) && !op.signal.aborted) {
          set({ pending: null, progress: null, phase: null, keyPrompt: { source, error: toPayload(error) } })
          return
        }
        failedBeside(source.name, op, error)
      }
    }

    async function uploadBeside(file: File): Promise<void> {
      const op = startOperation()
      set({
        pending: file.name,
        progress: { bytes: 0, totalBytes: file.size },
        phase: 'upload',
        openError: null,
      })
      try {
        const source = await client.files.fromFile(file, {
          signal: op.signal,
          onUploadProgress: (bytes, totalBytes) => {
            if (current === op) set({ progress: { bytes, totalBytes } })
          },
        })
        if (current === op) await openBeside(source)
      } catch (error) {
        if (current === op) failedBeside(file.name, op, error)
      }
    }

    return {
      status: 'empty',
      source: null,
      progress: null,
      phase: null,
      inspection: null,
      integrity: null,
      kvOptions: { depth: DEFAULT_KV_DEPTH, filter: '' },
      kvStatus: 'idle',
      pending: null,
      openError: null,
      keyPrompt: null,
      recent: [],
      streamed: null,
      async openStored(backup) {
        const op = startOperation()
        content.getState().reset()
        set({
          openError: null,
          status: 'reading',
          source: null,
          // The key, if any, goes with the request only; the state keeps where the backup is.
          streamed: { planId: backup.planId, destinationIndex: backup.destinationIndex, name: backup.name },
          progress: { bytes: 0, totalBytes: null },
          phase: 'read',
          inspection: null,
          integrity: null,
        })
        // The contents are catalogued beside the summary, as for a file.
        void content.getState().openStored(backup)
        try {
          const inspection = await followSummary(
            client.storedBackups.inspect({
              planId: backup.planId,
              destinationIndex: backup.destinationIndex,
              name: backup.name,
              ...(backup.decryption ? { decryption: backup.decryption } : {}),
              ...kvRequest(),
            }),
            op,
          )
          if (current !== op) return
          set({ status: 'ready', inspection, integrity: inspection.integrity, progress: null, phase: null })
        } catch (error) {
          if (current !== op) return
          set({ status: op.signal.aborted ? 'empty' : 'error', streamed: null, progress: null, phase: null })
          content.getState().reset()
          if (!op.signal.aborted) reportError(`Reading ${backup.name} from its store`, error)
        }
      },
      async loadRecent() {
        try {
          set({ recent: (await client.recentFiles.list({})).files })
        } catch (error) {
          reportError('Listing recent files', error)
        }
      },
      async open(source) {
        if (showing()) return openBeside(source)
        const op = startOperation()
        set({
          openError: null,
          status: 'reading',
          source,
          streamed: null,
          progress: { bytes: 0, totalBytes: null },
          phase: 'read',
          inspection: null,
          integrity: null,
        })
        void content.getState().open(source)
        try {
          const inspection = await readSummary(source, op)
          if (current !== op) return
          set({ status: 'ready', inspection, integrity: inspection.integrity, progress: null, phase: null })
          // The host recorded the file as opened; show the list it keeps.
          void get().loadRecent()
        } catch (error) {
          if (current !== op) return
          set({
            status: op.signal.aborted ? (get().inspection ? 'ready' : 'empty') : 'error',
            progress: null,
            phase: null,
          })
          // A file that cannot be read has no contents to browse either.
          content.getState().reset()
          if (!op.signal.aborted && needsKey(error))
            set({ status: 'empty', keyPrompt: { source, error: toPayload(error) } })
          else if (!op.signal.aborted) reportError(`Opening ${source.name}`, error)
        }
      },
      async unlock(key) {
        const prompt = get().keyPrompt
        if (prompt === null) return
        set({ keyPrompt: null })
        await get().open({ ...prompt.source, decryption: key })
      },
      dismissKeyPrompt() {
        set({ keyPrompt: null })
      },
      async openFile(file) {
        if (showing()) return uploadBeside(file)
        const op = startOperation()
        content.getState().reset()
        set({
          openError: null,
          status: 'reading',
          source: null,
          progress: { bytes: 0, totalBytes: file.size },
          phase: 'upload',
          inspection: null,
          integrity: null,
        })
        try {
          const source = await client.files.fromFile(file, {
            signal: op.signal,
            onUploadProgress: (bytes, totalBytes) => {
              if (current === op) set({ progress: { bytes, totalBytes } })
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
        await get().open(client.files.fromPath(trimmed))
      },
      async openSample() {
        try {
          const sample = await client.sample.open({})
          await get().open({ kind: 'path', path: sample.path, name: sample.name })
        } catch (error) {
          reportError('Opening the sample snapshot', error)
        }
      },
      async chooseWithDialog() {
        try {
          const source = await client.files.pickSnapshot()
          if (source !== null) await get().open(source)
        } catch (error) {
          reportError('Choosing a snapshot file', error)
        }
      },
      cancel() {
        current?.abort()
        current = null
        if (get().pending !== null) {
          // Only the file being read beside the open one stops; the open one keeps its contents.
          set({ pending: null, progress: null, phase: null })
          return
        }
        content.getState().cancel()
        set((s) => ({
          status: s.inspection ? 'ready' : 'empty',
          progress: null,
          phase: null,
          kvStatus: 'idle',
        }))
      },
      async applyKvOptions(options) {
        const source = get().source
        const depth = Math.max(1, Math.min(MAX_KV_DEPTH, Math.trunc(options.depth) || 1))
        set({ kvOptions: { depth, filter: options.filter } })
        if (source === null || get().status !== 'ready') return
        // Re-reading the open file's KV breakdown stops a file being read beside it.
        set({ kvStatus: 'reading', pending: null, progress: null, phase: null })
        const op = startOperation()
        try {
          // Only the KV breakdown changes; the rest of the summary stays as first read.
          const inspection = await followOperation(
            client.snapshot.kvDetails({ source, kvDepth: depth, kvFilter: options.filter }),
            op.signal,
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
        content.getState().reset()
        set({
          status: 'empty',
          source: null,
          streamed: null,
          inspection: null,
          integrity: null,
          progress: null,
          phase: null,
          pending: null,
          openError: null,
        })
      },
      dismissOpenError() {
        set({ openError: null })
      },
    }
  })
}

export function useInspectStore<T>(selector: (s: InspectState) => T): T {
  return useStore(useStudio().inspect, selector)
}

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
export const selectPending = (s: InspectState): string | null => s.pending
export const selectOpenError = (s: InspectState): InspectState['openError'] => s.openError
export const selectKeyPrompt = (s: InspectState): InspectState['keyPrompt'] => s.keyPrompt
