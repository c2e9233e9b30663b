/** What the host tells the renderer about backup plans and their runs. */
import type { AppErrorPayload } from './app-error'
import type { PlanInput } from './backup-plan-schema'

/**
 * ok: the last run succeeded and the next is not overdue; late: no good run within twice the
 * schedule's gap; failing: the last run failed; never: no run yet; paused.
 */
export type PlanFreshness = 'ok' | 'late' | 'failing' | 'never' | 'paused'

export type PlanRunTrigger = 'schedule' | 'catch-up' | 'manual'

/** One cluster's cycle within a run: the engine's CycleReport, trimmed for the wire. */
export interface PlanCycleView {
  profileId: string
  profileName: string
  ok: boolean
  name: string | null
  size: number | null
  index: number | null
  durationMs: number
  /** Where the file went, per destination. */
  locations: string[]
  /** What retention deleted after this cycle. */
  deleted: string[]
  error: AppErrorPayload | null
}

export interface PlanRunView {
  /** The engine's cycle ID of the run's first cycle (Unix ns). */
  id: string
  planId: string
  trigger: PlanRunTrigger
  startedAt: string
  endedAt: string
  ok: boolean
  cycles: PlanCycleView[]
}

export interface PlanView extends PlanInput {
  id: string
  createdAt: string
  updatedAt: string
  /** ISO time of the next scheduled run (jitter included); null when paused. */
  nextRunAt: string | null
  lastRun: PlanRunView | null
  /** The end of the last run that succeeded. */
  lastSuccessAt: string | null
  freshness: PlanFreshness
  /** A run of this plan is in progress on this host. */
  running: boolean
}

/** Set once when the plans file was unreadable and kept aside. */
export interface PlanStoreNotice {
  kind: 'corrupt-file-kept-aside'
  keptAsidePath: string
  reason: string
}

export interface ScheduledRunView {
  nominal: string
  at: string
}

export interface RetentionPreviewEntry {
  name: string
  takenAt: string
  /** Why it is kept, or why it goes. */
  reasons: string[]
}

export interface RetentionPreview {
  destination: string
  keep: RetentionPreviewEntry[]
  delete: RetentionPreviewEntry[]
  deferred: RetentionPreviewEntry[]
  /**
   * How many other files the folder holds (never touched). Their names stay on the host: a page
   * in browser mode may name any folder, and the preview must not become a folder listing.
   */
  ignoredCount: number
}

/**
 * One destination's preview, in the order the request listed the destinations. Each store has its
 * own listing, so one that cannot be read says why without hiding what the others would delete.
 */
export type RetentionPreviewOutcome =
  { ok: true; preview: RetentionPreview } | { ok: false; error: AppErrorPayload }

export interface ExportedFile {
  name: string
  /** What it is for, e.g. "install as /etc/consul-snapshot.d/snapshot-agent.json". */
  purpose: string
  content: string
}

/** A run that ended, for the failure notification. */
export interface PlanRunFinished {
  planId: string
  planName: string
  ok: boolean
  trigger: PlanRunTrigger
  message: string | null
}
