import { AppError, toErrorPayload } from '../../../shared/app-error'
import type { SaveManyEntry, SaveProgress } from '../../../shared/consul-types'
import type { ConsulConnection } from './consul-connection'
import { saveSnapshot, type SaveDependencies, type SaveSnapshotOptions } from './save-snapshot'

export interface SaveManyTarget {
  profileId: string
  connection: ConsulConnection
}

export interface SaveManyOptions extends Omit<SaveSnapshotOptions, 'connection' | 'fileName' | 'onProgress'> {
  targets: SaveManyTarget[]
  /** How many clusters download at once. */
  concurrency?: number
  onProgress?: (profileId: string, progress: SaveProgress) => void
  /** Called as each cluster finishes, before the whole run does. */
  onResult?: (entry: SaveManyEntry) => void
}

/**
 * Saves several clusters ("back up all production clusters") with a concurrency limit. Each
 * target gets its own progress and result; one failure never stops the others. Cancelling the
 * signal cancels every save still running or waiting.
 */
export async function saveMany(options: SaveManyOptions, deps: SaveDependencies): Promise<SaveManyEntry[]> {
  const limit = Math.max(1, Math.floor(options.concurrency ?? 3))
  const entries: SaveManyEntry[] = new Array<SaveManyEntry>(options.targets.length)
  let next = 0
  const worker = async () => {
    while (next < options.targets.length) {
      const position = next++
      const target = options.targets[position]
      if (!target) continue
      const base = { profileId: target.profileId, profileName: target.connection.name }
      let entry: SaveManyEntry
      try {
        if (options.signal?.aborted)
          throw new AppError('CANCELLED', 'The save was cancelled before it started.')
        const result = await saveSnapshot(
          {
            ...options,
            connection: target.connection,
            onProgress: (progress) => options.onProgress?.(target.profileId, progress),
          },
          deps,
        )
        entry = { ...base, ok: true, result }
      } catch (error) {
        entry = { ...base, ok: false, error: toErrorPayload(error) }
      }
      entries[position] = entry
      options.onResult?.(entry)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, options.targets.length) }, worker))
  return entries
}
