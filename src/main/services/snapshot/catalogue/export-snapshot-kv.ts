// `kv-export` straight from a snapshot file, in memory that does not grow with the file. One pass
// of the archive reader (the verification every command shares) with the shared StateScanner:
// while the keys come in order (Consul writes KV in key order, so that is the export's order),
// each entry is written out as export text as soon as its record ends, its value taken from the
// chunk at hand; the text waits in memory up to a budget, the rest in a working file. Only a KVS
// record that runs past a chunk's end leaves bytes in the spill file, which starts again with each
// such record, so it never holds more than the largest record. Nothing is printed before the whole
// archive has verified; then the export text is copied out in large chunks.
// Keys out of order need every value for the sorted export: a file is then read again (and
// verified again), its state.bin spilled whole and every entry's position logged (32 bytes), and
// the keys are sorted in memory (the catalogue's KV table) within the same budget as browsing. A
// stream (a decrypted backup) cannot be read twice, so it is spilled whole and logged from the
// start.
import type { Writable } from 'node:stream'
import { AppError } from '../../../../shared/app-error'
import { readSnapshot, readSnapshotStream, type ReadOptions, type StateConsumer } from '../archive-reader'
import { StateScanner } from '../state-scanner'
import {
  checkCancelled,
  FLUSH_AT,
  KvExportText,
  kvTableRows,
  writeChunk,
  writeKvExport,
  type KvExportRow,
} from './kv-export-writer'
import { KvTableBuilder, type KvTable } from './kv-table'
import { SpillBlockReader } from './spill-block-reader'
import { ExportTextStore } from './export-text-store'
import { SpillFile } from './spill-file'

const KVS = 2
const LOG_ENTRY = 32
const LOG_STAGE_ENTRIES = 32 * 1024
// Rows handed to the writer at a time: small enough that they die young (a batch that survives
// a scavenge is promoted, and the old generation then grows with the file).
const ROW_BATCH = 4096
// The in-memory sort of out-of-order keys stays well inside the process's 256 MiB.
const SORT_BUDGET_BYTES = 96 << 20
// Export text held in memory until the archive has verified; the rest waits in a working file.
// Small: a larger budget measured no faster (fresh memory costs about what the file does) and
// would add its size to the peak RSS.
const TEXT_MEMORY_BUDGET = 8 << 20
// A value read back from the spill is encoded in slices of this size (a multiple of 3, so base64
// encodes each on its own), through one buffer.
const READ_BACK_SLICE = 3 << 18

export interface ExportSnapshotKvOptions extends ReadOptions {
  /** plain string prefix; a leading '/' is dropped, as `consul kv export` does */
  prefix?: string
  out: Writable
  /** folder for the working files (default: the OS temp folder) */
  spillDir?: string
  /** Read the archive from this stream (a decrypted backup, say) instead of the file; `path` then only names it. */
  source?: AsyncIterable<Uint8Array>
}

/** A file's keys are out of order: its values must be read again, kept whole (see exportSnapshotKv). */
class KeysOutOfOrder extends Error {}

interface ReaderSetup {
  /**
   * Where each entry lies, 32 bytes each, for sorting keys that are out of order; with it all of
   * state.bin goes to the spill (the sort reads values anywhere), without it only the unfinished
   * KVS record.
   */
  log: SpillFile | undefined
  /** The export text of the entries, written while the keys come in order. */
  exportText: ExportTextStore | undefined
  /**
   * At the first key out of order: throw KeysOutOfOrder and stop the read with this controller
   * (the caller reads the file again); the rest of the file would be read for nothing.
   */
  stopWhenUnordered: AbortController | undefined
}

