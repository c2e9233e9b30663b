// `kv-export` straight from a snapshot file, in memory that does not grow with the file. One pass
// of the archive reader (the verification every command shares) with the shared StateScanner:
// state.bin goes to a spill file and every KVS record leaves 32 bytes in a position log on disk
// (where its key and value lie, its flags). Only once the whole archive has verified is anything
// printed: keys and values are read back from the spill file in log order. Consul writes KV in
// key order, so that is the export's order; a file whose keys are not in order is sorted in
// memory first (the catalogue's KV table), within the same budget as browsing.
import type { Writable } from 'node:stream'
import { AppError } from '../../../../shared/app-error'
import { readSnapshot, readSnapshotStream, type ReadOptions, type StateConsumer } from '../archive-reader'
import { StateScanner } from '../state-scanner'
import { writeKvExport, type KvExportRow } from './kv-export-writer'
import { KvTableBuilder, type KvTable } from './kv-table'
import { SpillBlockReader } from './spill-block-reader'
import { SpillFile } from './spill-file'

const KVS = 2
const LOG_ENTRY = 32
const LOG_STAGE_ENTRIES = 32 * 1024
// Rows handed to the writer at a time: small enough that they die young (a batch that survives
// a scavenge is promoted, and the old generation then grows with the file).
const ROW_BATCH = 4096
// The in-memory sort of out-of-order keys stays well inside the process's 256 MiB.
const SORT_BUDGET_BYTES = 96 << 20

export interface ExportSnapshotKvOptions extends ReadOptions {
  /** plain string prefix; a leading '/' is dropped, as `consul kv export` does */
  prefix?: string
  out: Writable
  /** folder for the working files (default: the OS temp folder) */
  spillDir?: string
  /** Read the archive from this stream (a decrypted backup, say) instead of the file; `path` then only names it. */
  source?: AsyncIterable<Uint8Array>
}

/** Pass one: spill state.bin and log where each KV entry under the prefix lies. */
class KvPositionLogger implements StateConsumer {
  private readonly scanner: StateScanner
  private stage = Buffer.allocUnsafe(LOG_ENTRY * LOG_STAGE_ENTRIES)
  private staged = 0
  /** the last entry is held back: the next record may repeat its key and replace it */
  private pending = false
  private previousKey = Buffer.allocUnsafe(256)
  private previousKeyLength = 0
  entries = 0
  inKeyOrder = true

  constructor(
    private readonly spill: SpillFile,
    private readonly log: SpillFile,
    private readonly prefix: Buffer,
  ) {
    this.scanner = new StateScanner({
      captureKeys: true,
      captureKvFields: true,
      onRecord: (type, _offset, _size, key, keyStart, keyEnd) => {
        if (type === KVS && key !== null) this.onKey(key, keyStart, keyEnd)
      },
    })
  }

  push(chunk: Uint8Array): void {
    this.spill.append(chunk)
    this.scanner.push(chunk)
  }

  finish(): void {
    this.scanner.finish()
    if (this.pending) this.staged++
    this.pending = false
    this.flushStage()
  }

  private onKey(key: Buffer, start: number, end: number): void {
    const p = this.prefix
    if (p.length > 0 && (end - start < p.length || p.compare(key, start, start + p.length) !== 0)) return
    const order = this.pending ? key.compare(this.previousKey, 0, this.previousKeyLength, start, end) : 1
    if (order > 0 || !this.pending) {
      if (this.pending) this.staged++
      if (this.staged === LOG_STAGE_ENTRIES) this.flushStage()
      this.entries++
    } else if (order < 0) {
      this.inKeyOrder = false
      this.staged++
      if (this.staged === LOG_STAGE_ENTRIES) this.flushStage()
      this.entries++
    }
    // order === 0: the same key again, which replaces the held-back entry (restore keeps the last).
    this.keepKey(key, start, end)
    const s = this.scanner
    const at = this.staged * LOG_ENTRY
    this.stage.writeDoubleLE(s.kvKeyOffset, at)
    this.stage.writeDoubleLE(s.kvValueOffset, at + 8)
    if (s.kvFlags === 0n) this.stage.fill(0, at + 16, at + 24)
    else this.stage.writeBigUInt64LE(s.kvFlags, at + 16)
    this.stage.writeUInt32LE(s.kvKeyLength, at + 24)
    this.stage.writeUInt32LE(s.kvValueLength, at + 28)
    this.pending = true
  }

