/** The list of recently opened snapshot files, newest first, kept in the data folder. */
import { basename } from 'node:path'
import type { RecentFile } from '../../shared/snapshot-wire-types'
import type { RecentFilesPort } from './host-services'
import { createRecentListFile } from './recent-list-file'

export interface RecentFilesOptions {
  dataDir: string
  limit?: number
  clock?: () => Date
}

function isRecentFile(value: unknown): value is RecentFile {
  const entry = value as Record<string, unknown> | null
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.path === 'string' &&
    typeof entry.name === 'string' &&
    typeof entry.openedAt === 'string'
  )
}

export function createRecentFilesStore(options: RecentFilesOptions): RecentFilesPort {
  const clock = options.clock ?? (() => new Date())
  const file = createRecentListFile<RecentFile>({
    dataDir: options.dataDir,
    fileName: 'recent-files.json',
    limit: options.limit ?? 10,
    clock,
    isEntry: isRecentFile,
    sameEntry: (a, b) => a.path === b.path,
  })

  return {
    list: () => file.read(),
    add: (filePath) =>
      file.push({ path: filePath, name: basename(filePath), openedAt: clock().toISOString() }),
  }
}
