/**
 * Folders snapshots were recently saved to, newest first, kept in the data folder. Browser mode
 * has no folder picker, so the save wizard offers these instead of a bare text box. Only folders
 * the host itself saved into are ever recorded, and `list` answers only those that are still
 * folders: the renderer can learn nothing about other paths through it.
 */
import { stat } from 'node:fs/promises'
import type { RecentFoldersPort } from './host-services'
import { createRecentListFile } from './recent-list-file'

export interface RecentFoldersOptions {
  dataDir: string
  limit?: number
  clock?: () => Date
}

export function createRecentFoldersStore(options: RecentFoldersOptions): RecentFoldersPort {
  const file = createRecentListFile<string>({
    dataDir: options.dataDir,
    fileName: 'recent-folders.json',
    limit: options.limit ?? 8,
    clock: options.clock ?? (() => new Date()),
    isEntry: (value): value is string => typeof value === 'string',
    sameEntry: (a, b) => a === b,
  })
  const isFolder = (folder: string) =>
    stat(folder).then(
      (info) => info.isDirectory(),
      () => false,
    )

  return {
    list: async () => {
      const folders = await file.read()
      const present = await Promise.all(folders.map(isFolder))
      return folders.filter((_, i) => present[i])
    },
    add: async (folder) => {
      await file.push(folder)
    },
  }
}
