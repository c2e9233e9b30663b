/**
 * Comparisons kept open by id for the window: a few at once (each holds two catalogues' indexes
 * and their working copies on disk); opening another closes the least recently used. A profile
 * as the after side is compared through a fresh snapshot of its cluster (see live-comparison).
 */
import { randomBytes } from 'node:crypto'
import { AppError } from '../../shared/app-error'
import { compareWithLive, SnapshotComparison, type TakeLiveSnapshot } from '../services/diff'
import type { ComparePort } from './host-services'

export interface ComparePortOptions {
  /** Where the working copies go (default: the OS temp folder). */
  spillDir?: string
  /** Saves a verified snapshot of a profile's cluster into a folder. */
  snapshotProfile(profileId: string): TakeLiveSnapshot
  /** The name a profile is shown by. */
  profileName(profileId: string): string
  maxOpen?: number
}

export function createComparePort(options: ComparePortOptions): ComparePort & { closeAll(): Promise<void> } {
  const maxOpen = options.maxOpen ?? 2
  const open = new Map<string, SnapshotComparison>()

  function get(comparisonId: string): SnapshotComparison {
    const comparison = open.get(comparisonId)
    if (comparison === undefined || comparison.isClosed)
      throw new AppError('FILE_NOT_FOUND', 'That comparison is no longer open.', {
        hint: 'Compare the snapshots again.',
      })
    open.delete(comparisonId)
    open.set(comparisonId, comparison)
    return comparison
  }

  return {
    async open(before, after, prefix, work) {
      const compareOptions = {
        prefix,
        spillDir: options.spillDir,
        signal: work.signal,
        onProgress: work.onProgress,
      }
      const comparison =
        'profileId' in after
          ? await compareWithLive(before, options.snapshotProfile(after.profileId), {
              ...compareOptions,
              liveLabel: options.profileName(after.profileId),
            })
          : await SnapshotComparison.open(before, after.path, compareOptions)
      while (open.size >= maxOpen) {
        const [oldestId, oldest] = open.entries().next().value as [string, SnapshotComparison]
        open.delete(oldestId)
        await oldest.close()
      }
      const comparisonId = randomBytes(12).toString('base64url')
      open.set(comparisonId, comparison)
      return { comparisonId, ...comparison.summary() }
    },
    changes: async (comparisonId, kind, offset, limit) => get(comparisonId).changes(kind, offset, limit),
    kvValues: async (comparisonId, key, maxBytes) => get(comparisonId).kvValues(key, maxBytes),
    async close(comparisonId) {
      const comparison = open.get(comparisonId)
      if (comparison === undefined) return false
      open.delete(comparisonId)
      await comparison.close()
      return true
    },
    async closeAll() {
      const all = [...open.values()]
      open.clear()
      await Promise.all(all.map((c) => c.close()))
    },
  }
}