/** Reads state.bin for the export: the entries' text while keys come in order, their positions. */
class KvExportReader implements StateConsumer {
  private readonly scanner: StateScanner
  // One staging area seen three ways, so an entry is a few stores rather than Buffer method calls
  // (this runs once per key: a third of the export's time went to writing entries and keys).
  private readonly stage = new ArrayBuffer(LOG_ENTRY * LOG_STAGE_ENTRIES)
  private readonly stageDoubles = new Float64Array(this.stage)
  private readonly stageWords = new Uint32Array(this.stage)
  private readonly stageFlags = new BigUint64Array(this.stage)
  private staged = 0
  /** the last entry is held back: the next record may repeat its key and replace it */
  private pending = false
  private previousKey = Buffer.allocUnsafe(256)
  private previousKeyLength = 0
  entries = 0
  inKeyOrder = true
  /** The export text of the entries so far, while the keys come in order. */
  private readonly text = new KvExportText()
  /** Where the held-back entry's text starts, so a repeat of its key can take it back. */
  private pendingTextStart = 0
  /** The chunk being scanned and its state.bin offset: most values are read where they lie. */
  private chunk: Buffer = Buffer.alloc(0)
  private chunkStart = 0
  /**
   * The state.bin offset of the spill's first byte. Keeping only the unfinished KVS record, the
   * spill starts again at 0 with each record that runs past a chunk's end: it holds that record's
   * bytes before the current chunk, and never more than the largest record.
   */
  private spillBase = 0
  private readBack: Buffer | undefined
  private readonly spillAll: boolean
  private readonly log: SpillFile | undefined
  private readonly exportText: ExportTextStore | undefined
  private readonly stopWhenUnordered: AbortController | undefined

  constructor(
    private readonly spill: SpillFile,
    private readonly prefix: Buffer,
    setup: ReaderSetup,
  ) {
    this.spillAll = setup.log !== undefined
    this.log = setup.log
    this.exportText = setup.exportText
    this.stopWhenUnordered = setup.stopWhenUnordered
    this.inKeyOrder = setup.exportText !== undefined
    this.scanner = new StateScanner({
      captureKeys: true,
      captureKvFields: true,
      onRecord: (type, _offset, _size, key, keyStart, keyEnd) => {
        if (type === KVS && key !== null) this.onKey(key, keyStart, keyEnd)
      },
    })
  }

  push(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    const start = this.scanner.bytesScanned
    this.chunkStart = start
    this.chunk = bytes
    if (this.spillAll) this.spill.append(bytes)
    this.scanner.push(bytes)
    if (this.spillAll) return
    // Keep what the record left unfinished will need when it ends: its value may lie here.
    const open = this.scanner.openRecordStart
    if (open < 0 || this.scanner.currentType !== KVS) return
    if (open >= start) {
      this.spillBase = open
      this.spill.writeAt(0, bytes.subarray(open - start))
    } else this.spill.writeAt(start - this.spillBase, bytes)
  }

  finish(): void {
    this.scanner.finish()
    if (this.pending) this.staged++
    this.pending = false
    this.flushStage()
    this.flushText()
  }

  private onKey(key: Buffer, start: number, end: number): void {
    const p = this.prefix
    if (p.length > 0 && !startsWith(key, start, end, p)) return
    const order = this.pending ? this.compareAndKeep(key, start, end) : this.keepKey(key, start, end)
    if (order > 0 || !this.pending) {
      if (this.pending) this.staged++
      if (this.staged === LOG_STAGE_ENTRIES) this.flushStage()
      this.entries++
    } else if (order < 0) {
      if (this.stopWhenUnordered !== undefined) {
        // The reader is held until the pass ends: its text must not be.
        this.dropText()
        this.stopWhenUnordered.abort()
        throw new KeysOutOfOrder()
      }
      if (this.inKeyOrder) this.dropText()
      this.inKeyOrder = false
      this.staged++
      if (this.staged === LOG_STAGE_ENTRIES) this.flushStage()
      this.entries++
    } else if (this.inKeyOrder) {
      // order === 0: the same key again, which replaces the held-back entry (restore keeps the
      // last); its text is the last written, so it is taken back.
      this.takeBackText(this.pendingTextStart)
    }
    if (this.inKeyOrder) this.writeEntry(key, start, end)
    if (this.log !== undefined) {
      const s = this.scanner
      const at = this.staged * (LOG_ENTRY / 8)
      this.stageDoubles[at] = s.kvKeyOffset
      this.stageDoubles[at + 1] = s.kvValueOffset
      this.stageFlags[at + 2] = s.kvFlags
      this.stageWords[2 * at + 6] = s.kvKeyLength
      this.stageWords[2 * at + 7] = s.kvValueLength
    }
    this.pending = true
  }

