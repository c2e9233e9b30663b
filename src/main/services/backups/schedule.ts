import { Cron } from 'croner'
import { AppError } from '../../../shared/app-error'

/**
 * When the agent works: a fixed interval (the Enterprise agent's `interval`) or a cron expression
 * in a time zone (ours), plus optional jitter so that many clusters do not hit one storage at the
 * same second. Cron parsing is croner's; we only choose its options.
 */
export type Schedule =
  | { kind: 'interval'; intervalMs: number; jitterMs: number }
  | { kind: 'cron'; expression: string; timeZone: string; jitterMs: number }

export type ScheduleInput =
  { intervalMs: number; jitterMs?: number } | { cron: string; timeZone?: string; jitterMs?: number }

const NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']

export function parseSchedule(input: ScheduleInput): Schedule {
  const jitterMs = input.jitterMs ?? 0
  if (!(jitterMs >= 0)) throw new AppError('INVALID_ARGUMENT', 'The jitter must not be negative.')
  if ('intervalMs' in input) {
    if (!(input.intervalMs >= 0)) throw new AppError('INVALID_ARGUMENT', 'The interval must not be negative.')
    return { kind: 'interval', intervalMs: input.intervalMs, jitterMs }
  }
  const expression = input.cron.trim()
  const timeZone = input.timeZone ?? 'UTC'
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
  } catch {
    throw new AppError('INVALID_ARGUMENT', `"${timeZone}" is not an IANA time zone.`, {
      details: { key: 'time_zone' },
    })
  }
  // Five fields or a nickname, as cron(8); seconds and years (croner's extensions) are refused so
  // the expression means the same in any other cron.
  const fields = expression.split(/\s+/)
  if (!NICKNAMES.includes(expression.toLowerCase()) && fields.length !== 5)
    throw new AppError(
      'INVALID_ARGUMENT',
      `"${expression}" is not a cron expression (it has ${fields.length} fields; five are needed).`,
      { details: { key: 'schedule' } },
    )
  try {
    cronFor(expression, timeZone).nextRun(new Date(0))
  } catch (error) {
    throw new AppError(
      'INVALID_ARGUMENT',
      `"${expression}" is not a cron expression: ${(error as Error).message}.`,
      {
        details: { key: 'schedule' },
      },
    )
  }
  return { kind: 'cron', expression, timeZone, jitterMs }
}

function cronFor(expression: string, timeZone: string): Cron {
  // domAndDow false: day-of-month OR day-of-week when both are restricted, as Vixie cron does.
  return new Cron(expression, { paused: true, timezone: timeZone, mode: 'auto', domAndDow: false })
}

/**
 * Deterministic jitter in [0, jitterMs) for one run: derived from a seed (the service ID) and
 * the nominal time, so the same instance spreads the same way and tests can predict it.
 */
export function jitterFor(schedule: Schedule, nominal: Date, seed: string): number {
  if (schedule.jitterMs <= 0) return 0
  let hash = 2166136261
  const text = `${seed}@${nominal.getTime()}`
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 16777619)
  }
  return Math.floor(((hash >>> 0) / 2 ** 32) * schedule.jitterMs)
}

export interface ScheduledRun {
  /** When the schedule says (before jitter). */
  nominal: Date
  /** When the run starts (nominal + jitter). */
  at: Date
}

/**
 * The next `n` runs after `after`. For an interval, runs are `from + k × interval` where `from` is
 * the reference point (the agent's start, or its last run), as the Enterprise agent's ticker does.
 */
export function nextRuns(
  schedule: Schedule,
  n: number,
  options: { after: Date; from?: Date; seed?: string },
): ScheduledRun[] {
  const seed = options.seed ?? ''
  const runs: ScheduledRun[] = []
  if (schedule.kind === 'interval') {
    if (schedule.intervalMs === 0) return runs
    const from = (options.from ?? options.after).getTime()
    const after = options.after.getTime()
    let k = Math.max(1, Math.floor((after - from) / schedule.intervalMs) + 1)
    while (runs.length < n) {
      const nominal = new Date(from + k * schedule.intervalMs)
      runs.push({ nominal, at: new Date(nominal.getTime() + jitterFor(schedule, nominal, seed)) })
      k++
    }
    return runs
  }
  const cron = cronFor(schedule.expression, schedule.timeZone)
  for (const nominal of cron.nextRuns(n, options.after)) {
    runs.push({ nominal, at: new Date(nominal.getTime() + jitterFor(schedule, nominal, seed)) })
  }
  return runs
}

/**
 * The longest expected gap between two runs: the interval, or for cron the largest gap among
 * the next runs (a weekday-only schedule has a weekend gap). The Saving check's TTL and
 * `agent status` use twice this.
 */
export function expectedGapMs(schedule: Schedule, now: Date): number {
  if (schedule.kind === 'interval') return schedule.intervalMs + schedule.jitterMs
  const runs = nextRuns(schedule, 32, { after: now }).map((r) => r.nominal.getTime())
  let gap = 0
  for (let i = 1; i < runs.length; i++) gap = Math.max(gap, runs[i]! - runs[i - 1]!)
  return gap + schedule.jitterMs
}
