/**
 * The list of recently opened snapshot files, newest first, kept in the data folder. A damaged
 * list is not worth an error dialog: it is set aside and an empty list starts.
 */
import { readFile, rename, writeFile, mkdir } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { RecentFile } from '../../shared/snapshot-wire-types'
import type { RecentFilesPort } from './host-services'

const fileName = 'recent-files.json'

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
  const path = join(options.dataDir, fileName)
  const limit = options.limit ?? 10
  const clock = options.clock ?? (() => new Date())
  let queue: Promise<unknown> = Promise.resolve()

  async function load(): Promise<RecentFile[]> {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch {
      return []
    }
    try {
      const parsed: unknown = JSON.parse(text)
      if (Array.isArray(parsed)) return parsed.filter(isRecentFile).slice(0, limit)
    } catch {
      // fall through: keep the damaged file for a person to look at
    }
    await rename(path, `${path}.corrupt-${clock().getTime()}`).catch(() => undefined)
    return []
  }

  async function save(files: RecentFile[]): Promise<void> {
    // The data folder holds profiles and secrets too: private from its creation.
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    const temporary = `${path}.${process.pid}.tmp`
    await writeFile(temporary, JSON.stringify(files, null, 2), { mode: 0o600 })
    await rename(temporary, path)
  }

  function serialise<T>(work: () => Promise<T>): Promise<T> {
    const next = queue.then(work, work)
    queue = next.catch(() => undefined)
    return next
  }

  return {
    list: () => serialise(load),
    add: (filePath) =>
      serialise(async () => {
        const files = (await load()).filter((file) => file.path !== filePath)
        files.unshift({ path: filePath, name: basename(filePath), openedAt: clock().toISOString() })
        const kept = files.slice(0, limit)
        await save(kept)
        return kept
      }),
  }
}
