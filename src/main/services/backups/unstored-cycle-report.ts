import type { AppErrorPayload } from '../../../shared/app-error'
import type { CycleReport } from './snapshot-cycle'

/**
 * The report of a cycle that has stored nothing: where every cycle starts, and what one that
 * failed before storing (or whose process was lost, or that could not start) ends as. Its own
 * module: the daemon builds it without loading the cycle's code.
 */
export function unstoredCycleReport(
  id: string,
  startedAt: Date,
  endedAt: Date,
  error: AppErrorPayload | null,
): CycleReport {
  return {
    ok: false,
    partial: false,
    id,
    name: null,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationMs: endedAt.getTime() - startedAt.getTime(),
    size: null,
    index: null,
    sha256: null,
    consulVersion: null,
    datacenter: null,
    destinations: [],
    retention: [],
    error,
  }
}
