// Two snapshots compared: both are opened as catalogues (each a compact index in memory and its
// decompressed state.bin on disk, never the snapshot itself), then KV is walked once and each
// record kind matched by identity. The result keeps both catalogues open so the details of any
// change (a key's two values) can be read back; close() removes the working copies.
import { stat } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error'
import {
  diffKinds,
  recordDiffKinds,
  type ChangeCounts,
  type ChangePageWire,
  type ChangeWire,
  type CompareProgress,
  type ComparisonSideWire,
  type DiffKind,
  type KvValuePairWire,
  type RecordChangeWire,
} from '../../../shared/diff-wire-types'
import { openSnapshotCatalogue, type SnapshotCatalogue } from '../snapshot/catalogue'
import { diffKv, type KvDiff } from './kv-diff'
import { diffRecords } from './record-diff'

export interface CompareOptions {
  /** only KV keys that start with this; records are compared whole */
  prefix?: string
  /** report raft indexes and hashes that differ too (churn, left out by default) */
  includeIndexes?: boolean
  /** what to call each side (default: the file names) */
  labels?: { left?: string; right?: string }
  /** folder for the two working copies (default: the OS temp folder) */
  spillDir?: string
  signal?: AbortSignal
  onProgress?: (progress: CompareProgress) => void
}

export interface ComparisonSummary {
  left: ComparisonSideWire
  right: ComparisonSideWire
  prefix: string
  counts: Record<DiffKind, ChangeCounts>
  total: number
}

const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path

async function sizeOf(path: string): Promise<number> {
  return (await stat(path).catch(() => null))?.size ?? 0
}

/** Opens both files one after the other, progress counted over both; nothing stays open on failure. */
async function openBoth(
  leftPath: string,
  rightPath: string,
  options: CompareOptions,
): Promise<[SnapshotCatalogue, SnapshotCatalogue]> {
  const sizes = [await sizeOf(leftPath), await sizeOf(rightPath)] as const
  const total = sizes[0] + sizes[1]
  const open = (path: string, before: number): Promise<SnapshotCatalogue> =>
    openSnapshotCatalogue(path, {
      spillDir: options.spillDir,
      signal: options.signal,
      onProgress: (p) => options.onProgress?.({ phase: 'reading', done: before + p.bytes, total }),
    })
  const left = await open(leftPath, 0)
  try {
    return [left, await open(rightPath, sizes[0])]
  } catch (error) {
    await left.close()
    throw error
  }
}

export class SnapshotComparison {
  private closed = false

  private constructor(
    private readonly left: SnapshotCatalogue,
    private readonly right: SnapshotCatalogue,
    private readonly kv: KvDiff,
    private readonly records: ReadonlyMap<DiffKind, RecordChangeWire[]>,
    private readonly sides: { left: ComparisonSideWire; right: ComparisonSideWire },
    readonly prefix: string,
  ) {}

  /** Compares the snapshot at `leftPath` (before) with the one at `rightPath` (after). */
  static async open(
    leftPath: string,
    rightPath: string,
    options: CompareOptions = {},
  ): Promise<SnapshotComparison> {
    const [left, right] = await openBoth(leftPath, rightPath, options)
    try {
      const prefix = options.prefix ?? ''
      const kv = await diffKv(left, right, {
        prefix,
        includeIndexes: options.includeIndexes,
        signal: options.signal,
        onProgress: (done, total) => options.onProgress?.({ phase: 'comparing', done, total }),
      })
      const records = new Map<DiffKind, RecordChangeWire[]>()
      for (const kind of recordDiffKinds)
        records.set(
          kind,
          await diffRecords(left, right, kind, {
            signal: options.signal,
            includeIndexes: options.includeIndexes,
          }),
        )
      const side = (catalogue: SnapshotCatalogue, label: string): ComparisonSideWire => ({
        label,
        index: (catalogue.source?.meta.index ?? 0n).toString(),
      })
      return new SnapshotComparison(
        left,
        right,
        kv,
        records,
        {
          left: side(left, options.labels?.left ?? fileName(leftPath)),
          right: side(right, options.labels?.right ?? fileName(rightPath)),
        },
        prefix,
      )
    } catch (error) {
      await Promise.all([left.close(), right.close()])
      throw error
    }
  }

  summary(): ComparisonSummary {
    const counts = {} as Record<DiffKind, ChangeCounts>
    let total = 0
    for (const kind of diffKinds) {
      const c = kind === 'kv' ? { ...this.kv.counts } : countOf(this.records.get(kind) ?? [])
      counts[kind] = c
      total += c.added + c.removed + c.changed
    }
    return { ...this.sides, prefix: this.prefix, counts, total }
  }

  /** One page of the changes of a kind, in key (or identity) order. */
  async changes(kind: DiffKind, offset = 0, limit = 200): Promise<ChangePageWire> {
    this.assertOpen()
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1)
      throw new AppError('INVALID_ARGUMENT', 'A page of changes needs an offset ≥ 0 and a size ≥ 1.')
    if (kind === 'kv') {
      const end = Math.min(this.kv.size, offset + limit)
      const changes: ChangeWire[] = []
      for (let k = offset; k < end; k++) changes.push(await this.kv.change(k))
      return { kind, total: this.kv.size, offset, changes }
    }
    const all = this.records.get(kind)
    if (all === undefined) throw new AppError('INVALID_ARGUMENT', `Unknown kind "${kind}".`)
    return { kind, total: all.length, offset, changes: all.slice(offset, offset + limit) }
  }

  /** Every change, kind after kind, read a page at a time. */
  async *allChanges(): AsyncGenerator<ChangeWire> {
    for (const kind of diffKinds) {
      for (let offset = 0; ;) {
        const page = await this.changes(kind, offset, 1000)
        yield* page.changes
        offset += page.changes.length
        if (offset >= page.total) break
      }
    }
  }

  /** The two values of a key (each cut at maxBytes), for a side-by-side view; null where absent. */
  async kvValues(key: string, maxBytes = 1024 * 1024): Promise<KvValuePairWire> {
    this.assertOpen()
    const read = async (catalogue: SnapshotCatalogue): Promise<KvValuePairWire['before']> => {
      if (catalogue.kvTable.indexOf(Buffer.from(key, 'utf8')) < 0) return null
      const entry = await catalogue.kvGet(key, { maxBytes })
      return { valueBase64: entry.value, size: entry.size, truncated: entry.truncated }
    }
    return { key, before: await read(this.left), after: await read(this.right) }
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Removes both working copies. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.all([this.left.close(), this.right.close()])
  }

  private assertOpen(): void {
    if (this.closed)
      throw new AppError('INVALID_ARGUMENT', 'This comparison is closed.', {
        hint: 'Compare the snapshots again.',
      })
  }
}

function countOf(changes: readonly RecordChangeWire[]): ChangeCounts {
  const counts = { added: 0, removed: 0, changed: 0 }
  for (const change of changes) counts[change.op]++
  return counts
}
