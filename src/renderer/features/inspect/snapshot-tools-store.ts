import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiClient } from '../../../shared/api-client'
import { isAppError, type AppErrorPayload } from '../../../shared/app-error'
import type { ByteProgress } from '../../../shared/progress'
import type { SnapshotSourceRef } from '../../../shared/snapshot-wire-types'
import type { DrillPhaseWire, DrillResultWire, RedactedCopyWire } from '../../../shared/snapshot-tools-types'
import { followOperation } from '../../api/follow-operation'
import { toPayload } from '../../store/error-store'

type Step<Result, Progress> =
  | { status: 'idle' }
  | { status: 'running'; progress: Progress | null }
  | { status: 'done'; result: Result }
  | { status: 'error'; error: AppErrorPayload }

/** The open file's redacted copy and restore drill; one store per open file (inspect-screen keys it). */
export interface SnapshotToolsState {
  redact: Step<RedactedCopyWire, ByteProgress>
  drill: Step<DrillResultWire, DrillPhaseWire>
  exportRedacted(kvPrefixes: string[]): Promise<void>
  /** Into the host's throw-away dev agent, or a profile marked as a scratch cluster. */
  runDrill(target?: DrillTargetChoice): Promise<void>
  cancelRedact(): void
  cancelDrill(): void
}

export type DrillTargetChoice = { kind: 'dev-agent' } | { kind: 'scratch-profile'; profileId: string }

export type SnapshotToolsStore = StoreApi<SnapshotToolsState>

/** Prefixes typed one per line (or comma separated); blanks dropped. */
export function parseKvPrefixes(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
}

export function createSnapshotToolsStore(client: ApiClient, source: SnapshotSourceRef): SnapshotToolsStore {
  let redacting: AbortController | null = null
  let drilling: AbortController | null = null
  // A cancel the operator asked for ends the step quietly; anything else is shown where it happened.
  const failure = (error: unknown) =>
    isAppError(error) && error.code === 'CANCELLED'
      ? ({ status: 'idle' } as const)
      : ({ status: 'error', error: toPayload(error) } as const)
  return createStore<SnapshotToolsState>()((set) => ({
    redact: { status: 'idle' },
    drill: { status: 'idle' },
    async exportRedacted(kvPrefixes) {
      redacting?.abort()
      const controller = new AbortController()
      redacting = controller
      set({ redact: { status: 'running', progress: null } })
      try {
        const result = await followOperation(
          client.snapshot.redact({ source, kvPrefixes }),
          controller.signal,
          (event) => {
            if (event.kind === 'inspect' && redacting === controller)
              set({ redact: { status: 'running', progress: event.progress } })
          },
        )
        if (redacting === controller) set({ redact: { status: 'done', result } })
      } catch (error) {
        if (redacting === controller) set({ redact: failure(error) })
      } finally {
        if (redacting === controller) redacting = null
      }
    },
    async runDrill(target = { kind: 'dev-agent' }) {
      drilling?.abort()
      const controller = new AbortController()
      drilling = controller
      set({ drill: { status: 'running', progress: null } })
      try {
        const result = await followOperation(
          client.snapshot.drill({ source, target }),
          controller.signal,
          (event) => {
            if (event.kind === 'drill' && drilling === controller)
              set({ drill: { status: 'running', progress: event.phase } })
          },
        )
        if (drilling === controller) set({ drill: { status: 'done', result } })
      } catch (error) {
        if (drilling === controller) set({ drill: failure(error) })
      } finally {
        if (drilling === controller) drilling = null
      }
    },
    cancelRedact() {
      redacting?.abort()
    },
    cancelDrill() {
      drilling?.abort()
    },
  }))
}
