import { describe, expect, it } from 'vitest'
import { renderFileName } from '../../../src/main/services/consul/snapshot-file-name'
import {
  enterpriseNamePattern,
  planRetention,
  templateNamePattern,
  type RetentionPolicy,
} from '../../../src/main/services/backups/retention'

// Read as the specification of retention. Backups are named as the Enterprise agent names them:
// consul-<unix nanoseconds>.snap.
const HOUR = 3_600_000
const DAY = 24 * HOUR
const now = new Date('2026-03-15T12:00:00Z')
const nameAt = (date: Date) => `consul-${BigInt(date.getTime()) * 1_000_000n + 123n}.snap`
const ago = (ms: number) => nameAt(new Date(now.getTime() - ms))
/** n backups, one every `every` ms, newest first (ago(0), ago(every), ...). */
const series = (n: number, every: number) => Array.from({ length: n }, (_, i) => ago(i * every))
const policy = (p: Partial<RetentionPolicy>): RetentionPolicy => ({
  retain: 0,
  maxAgeMs: null,
  hourly: 0,
  daily: 0,
  weekly: 0,
  monthly: 0,
  yearly: 0,
  timeZone: 'UTC',
  ...p,
})
const plan = (names: string[], p: Partial<RetentionPolicy>) =>
  planRetention(
    names.map((name) => ({ name })),
    policy(p),
    now,
  )
const names = (entries: { name: string }[]) => entries.map((e) => e.name)

describe('retention by count (the Enterprise agent rule)', () => {
  it.each([
    { have: 5, retain: 3, keep: 3, remove: 2 },
    { have: 3, retain: 3, keep: 3, remove: 0 },
    { have: 2, retain: 30, keep: 2, remove: 0 },
    { have: 10, retain: 1, keep: 1, remove: 2 }, // capped at 2 × retain, rest deferred
  ])('$have backups, retain $retain → keep $keep, delete $remove', ({ have, retain, keep, remove }) => {
    const all = series(have, HOUR)
    const result = plan(all, { retain })
    expect(names(result.keep)).toEqual(all.slice(0, keep))
    expect(result.delete).toHaveLength(remove)
  })

  it('deletes the oldest first and defers what exceeds 2 × retain per cycle', () => {
    const all = series(10, HOUR)
    const result = plan(all, { retain: 2 })
    expect(names(result.delete)).toEqual([all[9], all[8], all[7], all[6]])
    expect(names(result.deferred)).toEqual([all[5], all[4], all[3], all[2]])
    expect(result.deferred[0]?.reason).toMatch(/limit of 4 deletions/)
  })

  it('retain 0 with no other rule keeps everything', () => {
    const all = series(50, HOUR)
    const result = plan(all, { retain: 0 })
    expect(result.delete).toEqual([])
    expect(result.keep).toHaveLength(50)
  })

  it('orders by the ID in the name, not by listing order', () => {
    const all = series(4, HOUR)
    const shuffled = [all[2]!, all[0]!, all[3]!, all[1]!]
    expect(names(plan(shuffled, { retain: 2 }).keep)).toEqual([all[0], all[1]])
  })
})

describe('names that are not ours', () => {
  it('are never considered, whatever the policy', () => {
    const ours = series(3, DAY * 400)
    const foreign = [
      'notes.txt',
      'consul-123.snap.json',
      'consul-abc.snap',
      'consul-1.snap.bak',
      'backup-consul-1479360073448728784.snap',
      'prod-dc1-1.14.8-42-20200101T000000Z.snap',
    ]
    const result = plan([...ours, ...foreign], { retain: 1, maxAgeMs: DAY })
    expect(result.ignored).toEqual([...foreign].sort())
    expect([...names(result.delete), ...names(result.keep)].sort()).toEqual([...ours].sort())
  })
})

