import type { PlanSchedule } from '../../../shared/backup-plan-schema'
import { nextRuns, parseSchedule, type Schedule, type ScheduledRun } from '../backups/schedule'

/** A plan's schedule as the engine's (croner parses cron; errors name the expression). */
export function engineSchedule(schedule: PlanSchedule): Schedule {
  return schedule.kind === 'interval'
    ? parseSchedule({ intervalMs: schedule.intervalMs, jitterMs: schedule.jitterMs })
    : parseSchedule({ cron: schedule.expression, timeZone: schedule.timeZone, jitterMs: schedule.jitterMs })
}

/**
 * The first run after `reference` (the last claimed run, or when the plan was saved). An interval
 * counts from the reference, so a plan keeps its phase across restarts of the app.
 */
export function firstRunAfter(schedule: Schedule, reference: Date, seed: string): ScheduledRun | null {
  return nextRuns(schedule, 1, { after: reference, from: reference, seed })[0] ?? null
}

/** The next run strictly after `now`, in the phase set by `reference`. */
export function upcomingRun(
  schedule: Schedule,
  reference: Date,
  now: Date,
  seed: string,
): ScheduledRun | null {
  return nextRuns(schedule, 1, { after: now, from: reference, seed })[0] ?? null
}

/** Bounds the walk over a cron schedule that was missed for a long time (every minute for a week is 10 080). */
const MAX_WALK = 100_000

/**
 * The latest run due at or before `now` after `reference`, or null when none was due. A run missed
 * while the app was closed is caught up once, under this one name, however many were missed: two
 * hosts starting on one data folder compute the same occurrence and only one can claim it.
 */
export function latestDueRun(
  schedule: Schedule,
  reference: Date,
  now: Date,
  seed: string,
): ScheduledRun | null {
  const first = firstRunAfter(schedule, reference, seed)
  if (first === null || first.at.getTime() > now.getTime()) return null
  if (schedule.kind === 'interval') {
    const k = Math.floor((now.getTime() - reference.getTime()) / schedule.intervalMs)
    // Jitter may push the k-th run past now; then the one before it is the latest due.
    for (let j = k; j >= 1; j--) {
      const nominal = new Date(reference.getTime() + j * schedule.intervalMs)
      const run = nextRuns(schedule, 1, { after: new Date(nominal.getTime() - 1), from: reference, seed })[0]
      if (run && run.at.getTime() <= now.getTime()) return run
    }
    return first
  }
  let latest = first
  for (let walked = 0; walked < MAX_WALK; walked++) {
    const next = nextRuns(schedule, 1, { after: latest.nominal, seed })[0]
    if (!next || next.at.getTime() > now.getTime()) return latest
    latest = next
  }
  return latest
}
