import type { GrowthMover, GrowthSeries } from '../../../shared/growth-types'
import type { FileStatistics } from './file-statistics'

/**
 * How each record type and KV prefix changed over a cluster's backups (oldest first), and which
 * changed most. Pure, so the numbers the view shows are tested without files.
 *
 * KVS bytes are exactly the sum of the KV prefixes (inspect groups every KVS record), so among
 * the movers KVS is represented by its prefixes: "app/sessions grew by 40 MB" is the answer an
 * operator can act on, and naming KVS as well would count the same bytes twice.
 */
export interface GrowthSeriesResult {
  types: GrowthSeries[]
  kvPrefixes: GrowthSeries[]
  movers: GrowthMover[]
}

const KV_RECORD_TYPE = 'KVS'

export function growthSeries(files: FileStatistics[], top: number): GrowthSeriesResult {
  const typeNames = new Set(files.flatMap((file) => file.types.map((row) => row.name)))
  const types = [...typeNames].map((name) =>
    series(
      'type',
      name,
      files.map((file) => {
        const row = file.types.find((candidate) => candidate.name === name)
        // Every type of a file is listed: absent means none of it.
        return row ? { sum: row.sum, count: row.count } : { sum: 0, count: 0 }
      }),
    ),
  )
  const prefixNames = new Set(files.flatMap((file) => file.kv.map((row) => row.name)))
  const prefixes = [...prefixNames].map((name) =>
    series(
      'kv',
      name,
      files.map((file) => {
        const row = file.kv.find((candidate) => candidate.name === name)
        if (row) return { sum: row.sum, count: row.count }
        // Left out of a truncated table: somewhere below its smallest kept group, not known.
        return file.kvTruncated ? null : { sum: 0, count: 0 }
      }),
    ),
  )

  types.sort(byLatestSize)
  const biggest = [...prefixes].sort(byLatestSize).slice(0, top)
  const moving = [...prefixes].sort(byChange).slice(0, top)
  const kvPrefixes = [...new Set([...biggest, ...moving])].sort(byLatestSize)

  const movers = [...types.filter((row) => row.name !== KV_RECORD_TYPE), ...prefixes]
    .filter((row) => row.change !== 0)
    .sort(byChange)
    .slice(0, top)
    .map(mover)
  return { types, kvPrefixes, movers }
}

function series(
  kind: GrowthSeries['kind'],
  name: string,
  points: Array<{ sum: number; count: number } | null>,
): GrowthSeries {
  const sums = points.map((point) => point?.sum ?? null)
  const known = sums.filter((value): value is number => value !== null)
  return {
    kind,
    name,
    sums,
    counts: points.map((point) => point?.count ?? null),
    change: known.length < 2 ? 0 : (known[known.length - 1] as number) - (known[0] as number),
  }
}

function mover(row: GrowthSeries): GrowthMover {
  const knownAt = row.sums.flatMap((value, position) => (value === null ? [] : [{ value, position }]))
  const fromBytes = knownAt[0]?.value ?? 0
  const toBytes = knownAt[knownAt.length - 1]?.value ?? 0
  let biggestStep: GrowthMover['biggestStep'] = null
  for (let i = 1; i < knownAt.length; i++) {
    const before = knownAt[i - 1] as { value: number; position: number }
    const after = knownAt[i] as { value: number; position: number }
    const change = after.value - before.value
    if (biggestStep === null || Math.abs(change) > Math.abs(biggestStep.change))
      biggestStep = { from: before.position, to: after.position, change }
  }
  return {
    kind: row.kind,
    name: row.name,
    fromBytes,
    toBytes,
    change: row.change,
    ratio: fromBytes === 0 ? null : toBytes / fromBytes,
    biggestStep,
  }
}

function latest(row: GrowthSeries): number {
  for (let i = row.sums.length - 1; i >= 0; i--) {
    const value = row.sums[i]
    if (value !== null && value !== undefined) return value
  }
  return 0
}

function byLatestSize(a: GrowthSeries, b: GrowthSeries): number {
  return latest(b) - latest(a) || a.name.localeCompare(b.name)
}

function byChange(a: GrowthSeries, b: GrowthSeries): number {
  return Math.abs(b.change) - Math.abs(a.change) || a.name.localeCompare(b.name)
}
