import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createInProcessInspectRunner } from '../../../src/main/host/workers/in-process-inspect-runner'
import { folderSource } from '../../../src/main/services/growth/backup-source'
import { GrowthService, type SnapshotScanner } from '../../../src/main/services/growth/growth-service'
import { StatisticsCache } from '../../../src/main/services/growth/statistics-cache'
import type { GrowthProgress } from '../../../src/shared/growth-types'
import {
  buildStateBin,
  kvsRecord,
  registerNodeRecord,
  writeSnapshotFile,
} from '../../support/state-bin-writer'

/** The real inspect scanner (as Inspect uses it), counting the files it is asked to read. */
function countingScanner(): SnapshotScanner & { calls: string[] } {
  const runner = createInProcessInspectRunner()
  const calls: string[] = []
  const scan: SnapshotScanner = (path, { kvDepth }, work) => {
    calls.push(path)
    return runner.inspect(path, { kvDetails: true, kvDepth, kvFilter: '' }, work)
  }
  return Object.assign(scan, { calls })
}

const node = { node: 'server-1', id: '11111111-2222-3333-4444-555555555555', address: '10.0.0.1' }

/**
 * Backup n of a cluster whose `app/sessions` grows by 20 keys of 1 KiB per backup, while
 * `config/` stays and `app/flags` grows by one small key.
 */
function clusterAt(n: number): Buffer {
  const records = [registerNodeRecord(node)]
  for (let i = 0; i < 5; i++) records.push(kvsRecord({ key: `config/setting-${i}`, value: 'x'.repeat(200) }))
  for (let i = 0; i < n; i++) records.push(kvsRecord({ key: `app/flags/f${i}`, value: 'on' }))
  for (let i = 0; i < n * 20; i++)
    records.push(kvsRecord({ key: `app/sessions/s-${String(i).padStart(5, '0')}`, value: 'v'.repeat(1024) }))
  return buildStateBin(100 + n, records)
}

async function writeBackups(folder: string, count: number): Promise<void> {
  for (let n = 1; n <= count; n++) {
    // Enterprise names: nanoseconds since the epoch, one hour apart.
    const ns = (1_700_000_000_000n + BigInt(n) * 3_600_000n) * 1_000_000n
    await writeSnapshotFile(join(folder, `consul-${ns}.snap`), clusterAt(n), 100 + n)
  }
}

const work = (progress: GrowthProgress[] = [], signal = new AbortController().signal) => ({
  signal,
  onProgress: (p: GrowthProgress) => progress.push(p),
})

