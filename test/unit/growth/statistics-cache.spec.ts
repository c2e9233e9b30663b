import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FileStatistics } from '../../../src/main/services/growth/file-statistics'
import { StatisticsCache } from '../../../src/main/services/growth/statistics-cache'

const sha = (n: number) => n.toString(16).padStart(64, '0')

function statistics(n: number, kvDepth = 2): FileStatistics {
  return {
    kind: 'snapshot-studio/growth-statistics',
    version: 1,
    sha256: sha(n),
    kvDepth,
    index: String(100 + n),
    archiveBytes: 1000,
    totalSize: 5000,
    totalSizeKV: 2000,
    types: [{ name: 'KVS', count: 10, sum: 2000 }],
    kv: [{ name: 'app/sessions', count: 10, sum: 2000 }],
    kvTruncated: false,
  }
}

describe('the statistics cache', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ss-growth-cache-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('gives back what was put, per content and KV depth, in an owner-only file', async () => {
    const cache = new StatisticsCache(join(dir, 'cache'))
    await cache.put(statistics(1))

    expect(await cache.get(sha(1), 2)).toEqual(statistics(1))
    expect(await cache.get(sha(1), 3)).toBeNull()
    expect(await cache.get(sha(2), 2)).toBeNull()
    const [entry] = await readdir(join(dir, 'cache'))
    expect((await stat(join(dir, 'cache', entry!))).mode & 0o777).toBe(0o600)
  })

  it('treats a damaged or foreign entry as a miss and removes it', async () => {
    const cache = new StatisticsCache(dir)
    await writeFile(join(dir, `${sha(1)}-kv2.json`), '{"kind":"snapshot-studio/growth-statistics", trunc')
    await writeFile(join(dir, `${sha(2)}-kv2.json`), JSON.stringify(statistics(3)))

    expect(await cache.get(sha(1), 2)).toBeNull()
    expect(await cache.get(sha(2), 2)).toBeNull()
    expect(await readdir(dir)).toEqual([])
  })

  it('keeps at most its bound, dropping the least recently used', async () => {
    const cache = new StatisticsCache(dir, 3)
    for (const n of [1, 2, 3]) {
      await cache.put(statistics(n))
      // Distinct use times without waiting: set them explicitly, oldest first.
      const at = new Date(1_700_000_000_000 + n * 1000)
      await utimes(join(dir, `${sha(n)}-kv2.json`), at, at)
    }
    await cache.get(sha(1), 2) // 1 is now the most recently used

    await cache.put(statistics(4))

    expect((await readdir(dir)).sort()).toEqual([1, 3, 4].map((n) => `${sha(n)}-kv2.json`))
  })
})
