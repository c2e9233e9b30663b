/**
 * Folders snapshots were recently saved to, newest first, kept in the data folder. Browser mode
 * has no folder picker, so the save wizard offers these instead of a bare text box. Only folders
 * the host itself saved into are ever recorded, and `list` answers only those that are still
 * folders: the renderer can learn nothing about other paths through it.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { RecentFoldersPort } from './host-services'

const fileName = 'recent-folders.json'

export interface RecentFoldersOptions {
  dataDir: string
  limit?: number
  clock?: () => Date
}

export function createRecentFoldersStore(options: RecentFoldersOptions): RecentFoldersPort {
  const path = join(options.dataDir, fileName)
  const limit = options.limit ?? 8
  const clock = options.clock ?? (() => new Date())
  let queue: Promise<unknown> = Promise.resolve()

  async function load(): Promise<string[]> {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch {
      return []
    }
    try {
      const parsed: unknown = JSON.parse(text)
      if (Array.isArray(parsed))
        return parsed.filter((entry): entry is string => typeof entry === 'string').slice(0, limit)
    } catch {
      // fall through: a damaged list is set aside for a person to look at, and a new one starts
    }
    await rename(path, `${path}.corrupt-${clock().getTime()}`).catch(() => undefined)
    return []
  }

  function serialise<T>(work: () => Promise<T>): Promise<T> {
    const next = queue.then(work, work)
    queue = next.catch(() => undefined)
    return next
  }

  return {
    list: () =>
      serialise(async () => {
        const folders = await load()
        const present = await Promise.all(
          folders.map((folder) =>
            stat(folder).then(
              (info) => info.isDirectory(),
              () => false,
            ),
          ),
        )
        return folders.filter((_, i) => present[i])
      }),
    add: (folder) =>
      serialise(async () => {
        const folders = [folder, ...(await load()).filter((known) => known !== folder)].slice(0, limit)
        await mkdir(dirname(path), { recursive: true, mode: 0o700 })
        const temporary = `${path}.${process.pid}.tmp`
        await writeFile(temporary, JSON.stringify(folders, null, 2), { mode: 0o600 })
        await rename(temporary, path)
      }),
  }
}
