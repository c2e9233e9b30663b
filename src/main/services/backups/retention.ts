import { safe } from '../consul/snapshot-file-name'

/**
 * Which backups to keep and which to delete: a pure function from a listing, a policy and the
 * current time to a plan, so `snapshot-studio retention plan` (the preview) and the agent's
 * rotation (the deletion) are the same code.
 *
 * Rules, combinable:
 * - `retain` N (the Enterprise agent's): keep the N newest. 0 = this rule is off.
 * - tiers `hourly`/`daily`/`weekly`/`monthly`/`yearly` N: keep the newest backup of each of the N
 *   most recent hours/days/ISO weeks/months/years that have one (grandfather-father-son),
 *   counted in `timeZone`.
 * - A backup is kept when any of these keeps it. With none of them on, everything is kept.
 * - `maxAgeMs`: then anything older than this is deleted, whatever kept it.
 * - The newest backup is always kept (a policy never leaves a destination empty).
 * - With `retain` > 0, at most 2 × retain deletions per cycle (oldest first), as the Enterprise
 *   agent, so a large backlog shrinks gradually; the rest waits for later cycles.
 * - Names that do not match the pattern are never considered (foreign files stay).
 */

export interface RetentionPolicy {
  retain: number
  maxAgeMs: number | null
  hourly: number
  daily: number
  weekly: number
  monthly: number
  yearly: number
  /** For the calendar tiers; IANA name. */
  timeZone: string
}

export interface ListedBackup {
  name: string
}

/** Recognises our backups among a destination's names and tells when each was taken. */
export interface BackupNamePattern {
  describe: string
  match(name: string): { takenAt: Date; order: bigint } | null
}

export type KeepReason =
  | 'newest'
  | `retain ${number}`
  | `hourly ${string}`
  | `daily ${string}`
  | `weekly ${string}`
  | `monthly ${string}`
  | `yearly ${string}`
  | 'no keep rule set'

export interface PlannedBackup {
  name: string
  takenAt: Date
}

export interface RetentionPlan {
  keep: (PlannedBackup & { reasons: KeepReason[] })[]
  delete: (PlannedBackup & { reason: string })[]
  /** Would be deleted, but over this cycle's cap of 2 × retain: left for a later cycle. */
  deferred: (PlannedBackup & { reason: string })[]
  /** Names that do not match the pattern: never touched. */
  ignored: string[]
}

/**
 * An encrypted backup (`<name>.age`) is the same backup in another envelope: it ages, counts and
 * rotates exactly like its plain form, so retention keeps working when encryption is turned on.
 */
const ENCRYPTED_SUFFIX = '(?:\\.age)?'

/** `consul-<unix ns>.snap` (or `.snap.age`), as the Enterprise agent names and rotates them. */
export function enterpriseNamePattern(prefix = 'consul'): BackupNamePattern {
  const re = new RegExp(`^${escapeRegExp(prefix)}-(\\d+)\\.snap${ENCRYPTED_SUFFIX}$`)
  return {
    describe: `${prefix}-<unix ns>.snap[.age]`,
    match(name) {
      const m = re.exec(name)
      if (!m) return null
      const id = BigInt(m[1] as string)
      return { takenAt: new Date(Number(id / 1_000_000n)), order: id }
    },
  }
}

/**
 * Names from one of our templates (`{profile}-{dc}-{version}-{index}-{time}.snap`): placeholders
 * become wildcards, `{time}` (required) gives the moment, `{index}` breaks ties within a second.
 */
export function templateNamePattern(template: string, values: { profile?: string } = {}): BackupNamePattern {
  const groups: string[] = []
  let source = '^'
  let last = 0
  for (const m of template.matchAll(/\{([^}]*)\}/g)) {
    source += escapeRegExp(template.slice(last, m.index))
    const key = m[1] as string
    groups.push(key)
    if (key === 'time') source += '(\\d{8}T\\d{6}Z)'
    else if (key === 'index' || key === 'term') source += '(\\d+)'
    else if (key === 'date') source += '(\\d{4}-\\d{2}-\\d{2})'
    // The name holds the profile as the template wrote it: "orders prod" became "orders_prod".
    else if (key === 'profile' && values.profile !== undefined)
      source += `(${escapeRegExp(safe(values.profile))})`
    else source += '([A-Za-z0-9._+-]+?)'
    last = (m.index ?? 0) + m[0].length
  }
  source += escapeRegExp(template.slice(last)) + ENCRYPTED_SUFFIX + '$'
  const re = new RegExp(source)
  return {
    describe: template,
    match(name) {
      const m = re.exec(name)
      if (!m) return null
      const at = (key: string) => m[groups.indexOf(key) + 1]
      const time = at('time')
      if (time === undefined) return null
      const iso = `${time.slice(0, 4)}-${time.slice(4, 6)}-${time.slice(6, 8)}T${time.slice(9, 11)}:${time.slice(11, 13)}:${time.slice(13, 15)}Z`
      const takenAt = new Date(iso)
      if (Number.isNaN(takenAt.getTime())) return null
      const index = groups.includes('index') ? BigInt(at('index') ?? '0') : 0n
      // Seconds dominate; the raft index orders saves within one second.
      return { takenAt, order: BigInt(takenAt.getTime()) * 10n ** 20n + index }
    },
  }
}

const TIERS = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const

