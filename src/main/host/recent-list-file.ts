/**
 * A short "recently used" list kept as JSON in the data folder (recent files, recent save
 * folders). A damaged list is not worth an error dialog: it is set aside for a person to look at
 * and an empty list starts. Calls are serialised so two quick additions never lose one another,
 * and the file is replaced atomically, private (0600) in a private (0700) data folder.
 */
import { mkdir, readFile, rename } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { writeFileAtomic } from '../services/profiles/atomic-write-file'

export interface RecentListOptions<T> {
  dataDir: string
  fileName: string
  limit: number
  clock: () => Date
  isEntry: (value: unknown) => value is T
  /** Two entries that stand for the same thing (the newer replaces the older). */
  sameEntry: (a: T, b: T) => boolean
}

export interface RecentListFile<T> {
  /** The entries, newest first, at most `limit`. */
  read(): Promise<T[]>
  /** Puts `entry` first (dropping an older one that is the same) and returns the new list. */
  push(entry: T): Promise<T[]>
}

export function createRecentListFile<T>(options: RecentListOptions<T>): RecentListFile<T> {
  const path = join(options.dataDir, options.fileName)
  let queue: Promise<unknown> = Promise.resolve()

  async function load(): Promise<T[]> {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch {
      return []
    }
    try {
      const parsed: unknown = JSON.parse(text)
      if (Array.isArray(parsed)) return parsed.filter(options.isEntry).slice(0, options.limit)
    } catch {
      // fall through: keep the damaged file for a person to look at
    }
    await rename(path, `${path}.corrupt-${options.clock().getTime()}`).catch(() => undefined)
    return []
  }

  function serialise<R>(work: () => Promise<R>): Promise<R> {
    const next = queue.then(work, work)
    queue = next.catch(() => undefined)
    return next
  }

  return {
    read: () => serialise(load),
    push: (entry) =>
      serialise(async () => {
        const entries = [entry, ...(await load()).filter((known) => !options.sameEntry(known, entry))]
        const kept = entries.slice(0, options.limit)
        // The data folder holds profiles and secrets too: private from its creation.
        await mkdir(dirname(path), { recursive: true, mode: 0o700 })
        await writeFileAtomic(path, JSON.stringify(kept, null, 2))
        return kept
      }),
  }
}
