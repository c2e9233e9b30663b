import { mkdirSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { createStream, type RotatingFileStream } from 'rotating-file-stream'
import type { CheckReport } from './agent-check-report'
import type { CycleReport } from './snapshot-cycle'

/**
 * The run history on this machine: one JSON line per event (agent start, leadership changes,
 * every cycle with its start, end, duration, size, index, destination results and error),
 * rotated by size so it never fills the disk. Secrets never enter it: reports carry no tokens.
 */
export type JournalEvent =
  | { event: 'cycle'; serviceId: string | null; report: CycleReport; plan?: PlanCycleContext }
  | { event: 'agent-start' | 'agent-stop'; serviceId: string | null; mode: 'daemon' | 'once' }
  | { event: 'leadership'; serviceId: string | null; held: boolean; reason?: string }
  | { event: 'check'; serviceId: string | null; report: CheckReport }

/** Set when the app's backup plans run the cycle: which plan, cluster and run it belongs to. */
export interface PlanCycleContext {
  planId: string
  runId: string
  trigger: 'schedule' | 'catch-up' | 'manual'
  /** The scheduled time the run stands for (ISO); for a manual run, when it was asked for. */
  nominal: string
  profileId: string
  profileName: string
}

export interface RunJournal {
  record(event: JournalEvent): void
  close(): Promise<void>
}

export const JOURNAL_ROTATION = { size: '10M', maxFiles: 10 } as const

export function openRunJournal(path: string, clock: () => Date = () => new Date()): RunJournal {
  mkdirSync(dirname(path), { recursive: true })
  const stream: RotatingFileStream = createStream(basename(path), {
    path: dirname(path),
    size: JOURNAL_ROTATION.size,
    maxFiles: JOURNAL_ROTATION.maxFiles,
    mode: 0o640,
  })
  // A journal that cannot be written must not stop backups; the log says why.
  stream.on('error', (error: Error) => process.stderr.write(`run journal ${path}: ${error.message}\n`))
  return {
    record(event) {
      stream.write(JSON.stringify({ time: clock().toISOString(), ...event }) + '\n')
    },
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  }
}

export const noJournal: RunJournal = { record: () => undefined, close: async () => undefined }