  /** The entry of the record that just ended, as export text (its index is entries - 1). */
  private writeEntry(key: Buffer, start: number, end: number): void {
    const s = this.scanner
    const text = this.text
    this.pendingTextStart = this.textStored() + text.used
    text.entryHead(this.entries === 1, key, start, end, s.kvFlags)
    const offset = s.kvValueOffset
    const length = s.kvValueLength
    const inChunk = offset - this.chunkStart
    if (inChunk >= 0) text.valueBytes(this.chunk, inChunk, inChunk + length)
    else {
      // The record began in an earlier chunk: its value is read back from the spill, in slices
      // (a value of any size, and memory stays flat).
      for (let done = 0; done < length;) {
        const n = Math.min(READ_BACK_SLICE, length - done)
        text.valueBytes(this.valueSlice(offset + done, n), 0, n)
        done += n
        if (done < length) this.flushText()
      }
    }
    text.entryTail()
    if (text.used >= FLUSH_AT) this.flushText()
  }

  /**
   * Value bytes [offset, offset + length) of the record that just ended, no more than a read-back
   * slice: those before the current chunk come from the spill, the rest from the chunk.
   */
  private valueSlice(offset: number, length: number): Buffer {
    const inChunk = offset - this.chunkStart
    if (inChunk >= 0) return this.chunk.subarray(inChunk, inChunk + length)
    const fromSpill = Math.min(length, -inChunk)
    this.readBack ??= Buffer.allocUnsafe(READ_BACK_SLICE)
    this.spill.readSync(offset - this.spillBase, fromSpill, this.readBack)
    if (fromSpill < length) this.chunk.copy(this.readBack, fromSpill, 0, length - fromSpill)
    return this.readBack.subarray(0, length)
  }

  private textStored(): number {
    return this.exportText?.size ?? 0
  }

  private flushText(): void {
    this.exportText?.add(this.text)
  }

  /** Takes back the export text from `start` on (it may already be in the file). */
  private takeBackText(start: number): void {
    const stored = this.exportText
    if (stored === undefined) return
    if (start >= stored.size) this.text.used = start - stored.size
    else {
      stored.truncate(start)
      this.text.used = 0
    }
  }

  /** The keys are out of order: the export text is of no use (the sorted export encodes anew). */
  private dropText(): void {
    this.takeBackText(0)
  }

  /** Keeps the key as the previous one (the first of all); returns 1, as if it followed one. */
  private keepKey(key: Buffer, start: number, end: number): number {
    const length = end - start
    if (this.previousKey.length < length) this.previousKey = Buffer.allocUnsafe(2 * length)
    key.copy(this.previousKey, 0, start, end)
    this.previousKeyLength = length
    return 1
  }

  /**
   * Byte order of key[start, end) against the previous key (negative, zero or positive), which it
   * then replaces. One pass: the bytes the keys share need no copy (ordered keys share long
   * prefixes), and keys are short, so a loop beats a native copy's call overhead.
   */
  private compareAndKeep(key: Buffer, start: number, end: number): number {
    const length = end - start
    const previousLength = this.previousKeyLength
    if (this.previousKey.length < length) {
      const grown = Buffer.allocUnsafe(2 * length)
      this.previousKey.copy(grown, 0, 0, previousLength)
      this.previousKey = grown
    }
    const kept = this.previousKey
    const shared = length < previousLength ? length : previousLength
    let i = 0
    let order = 0
    for (; i < shared; i++) {
      const d = (key[start + i] as number) - (kept[i] as number)
      if (d !== 0) {
        order = d
        break
      }
    }
    if (length - i <= 64) for (; i < length; i++) kept[i] = key[start + i] as number
    else key.copy(kept, i, start + i, end)
    this.previousKeyLength = length
    return order !== 0 ? order : length - previousLength
  }

  private flushStage(): void {
    if (this.staged === 0) return
    this.log?.append(new Uint8Array(this.stage, 0, this.staged * LOG_ENTRY))
    this.staged = 0
  }
}