export function planRetention(
  listing: readonly ListedBackup[],
  policy: RetentionPolicy,
  now: Date,
  pattern: BackupNamePattern = enterpriseNamePattern(),
): RetentionPlan {
  const ignored: string[] = []
  const backups: (PlannedBackup & { order: bigint })[] = []
  const seen = new Set<string>()
  for (const { name } of listing) {
    if (seen.has(name)) continue
    seen.add(name)
    const m = pattern.match(name)
    if (m) backups.push({ name, takenAt: m.takenAt, order: m.order })
    else ignored.push(name)
  }
  // Newest first.
  backups.sort((a, b) => (a.order === b.order ? 0 : a.order > b.order ? -1 : 1))

  const reasons = new Map<string, KeepReason[]>(backups.map((b) => [b.name, []]))
  const add = (name: string, reason: KeepReason) => reasons.get(name)?.push(reason)

  const anyRule = policy.retain > 0 || TIERS.some((tier) => policy[tier] > 0)
  if (!anyRule) for (const b of backups) add(b.name, 'no keep rule set')
  if (policy.retain > 0)
    backups.slice(0, policy.retain).forEach((b) => add(b.name, `retain ${policy.retain}`))
  for (const tier of TIERS) {
    const wanted = policy[tier]
    if (wanted <= 0) continue
    const buckets = new Set<string>()
    for (const b of backups) {
      const bucket = bucketOf(tier, b.takenAt, policy.timeZone)
      if (buckets.has(bucket)) continue
      if (buckets.size >= wanted) break
      buckets.add(bucket)
      add(b.name, `${tier} ${bucket}`)
    }
  }
  const newest = backups[0]
  const tooOld = (b: PlannedBackup) =>
    policy.maxAgeMs !== null && now.getTime() - b.takenAt.getTime() > policy.maxAgeMs

  const plan: RetentionPlan = { keep: [], delete: [], deferred: [], ignored: ignored.sort() }
  const doomed: (PlannedBackup & { reason: string })[] = []
  for (const b of backups) {
    const why = reasons.get(b.name) ?? []
    const entry = { name: b.name, takenAt: b.takenAt }
    if (b === newest) {
      plan.keep.push({ ...entry, reasons: ['newest', ...why.filter((r) => r !== 'no keep rule set')] })
    } else if (tooOld(b)) {
      doomed.push({ ...entry, reason: `older than max_age (${describeAge(now, b.takenAt)})` })
    } else if (why.length > 0) {
      plan.keep.push({ ...entry, reasons: why })
    } else {
      doomed.push({ ...entry, reason: describeUnkept(policy) })
    }
  }
  // Oldest first, so the cap leaves the newest of the doomed for later cycles.
  doomed.reverse()
  const cap = policy.retain > 0 ? 2 * policy.retain : Infinity
  plan.delete = doomed.slice(0, cap)
  plan.deferred = doomed
    .slice(cap)
    .map((d) => ({ ...d, reason: `${d.reason}; over this cycle's limit of ${cap} deletions` }))
  return plan
}

function describeUnkept(policy: RetentionPolicy): string {
  const rules: string[] = []
  if (policy.retain > 0) rules.push(`not among the ${policy.retain} newest`)
  for (const tier of TIERS)
    if (policy[tier] > 0) rules.push(`not the newest of its ${tierUnit(tier)} in the last ${policy[tier]}`)
  return rules.join(', ')
}

function tierUnit(tier: (typeof TIERS)[number]): string {
  return { hourly: 'hour', daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' }[tier]
}

function describeAge(now: Date, then: Date): string {
  const hours = (now.getTime() - then.getTime()) / 3_600_000
  return hours >= 48 ? `${Math.floor(hours / 24)} days old` : `${Math.floor(hours)} hours old`
}

const partsCache = new Map<string, Intl.DateTimeFormat>()

function calendarParts(
  at: Date,
  timeZone: string,
): { year: number; month: number; day: number; hour: number } {
  let format = partsCache.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
    })
    partsCache.set(timeZone, format)
  }
  const parts: Record<string, number> = {}
  for (const part of format.formatToParts(at))
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  return { year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0, hour: parts.hour ?? 0 }
}

/** The calendar bucket a moment falls in, e.g. `2026-03-01T14`, `2026-W09`, `2026-03`. */
export function bucketOf(tier: (typeof TIERS)[number], at: Date, timeZone: string): string {
  const { year, month, day, hour } = calendarParts(at, timeZone)
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  switch (tier) {
    case 'hourly':
      return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}`
    case 'daily':
      return `${year}-${pad(month)}-${pad(day)}`
    case 'weekly': {
      const { isoYear, week } = isoWeek(year, month, day)
      return `${isoYear}-W${pad(week)}`
    }
    case 'monthly':
      return `${year}-${pad(month)}`
    case 'yearly':
      return String(year)
  }
}

function isoWeek(year: number, month: number, day: number): { isoYear: number; week: number } {
  const date = new Date(Date.UTC(year, month - 1, day))
  const weekday = date.getUTCDay() || 7
  // The Thursday of this week decides the ISO year.
  date.setUTCDate(date.getUTCDate() + 4 - weekday)
  const isoYear = date.getUTCFullYear()
  const week = Math.ceil(((date.getTime() - Date.UTC(isoYear, 0, 1)) / 86_400_000 + 1) / 7)
  return { isoYear, week }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
