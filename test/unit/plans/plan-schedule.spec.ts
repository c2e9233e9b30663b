import { describe, expect, it } from 'vitest'
import { engineSchedule, latestDueRun, upcomingRun } from '../../../src/main/services/plans/plan-schedule'
import { nextRuns } from '../../../src/main/services/backups/schedule'

const hour = 3_600_000

describe('plan schedules', () => {
  it('gives the next five runs of a cron schedule in its time zone (what the editor shows)', () => {
    const schedule = engineSchedule({
      kind: 'cron',
      expression: '30 2 * * 1-5',
      timeZone: 'Europe/Berlin',
      jitterMs: 0,
    })
    const runs = nextRuns(schedule, 5, { after: new Date('2026-12-04T00:00:00Z') }).map((r) =>
      r.at.toISOString(),
    )
    // Friday, then Monday to Thursday; 02:30 in Berlin is 01:30 UTC in winter.
    expect(runs).toEqual([
      '2026-12-04T01:30:00.000Z',
      '2026-12-07T01:30:00.000Z',
      '2026-12-08T01:30:00.000Z',
      '2026-12-09T01:30:00.000Z',
      '2026-12-10T01:30:00.000Z',
    ])
  })

  it('keeps an interval\u2019s phase from the last run', () => {
    const schedule = engineSchedule({ kind: 'interval', intervalMs: hour, jitterMs: 0 })
    const reference = new Date('2026-12-01T10:15:00Z')
    expect(upcomingRun(schedule, reference, new Date('2026-12-01T12:40:00Z'), 'p')?.at).toEqual(
      new Date('2026-12-01T13:15:00Z'),
    )
  })

  it('names one missed occurrence however many were missed: the latest one due', () => {
    const interval = engineSchedule({ kind: 'interval', intervalMs: hour, jitterMs: 0 })
    const reference = new Date('2026-12-01T10:00:00Z')
    expect(latestDueRun(interval, reference, new Date('2026-12-01T10:59:00Z'), 'p')).toBeNull()
    expect(latestDueRun(interval, reference, new Date('2026-12-01T15:30:00Z'), 'p')?.nominal).toEqual(
      new Date('2026-12-01T15:00:00Z'),
    )
    const daily = engineSchedule({ kind: 'cron', expression: '@daily', timeZone: 'UTC', jitterMs: 0 })
    expect(latestDueRun(daily, reference, new Date('2026-12-05T08:00:00Z'), 'p')?.nominal).toEqual(
      new Date('2026-12-05T00:00:00Z'),
    )
  })

  it('counts jitter: a run whose jittered time has not come is not due yet', () => {
    const schedule = engineSchedule({ kind: 'interval', intervalMs: hour, jitterMs: 30 * 60_000 })
    const reference = new Date('2026-12-01T10:00:00Z')
    const next = upcomingRun(schedule, reference, reference, 'plan-a')!
    expect(next.at.getTime() - next.nominal.getTime()).toBeLessThan(30 * 60_000)
    expect(latestDueRun(schedule, reference, new Date(next.at.getTime() - 1), 'plan-a')).toBeNull()
    expect(latestDueRun(schedule, reference, next.at, 'plan-a')?.nominal).toEqual(next.nominal)
  })
})