describe('maximum age', () => {
  it('deletes what is older than max_age even when a keep rule would keep it', () => {
    const all = series(6, DAY) // 0..5 days old
    const result = plan(all, { retain: 30, maxAgeMs: 3 * DAY + HOUR })
    expect(names(result.keep)).toEqual(all.slice(0, 4))
    expect(names(result.delete)).toEqual([all[5], all[4]])
    expect(result.delete[0]?.reason).toMatch(/older than max_age \(5 days old\)/)
  })

  it('works alone, without a count', () => {
    const all = series(4, DAY)
    expect(names(plan(all, { maxAgeMs: 1.5 * DAY }).keep)).toEqual(all.slice(0, 2))
  })

  it('never deletes the newest backup, however old', () => {
    const old = [ago(100 * DAY), ago(200 * DAY)]
    const result = plan(old, { maxAgeMs: DAY })
    expect(names(result.keep)).toEqual([old[0]])
    expect(result.keep[0]?.reasons).toContain('newest')
    expect(names(result.delete)).toEqual([old[1]])
  })
})

describe('grandfather-father-son tiers', () => {
  it('daily N keeps the newest backup of each of the last N days that have one', () => {
    // Every 6 hours for 5 days: 20 backups; the newest of each day is kept for 3 days.
    const all = series(20, 6 * HOUR)
    const result = plan(all, { daily: 3 })
    expect(result.keep.map((k) => k.reasons.at(-1))).toEqual([
      'daily 2026-03-15',
      'daily 2026-03-14',
      'daily 2026-03-13',
    ])
    expect(result.keep).toHaveLength(3)
    expect(result.delete).toHaveLength(17) // no count rule: no per-cycle cap
  })

  it('combines tiers with a count: a backup is kept when any rule keeps it', () => {
    const all = series(24 * 40, HOUR) // hourly backups for 40 days
    const result = plan(all, { retain: 0, hourly: 6, daily: 7, weekly: 4, monthly: 2 })
    const kept = result.keep.map((k) => k.reasons.join(', '))
    expect(kept.slice(0, 6)).toEqual([
      'newest, hourly 2026-03-15T12, daily 2026-03-15, weekly 2026-W11, monthly 2026-03',
      'hourly 2026-03-15T11',
      'hourly 2026-03-15T10',
      'hourly 2026-03-15T09',
      'hourly 2026-03-15T08',
      'hourly 2026-03-15T07',
    ])
    // 6 hourly + 6 more daily (today shared) + weeks W10, W09, W08 (W11 shared) + February.
    expect(result.keep).toHaveLength(6 + 6 + 3 + 1)
    expect(result.keep.some((k) => k.reasons.includes('weekly 2026-W08'))).toBe(true)
    expect(result.keep.some((k) => k.reasons.includes('monthly 2026-02'))).toBe(true)
  })

  it('counts calendar days in the configured time zone', () => {
    // 23:30 UTC on 14 March is already 15 March in Tokyo.
    const late = nameAt(new Date('2026-03-14T23:30:00Z'))
    const early = nameAt(new Date('2026-03-14T13:00:00Z'))
    const utc = plan([late, early], { daily: 2 })
    expect(utc.keep.map((k) => k.reasons.at(-1))).toEqual(['daily 2026-03-14'])
    const tokyo = plan([late, early], { daily: 2, timeZone: 'Asia/Tokyo' })
    expect(tokyo.keep.map((k) => k.reasons.at(-1))).toEqual(['daily 2026-03-15', 'daily 2026-03-14'])
  })

  it('uses ISO weeks across the new year', () => {
    const dec31 = nameAt(new Date('2025-12-31T12:00:00Z')) // Wednesday of 2026-W01
    const dec28 = nameAt(new Date('2025-12-28T12:00:00Z')) // Sunday of 2025-W52
    const result = plan([dec31, dec28], { weekly: 2 })
    expect(result.keep.map((k) => k.reasons.at(-1))).toEqual(['weekly 2026-W01', 'weekly 2025-W52'])
  })

  it('yearly keeps the newest of each year', () => {
    const all = [
      new Date('2026-01-02Z'),
      new Date('2025-06-01Z'),
      new Date('2025-01-01Z'),
      new Date('2024-03-01Z'),
    ].map(nameAt)
    expect(names(plan(all, { yearly: 2 }).keep)).toEqual([all[0], all[1]])
  })
})