  private keepKey(key: Buffer, start: number, end: number): void {
    if (this.previousKey.length < end - start) this.previousKey = Buffer.allocUnsafe(2 * (end - start))
    key.copy(this.previousKey, 0, start, end)
    this.previousKeyLength = end - start
  }

  private flushStage(): void {
    if (this.staged === 0) return
    this.log.append(this.stage.subarray(0, this.staged * LOG_ENTRY))
    this.staged = 0
  }
}

/** The logged entries, in log order, keys read back from the spill file; in batches. */
async function* loggedRows(log: SpillFile, spill: SpillBlockReader): AsyncGenerator<KvExportRow[]> {
  for (let from = 0; from < log.size; from += LOG_ENTRY * ROW_BATCH) {
    const entries = await log.read(from, Math.min(LOG_ENTRY * ROW_BATCH, log.size - from))
    const batch: KvExportRow[] = []
    for (let at = 0; at < entries.length; at += LOG_ENTRY) {
      const keyLength = entries.readUInt32LE(at + 24)
      const pending = spill.read(entries.readDoubleLE(at), keyLength)
      const low = entries.readUInt32LE(at + 16)
      const high = entries.readUInt32LE(at + 20)
      batch.push({
        key: pending instanceof Promise ? await pending : pending,
        valueOffset: entries.readDoubleLE(at + 8),
        flags: low === 0 && high === 0 ? 0n : entries.readBigUInt64LE(at + 16),
        valueSize: entries.readUInt32LE(at + 28),
      })
    }
    yield batch
  }
}

/** Keys out of order: sort them in memory (stable, so a repeated key keeps its last record). */
async function sortedTable(log: SpillFile, spill: SpillFile): Promise<KvTable> {
  const table = new KvTableBuilder()
  for await (const batch of loggedRows(log, new SpillBlockReader(spill)))
    for (const row of batch) {
      const key = Buffer.from(row.key.buffer, row.key.byteOffset, row.key.byteLength)
      table.add(key, 0, key.length, row.valueOffset, row.valueSize, row.valueOffset, row.valueSize, row.flags)
      if (table.byteLength > SORT_BUDGET_BYTES)
        throw new AppError(
          'UNSUPPORTED',
          `This snapshot's KV records are not in key order and too many (over ${table.count}) to sort in memory.`,
          { hint: 'Consul writes keys in order, so the file was not written by Consul as it is.' },
        )
    }
  return table.finish()
}

/** The sorted table's rows, a batch at a time (never one object per key at once). */
function* tableRows(kv: KvTable): Generator<KvExportRow[]> {
  for (let from = 0; from < kv.size; from += ROW_BATCH) {
    const batch: KvExportRow[] = []
    for (let i = from; i < Math.min(kv.size, from + ROW_BATCH); i++)
      batch.push({
        key: kv.keyBytesAt(i),
        flags: kv.flags(i),
        valueOffset: kv.valueOffset(i),
        valueSize: kv.valueSize(i),
      })
    yield batch
  }
}

/**
 * Verifies the snapshot at `path` like every other command, then prints its KV data as
 * `consul kv export` would. Returns how many keys were written. Working files are removed.
 */
export async function exportSnapshotKv(path: string, options: ExportSnapshotKvOptions): Promise<number> {
  const prefix = Buffer.from((options.prefix ?? '').replace(/^\//, ''), 'utf8')
  const spill = new SpillFile(options.spillDir)
  let log: SpillFile | undefined
  try {
    log = new SpillFile(options.spillDir)
    const logger = new KvPositionLogger(spill, log, prefix)
    if (options.source)
      await readSnapshotStream(options.source, logger, { signal: options.signal, label: path })
    else await readSnapshot(path, logger, { signal: options.signal, onProgress: options.onProgress })
    await spill.seal()
    await log.seal()
    const values = new SpillBlockReader(spill)
    const rows = logger.inKeyOrder ? loggedRows(log, values) : tableRows(await sortedTable(log, spill))
    return await writeKvExport(
      rows,
      (offset, length) => values.read(offset, length),
      options.out,
      options.signal,
    )
  } finally {
    await log?.remove()
    await spill.remove()
  }
}
