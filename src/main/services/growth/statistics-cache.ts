import { mkdir, readdir, readFile, stat, unlink, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../profiles/atomic-write-file'
import { fileStatisticsSchema, type FileStatistics } from './file-statistics'

/** Enough for years of hourly backups of a few clusters; each entry is a few kilobytes. */
export const DEFAULT_CACHE_ENTRIES = 5000

const ENTRY_NAME = /^([0-9a-f]{64})-kv(\d+)\.json$/

/**
 * Statistics of backups already read, one small JSON file per file content (SHA-256) and KV
 * depth, in the app's data folder. Entries are written atomically (a crash leaves the old entry
 * or the new one); an entry that does not parse is a miss and is removed; beyond `maxEntries`
 * the least recently used go (a hit refreshes the entry's modification time).
 */
export class StatisticsCache {
  private writesSincePrune = 0

  constructor(
    private readonly dir: string,
    private readonly maxEntries = DEFAULT_CACHE_ENTRIES,
  ) {}

  async get(sha256: string, kvDepth: number): Promise<FileStatistics | null> {
    const path = this.pathOf(sha256, kvDepth)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch {
      return null
    }
    let parsed: ReturnType<typeof fileStatisticsSchema.safeParse>
    try {
      parsed = fileStatisticsSchema.safeParse(JSON.parse(text))
    } catch {
      parsed = fileStatisticsSchema.safeParse(null)
    }
    if (!parsed.success || parsed.data.sha256 !== sha256 || parsed.data.kvDepth !== kvDepth) {
      await unlink(path).catch(() => undefined)
      return null
    }
    const now = new Date()
    await utimes(path, now, now).catch(() => undefined)
    return parsed.data
  }

  async put(statistics: FileStatistics): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    // Key names of the cluster are in here: owner-only, like the rest of the data folder.
    await writeFileAtomic(
      this.pathOf(statistics.sha256, statistics.kvDepth),
      JSON.stringify(statistics),
      0o600,
    )
    this.writesSincePrune++
    if (this.writesSincePrune >= Math.max(1, Math.floor(this.maxEntries / 10))) await this.prune()
  }

  /** Removes the least recently used entries beyond the bound. */
  async prune(): Promise<void> {
    this.writesSincePrune = 0
    let names: string[]
    try {
      names = (await readdir(this.dir)).filter((name) => ENTRY_NAME.test(name))
    } catch {
      return
    }
    if (names.length <= this.maxEntries) return
    const dated = await Promise.all(
      names.map(async (name) => ({
        name,
        usedAt: await stat(join(this.dir, name)).then(
          (info) => info.mtimeMs,
          () => 0,
        ),
      })),
    )
    dated.sort((a, b) => a.usedAt - b.usedAt || a.name.localeCompare(b.name))
    for (const { name } of dated.slice(0, dated.length - this.maxEntries))
      await unlink(join(this.dir, name)).catch(() => undefined)
  }

  private pathOf(sha256: string, kvDepth: number): string {
    return join(this.dir, `${sha256}-kv${kvDepth}.json`)
  }
}