describe('growth over time of a folder of backups', () => {
  let root: string
  let folder: string
  let cacheDir: string

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ss-growth-'))
    folder = join(root, 'backups')
    cacheDir = join(root, 'data', 'growth-cache')
    await mkdir(folder)
  })
  afterEach(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('names the KV prefix that grew as the largest mover over ten backups, oldest first', async () => {
    await writeBackups(folder, 10)
    const scan = countingScanner()
    const growth = new GrowthService({ scan, cache: new StatisticsCache(cacheDir) })

    const report = await growth.analyse(await folderSource(folder), { kvDepth: 2, top: 5 }, work())

    expect(report.backups.map((backup) => backup.index)).toEqual(
      Array.from({ length: 10 }, (_, i) => String(101 + i)),
    )
    expect(report.movers[0]).toMatchObject({ kind: 'kv', name: 'app/sessions' })
    const sessions = report.kvPrefixes.find((row) => row.name === 'app/sessions')
    expect(sessions?.counts).toEqual(Array.from({ length: 10 }, (_, i) => (i + 1) * 20))
    expect(report.movers[0]?.change).toBe((sessions?.sums[9] ?? 0) - (sessions?.sums[0] ?? 0))
    expect(report.movers.map((mover) => mover.name)).not.toContain('KVS')
    expect(report.kvPrefixes.find((row) => row.name === 'config/setting-0')?.change).toBe(0)
    expect(report.types.find((row) => row.name === 'KVS')?.counts[9]).toBe(5 + 10 + 200)
    expect(report.backups[0]?.takenAt).toBe(new Date(1_700_000_000_000 + 3_600_000).toISOString())
  })

  it('does not read a file whose statistics it has already taken, even under another name', async () => {
    await writeBackups(folder, 10)
    const scan = countingScanner()
    const growth = new GrowthService({ scan, cache: new StatisticsCache(cacheDir) })
    const first = await growth.analyse(await folderSource(folder), { kvDepth: 2, top: 5 }, work())
    expect(scan.calls).toHaveLength(10)
    expect(first.cache).toEqual({ hits: 0, misses: 10 })

    // A fresh service over the same data folder: the cache is on disk, not in memory.
    const again = new GrowthService({ scan, cache: new StatisticsCache(cacheDir) })
    await writeFile(
      join(folder, 'copy-of-the-fifth.snap'),
      await readFile(join(folder, first.backups[4]!.name)),
    )
    await writeBackupsBeyond(folder, 11)
    const second = await again.analyse(await folderSource(folder), { kvDepth: 2, top: 5 }, work())

    expect(scan.calls).toHaveLength(11)
    expect(scan.calls[10]).toMatch(/consul-\d+\.snap$/)
    expect(second.cache).toEqual({ hits: 11, misses: 1 })
    expect(second.backups.filter((backup) => backup.cached)).toHaveLength(11)
    expect(second.movers[0]).toMatchObject({ kind: 'kv', name: 'app/sessions' })
  })

  it('reads a file again for another KV depth, whose groups differ', async () => {
    await writeBackups(folder, 2)
    const scan = countingScanner()
    const growth = new GrowthService({ scan, cache: new StatisticsCache(cacheDir) })
    await growth.analyse(await folderSource(folder), { kvDepth: 2, top: 5 }, work())
    const shallow = await growth.analyse(await folderSource(folder), { kvDepth: 1, top: 5 }, work())

    expect(scan.calls).toHaveLength(4)
    expect(shallow.kvPrefixes.map((row) => row.name)).toEqual(['app', 'config'])
  })

  it('lists a file that is not a snapshot as skipped and analyses the rest', async () => {
    await writeBackups(folder, 3)
    await writeFile(join(folder, 'broken.snap'), 'not a gzip stream')
    await writeFile(join(folder, 'notes.txt'), 'ignored: not a .snap')
    const growth = new GrowthService({ scan: countingScanner(), cache: new StatisticsCache(cacheDir) })

    const report = await growth.analyse(await folderSource(folder), { kvDepth: 2, top: 5 }, work())

    expect(report.backups).toHaveLength(3)
    expect(report.skipped).toEqual([{ name: 'broken.snap', reason: expect.stringMatching(/gzip/i) }])
  })

  it('reports progress per file and stops with CANCELLED when cancelled', async () => {
    await writeBackups(folder, 3)
    const controller = new AbortController()
    const progress: GrowthProgress[] = []
    const growth = new GrowthService({
      scan: (path, options, scanWork) => {
        controller.abort()
        return countingScanner()(path, options, scanWork)
      },
      cache: new StatisticsCache(cacheDir),
    })

    await expect(
      growth.analyse(await folderSource(folder), { kvDepth: 2, top: 5 }, work(progress, controller.signal)),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(progress[0]).toMatchObject({ filesDone: 0, totalFiles: 3 })
  })

  it('refuses a folder that does not exist, or a file given as the folder, with what to do', async () => {
    await expect(folderSource(join(root, 'nowhere'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
    await writeFile(join(root, 'a.snap'), '')
    await expect(folderSource(join(root, 'a.snap'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })
})

async function writeBackupsBeyond(folder: string, n: number): Promise<void> {
  const ns = (1_700_000_000_000n + BigInt(n) * 3_600_000n) * 1_000_000n
  await writeSnapshotFile(join(folder, `consul-${ns}.snap`), clusterAt(n), 100 + n)
}