/** Whether a[start, end) begins with `prefix`. */
function startsWith(a: Uint8Array, start: number, end: number, prefix: Uint8Array): boolean {
  if (end - start < prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (a[start + i] !== prefix[i]) return false
  return true
}

/** The logged entries, in log order, keys read back from the spill file; in batches. */
async function* loggedRows(log: SpillFile, spill: SpillBlockReader): AsyncGenerator<KvExportRow[]> {
  for (let from = 0; from < log.size; from += LOG_ENTRY * ROW_BATCH) {
    const read = log.readSync(from, Math.min(LOG_ENTRY * ROW_BATCH, log.size - from))
    // Read back the way the entries were staged (typed views need an aligned start).
    const entries = read.byteOffset % 8 === 0 ? read : new Uint8Array(read)
    const doubles = new Float64Array(entries.buffer, entries.byteOffset, entries.length / 8)
    const words = new Uint32Array(entries.buffer, entries.byteOffset, entries.length / 4)
    const flags = new BigUint64Array(entries.buffer, entries.byteOffset, entries.length / 8)
    const batch: KvExportRow[] = []
    for (let at = 0; at < doubles.length; at += LOG_ENTRY / 8) {
      const pending = spill.read(doubles[at] as number, words[2 * at + 6] as number)
      batch.push({
        key: pending instanceof Promise ? await pending : pending,
        valueOffset: doubles[at + 1] as number,
        flags: words[2 * at + 4] === 0 && words[2 * at + 5] === 0 ? 0n : (flags[at + 2] as bigint),
        valueSize: words[2 * at + 7] as number,
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

/**
 * Verifies the snapshot at `path` like every other command, then prints its KV data as
 * `consul kv export` would. Returns how many keys were written. Working files are removed.
 */
export async function exportSnapshotKv(path: string, options: ExportSnapshotKvOptions): Promise<number> {
  const prefix = Buffer.from((options.prefix ?? '').replace(/^\//, ''), 'utf8')
  // A stream is read once: all of it is kept, in case its keys turn out to be out of order.
  if (options.source) return readAndExport(path, prefix, options, { sortable: true, text: true })
  const stop = new AbortController()
  const cancel = (): void => stop.abort()
  if (options.signal?.aborted === true) stop.abort()
  options.signal?.addEventListener('abort', cancel, { once: true })
  try {
    return await readAndExport(
      path,
      prefix,
      { ...options, signal: stop.signal },
      { sortable: false, text: true, stop },
    )
  } catch (error) {
    // Stopped at a key out of order: whatever the read said then (cancelled, or a verdict reached
    // before the stop), the second read gives the file's verdict.
    if (!stop.signal.aborted || options.signal?.aborted === true) throw error
  } finally {
    options.signal?.removeEventListener('abort', cancel)
  }
  // Keys out of order (rare: Consul writes them in order): the sorted export needs every value,
  // so the file is read, and verified, again, this time kept whole with every entry's position.
  return readAndExport(path, prefix, options, { sortable: true, text: false })
}

/** One pass over the archive, then the export printed from what it left (nothing on a failure). */
async function readAndExport(
  path: string,
  prefix: Buffer,
  options: ExportSnapshotKvOptions,
  keep: { sortable: boolean; text: boolean; stop?: AbortController },
): Promise<number> {
  const spill = new SpillFile(options.spillDir)
  let log: SpillFile | undefined
  let exportText: ExportTextStore | undefined
  try {
    if (keep.sortable) log = new SpillFile(options.spillDir)
    if (keep.text) exportText = new ExportTextStore(TEXT_MEMORY_BUDGET, options.spillDir)
    const reader = new KvExportReader(spill, prefix, {
      log,
      exportText,
      stopWhenUnordered: keep.stop,
    })
    if (options.source)
      await readSnapshotStream(options.source, reader, { signal: options.signal, label: path })
    else await readSnapshot(path, reader, { signal: options.signal, onProgress: options.onProgress })
    await spill.seal()
    await log?.seal()
    await exportText?.seal()
    if (exportText !== undefined && reader.inKeyOrder) {
      await copyExportText(exportText, reader.entries, options.out, options.signal)
      return reader.entries
    }
    if (log === undefined) throw new AppError('INTERNAL', 'The KV export lost track of its entries.')
    const values = new SpillBlockReader(spill)
    return await writeKvExport(
      kvTableRows(await sortedTable(log, spill)),
      (offset, length) => values.read(offset, length),
      options.out,
      options.signal,
    )
  } finally {
    await exportText?.remove()
    await log?.remove()
    await spill.remove()
  }
}

/** The export text written while reading, then what closes the document. */
async function copyExportText(
  text: ExportTextStore,
  entries: number,
  out: Writable,
  signal: AbortSignal | undefined,
): Promise<void> {
  await text.copyTo(out, signal)
  const closing = new KvExportText()
  closing.closing(entries)
  checkCancelled(signal)
  await writeChunk(out, closing.take())
}
