import { z } from 'zod'
import type { SnapshotInspectionWire } from '../../../shared/snapshot-wire-types'

/**
 * What growth needs of one backup: inspect's per-type table and its KV table at one depth. Only
 * the largest KV groups are kept, so a cluster with a million one-key groups still caches a
 * small file; a prefix beyond them is "unknown" for that backup, never zero.
 */
export const MAX_KV_GROUPS = 200

const statRow = z.object({ name: z.string(), count: z.number().nonnegative(), sum: z.number().nonnegative() })

export const fileStatisticsSchema = z.object({
  kind: z.literal('snapshot-studio/growth-statistics'),
  version: z.literal(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  kvDepth: z.int().min(1),
  index: z.string().regex(/^\d+$/),
  archiveBytes: z.number().nonnegative(),
  totalSize: z.number().nonnegative(),
  totalSizeKV: z.number().nonnegative(),
  types: z.array(statRow),
  kv: z.array(statRow),
  /** True when some KV groups were left out (more than MAX_KV_GROUPS). */
  kvTruncated: z.boolean(),
})

export type FileStatistics = z.infer<typeof fileStatisticsSchema>

export function statisticsFromInspection(
  sha256: string,
  kvDepth: number,
  inspection: SnapshotInspectionWire,
): FileStatistics {
  const kv = inspection.kvStats ?? []
  return {
    kind: 'snapshot-studio/growth-statistics',
    version: 1,
    sha256,
    kvDepth,
    index: inspection.meta.index,
    archiveBytes: inspection.archiveBytes,
    totalSize: inspection.totalSize,
    totalSizeKV: inspection.totalSizeKV,
    types: inspection.stats.map(({ name, count, sum }) => ({ name, count, sum })),
    // inspect sorts groups by size, largest first.
    kv: kv.slice(0, MAX_KV_GROUPS).map(({ name, count, sum }) => ({ name, count, sum })),
    kvTruncated: kv.length > MAX_KV_GROUPS,
  }
}
