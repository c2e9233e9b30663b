import { describe, expect, it } from 'vitest'
import {
  expectedGapMs,
  jitterFor,
  nextRuns,
  parseSchedule,
} from '../../../src/main/services/backups/schedule'

const iso = (dates: { at: Date }[]) => dates.map((d) => d.at.toISOString())

describe('interval schedules', () => {
  it('run every interval from the reference point, as the Enterprise agent ticker', () => {
    const schedule = parseSchedule({ intervalMs: 3_600_000 })
    const from = new Date('2026-03-01T10:17:00Z')
    expect(iso(nextRuns(schedule, 3, { after: from, from }))).toEqual([
      '2026-03-01T11:17:00.000Z',
      '2026-03-01T12:17:00.000Z',
      '2026-03-01T13:17:00.000Z',
    ])
  })

  it('skip the runs already past when asked later', () => {
    const schedule = parseSchedule({ intervalMs: 600_000 })
    const runs = nextRuns(schedule, 1, {
      from: new Date('2026-03-01T10:00:00Z'),
      after: new Date('2026-03-01T10:25:00Z'),
    })
    expect(iso(runs)).toEqual(['2026-03-01T10:30:00.000Z'])
  })

  it('interval 0 (one-shot) has no next runs', () => {
    expect(nextRuns(parseSchedule({ intervalMs: 0 }), 5, { after: new Date() })).toEqual([])
  })
})

describe('cron schedules', () => {
  it.each([
    ['0 3 * * *', 'UTC', '2026-03-01T00:00:00Z', ['2026-03-01T03:00:00.000Z', '2026-03-02T03:00:00.000Z']],
    ['@hourly', 'UTC', '2026-03-01T10:30:00Z', ['2026-03-01T11:00:00.000Z', '2026-03-01T12:00:00.000Z']],
    ['@daily', 'UTC', '2026-03-01T10:30:00Z', ['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z']],
    ['*/15 * * * *', 'UTC', '2026-03-01T10:01:00Z', ['2026-03-01T10:15:00.000Z', '2026-03-01T10:30:00.000Z']],
    // 03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC after the switch to summer time (29 March).
    [
      '0 3 * * *',
      'Europe/Berlin',
      '2026-03-28T00:00:00Z',
      ['2026-03-28T02:00:00.000Z', '2026-03-29T01:00:00.000Z'],
    ],
    ['30 2 * * 1-5', 'UTC', '2026-03-06T12:00:00Z', ['2026-03-09T02:30:00.000Z', '2026-03-10T02:30:00.000Z']],
  ])('%s in %s after %s', (cron, timeZone, after, expected) => {
    const schedule = parseSchedule({ cron, timeZone })
    expect(iso(nextRuns(schedule, 2, { after: new Date(after) }))).toEqual(expected)
  })

  it.each([
    ['61 * * * *', /not a cron expression/],
    ['* * * *', /five are needed/],
    ['0 0 3 * * *', /five are needed/],
    ['every day', /five are needed|not a cron/],
  ])('refuses %j', (cron, message) => {
    expect(() => parseSchedule({ cron })).toThrow(message)
  })

  it('refuses an unknown time zone', () => {
    expect(() => parseSchedule({ cron: '@daily', timeZone: 'Mars/Olympus' })).toThrow(/IANA time zone/)
  })

  it('expects the longest gap of the schedule (a weekday schedule has a weekend)', () => {
    const weekdays = parseSchedule({ cron: '0 2 * * 1-5' })
    expect(expectedGapMs(weekdays, new Date('2026-03-02T00:00:00Z'))).toBe(3 * 86_400_000)
    expect(expectedGapMs(parseSchedule({ intervalMs: 60_000, jitterMs: 5_000 }), new Date())).toBe(65_000)
  })
})

describe('jitter', () => {
  it('delays each run by a stable amount below the jitter, different per instance', () => {
    const schedule = parseSchedule({ cron: '@hourly', jitterMs: 300_000 })
    const nominal = new Date('2026-03-01T11:00:00Z')
    const a = jitterFor(schedule, nominal, 'consul-snapshot:a')
    expect(a).toBeGreaterThanOrEqual(0)
    expect(a).toBeLessThan(300_000)
    expect(jitterFor(schedule, nominal, 'consul-snapshot:a')).toBe(a)
    expect(jitterFor(schedule, nominal, 'consul-snapshot:b')).not.toBe(a)
    const [run] = nextRuns(schedule, 1, {
      after: new Date('2026-03-01T10:30:00Z'),
      seed: 'consul-snapshot:a',
    })
    expect(run?.nominal.toISOString()).toBe('2026-03-01T11:00:00.000Z')
    expect(run?.at.getTime()).toBe(nominal.getTime() + a)
  })

  it('is zero without a jitter setting', () => {
    expect(jitterFor(parseSchedule({ intervalMs: 1000 }), new Date(), 'x')).toBe(0)
  })
})
