import { AppError } from '../../../shared/app-error'
import type { GrowthBackup, GrowthProgress, GrowthReport } from '../../../shared/growth-types'
import type { ByteProgress } from '../../../shared/progress'
import type { SnapshotInspectionWire } from '../../../shared/snapshot-wire-types'
import type { BackupEntry } from '../backups/destination'
import type { BackupSource } from './backup-source'
import { sha256OfFile } from './file-checksum'
import { statisticsFromInspection, type FileStatistics } from './file-statistics'
import { growthSeries } from './growth-series'
import type { StatisticsCache } from './statistics-cache'

/**
 * inspect -kvdetails of one file: the host passes its inspect runner (a worker thread in the
 * apps), so growth reads files with the same scanner as Inspect and never parses one itself.
 */
export type SnapshotScanner = (
  path: string,
  options: { kvDepth: number },
  work: { signal: AbortSignal; onProgress(progress: ByteProgress): void },
) => Promise<SnapshotInspectionWire>

export interface GrowthRequest {
  kvDepth: number
  /** How many KV prefixes and movers to report. */
  top: number
}

export interface GrowthWork {
  signal: AbortSignal
  onProgress(progress: GrowthProgress): void
}

/** Enterprise names: `consul-<Unix time in ns>.snap`. */
const ENTERPRISE_NAME = /^consul-(\d{1,20})\.snap$/

/**
 * Growth over time for one set of backups: each file's inspect statistics, taken once per file
 * content (its SHA-256) and cached, put in the order of their raft index, and compared from
 * backup to backup. A file that is not a readable snapshot is listed as skipped, not fatal.
 */
export class GrowthService {
  constructor(private readonly deps: { scan: SnapshotScanner; cache: StatisticsCache }) {}

  async analyse(source: BackupSource, request: GrowthRequest, work: GrowthWork): Promise<GrowthReport> {
    const entries = await source.list()
    const read: Array<{ backup: GrowthBackup; statistics: FileStatistics }> = []
    const skipped: GrowthReport['skipped'] = []
    let hits = 0
    let misses = 0
    for (const [position, entry] of entries.entries()) {
      throwIfCancelled(work.signal)
      const report = (bytes: number, totalBytes: number | null) =>
        work.onProgress({
          filesDone: position,
          totalFiles: entries.length,
          file: entry.name,
          bytes,
          totalBytes,
        })
      report(0, entry.size)
      try {
        const { statistics, cached } = await source.withLocalFile(entry.name, work.signal, (path) =>
          this.statisticsOf(path, entry, request.kvDepth, work.signal, report),
        )
        if (cached) hits++
        else misses++
        read.push({ backup: backupOf(entry, statistics, cached), statistics })
      } catch (error) {
        throwIfCancelled(work.signal)
        skipped.push({
          name: entry.name,
          reason: error instanceof AppError ? error.message : 'It could not be read as a snapshot.',
        })
      }
    }
    work.onProgress({
      filesDone: entries.length,
      totalFiles: entries.length,
      file: '',
      bytes: 0,
      totalBytes: null,
    })

    read.sort(
      (a, b) =>
        compareIndex(a.statistics.index, b.statistics.index) ||
        a.backup.takenAt.localeCompare(b.backup.takenAt) ||
        a.backup.name.localeCompare(b.backup.name),
    )
    const { types, kvPrefixes, movers } = growthSeries(
      read.map((item) => item.statistics),
      request.top,
    )
    return {
      folder: source.description,
      kvDepth: request.kvDepth,
      backups: read.map((item) => item.backup),
      types,
      kvPrefixes,
      movers,
      skipped,
      cache: { hits, misses },
    }
  }

  private async statisticsOf(
    path: string,
    entry: BackupEntry,
    kvDepth: number,
    signal: AbortSignal,
    report: (bytes: number, totalBytes: number | null) => void,
  ): Promise<{ statistics: FileStatistics; cached: boolean }> {
    const sha256 = await sha256OfFile(path, {
      signal,
      totalBytes: entry.size,
      onProgress: (progress) => report(progress.bytes, progress.totalBytes),
    })
    const hit = await this.deps.cache.get(sha256, kvDepth)
    if (hit) return { statistics: hit, cached: true }
    const inspection = await this.deps.scan(
      path,
      { kvDepth },
      {
        signal,
        onProgress: (progress) => report(progress.bytes, progress.totalBytes),
      },
    )
    const statistics = statisticsFromInspection(sha256, kvDepth, inspection)
    // A cache that cannot be written costs a re-read next time, not this analysis.
    await this.deps.cache.put(statistics).catch(() => undefined)
    return { statistics, cached: false }
  }
}

function backupOf(entry: BackupEntry, statistics: FileStatistics, cached: boolean): GrowthBackup {
  return {
    name: entry.name,
    sha256: statistics.sha256,
    archiveBytes: statistics.archiveBytes,
    index: statistics.index,
    takenAt: takenAt(entry).toISOString(),
    totalSize: statistics.totalSize,
    totalSizeKV: statistics.totalSizeKV,
    cached,
  }
}

function takenAt(entry: BackupEntry): Date {
  const match = ENTERPRISE_NAME.exec(entry.name)
  if (match) {
    const ms = Number(BigInt(match[1] as string) / 1_000_000n)
    if (Number.isFinite(ms) && ms > 0 && ms < 8.64e15) return new Date(ms)
  }
  return entry.modifiedAt
}

function compareIndex(a: string, b: string): number {
  const left = BigInt(a)
  const right = BigInt(b)
  return left < right ? -1 : left > right ? 1 : 0
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new AppError('CANCELLED', 'The growth analysis was cancelled.')
}