describe('every decision has a reason', () => {
  it('explains deletions by the rules in force', () => {
    const result = plan(series(4, DAY), { retain: 1, daily: 2 })
    expect(result.delete[0]?.reason).toBe('not among the 1 newest, not the newest of its day in the last 2')
  })
})

describe('template names', () => {
  const pattern = templateNamePattern('{profile}-{dc}-{version}-{index}-{time}.snap', { profile: 'prod' })

  it('match by the template with {time} as the moment', () => {
    expect(pattern.match('prod-dc1-1.14.8-42-20260315T110000Z.snap')?.takenAt.toISOString()).toBe(
      '2026-03-15T11:00:00.000Z',
    )
    expect(pattern.match('other-dc1-1.14.8-42-20260315T110000Z.snap')).toBeNull()
    expect(pattern.match('prod-dc1-1.14.8-42-20260315T110000Z.snap.json')).toBeNull()
  })

  it('recognise a profile name as the template wrote it into the file name (spaces and all)', () => {
    const template = '{profile}-{dc}-{time}.snap'
    const written = renderFileName(template, {
      profile: 'orders prod/eu',
      dc: 'dc1',
      version: null,
      time: new Date('2026-03-15T11:00:00Z'),
      index: 1,
      term: 1,
    })
    expect(written).toBe('orders_prod_eu-dc1-20260315T110000Z.snap')
    expect(
      templateNamePattern(template, { profile: 'orders prod/eu' }).match(written)?.takenAt.toISOString(),
    ).toBe('2026-03-15T11:00:00.000Z')
  })

  it('drive the same plan', () => {
    const listing = [
      'prod-dc1-1.14.8-40-20260315T090000Z.snap',
      'prod-dc1-1.14.8-41-20260315T100000Z.snap',
      'prod-dc1-1.14.8-42-20260315T110000Z.snap',
      'notes.txt',
    ].map((name) => ({ name }))
    const result = planRetention(listing, policy({ retain: 2 }), now, pattern)
    expect(names(result.delete)).toEqual(['prod-dc1-1.14.8-40-20260315T090000Z.snap'])
    expect(result.ignored).toEqual(['notes.txt'])
  })
})

describe('the Enterprise pattern', () => {
  it('reads the nanosecond ID as the moment of the save', () => {
    expect(enterpriseNamePattern().match('consul-1479360073448728784.snap')?.takenAt.toISOString()).toBe(
      '2016-11-17T05:21:13.448Z',
    )
  })
})

describe('encrypted backups (.snap.age)', () => {
  it('count, age and rotate exactly like plain ones, mixed in one listing', () => {
    const all = series(5, HOUR).map((name, i) => (i % 2 === 0 ? `${name}.age` : name))
    const result = plan(all, { retain: 3 })
    expect(names(result.keep)).toEqual(all.slice(0, 3))
    expect(names(result.delete)).toEqual([all[4], all[3]])
  })

  it('match template names too, but not their sidecars', () => {
    const pattern = templateNamePattern('{profile}-{dc}-{time}.snap', { profile: 'prod' })
    expect(pattern.match('prod-dc1-20260315T110000Z.snap.age')?.takenAt.toISOString()).toBe(
      '2026-03-15T11:00:00.000Z',
    )
    expect(pattern.match('prod-dc1-20260315T110000Z.snap.age.json')).toBeNull()
    expect(enterpriseNamePattern().match('consul-1479360073448728784.snap.age.json')).toBeNull()
    expect(enterpriseNamePattern().match('consul-1479360073448728784.age')).toBeNull()
  })
})
