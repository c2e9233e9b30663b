// `consul kv export` output, byte for byte (docs/snapshot-format.md §13): Go's json.MarshalIndent of an array of
// {key, flags, value} with tab indentation, then the newline the CLI adds. Written as a stream of
// buffers: exporting a million keys never builds the whole document, and a value of any size is
// read and encoded in slices, so memory stays flat whatever the file holds.
import type { Writable } from 'node:stream'
import { AppError } from '../../../../shared/app-error'
import { base64Into, base64Length } from './base64-into'
import { goJsonString, isPlainJson } from './go-json-string'
import type { KvTable } from './kv-table'

/** One key to export; its value lies in the spill file at [valueOffset, valueOffset + valueSize). */
export interface KvExportRow {
  key: Uint8Array
  flags: bigint
  valueOffset: number
  valueSize: number
}

// Rows handed to the writer at a time: small enough that they die young (a batch that survives
// a scavenge is promoted, and the old generation then grows with the file).
const ROW_BATCH = 4096

/**
 * The rows [from, to) of a sorted KV table (all of it by default; a prefix's range from
 * KvTable.prefixRange), a batch at a time: never one object per key at once.
 */
export function* kvTableRows(kv: KvTable, from = 0, to = kv.size): Generator<KvExportRow[]> {
  for (let start = from; start < to; start += ROW_BATCH) {
    const batch: KvExportRow[] = []
    for (let i = start; i < Math.min(to, start + ROW_BATCH); i++)
      batch.push({
        key: kv.keyBytesAt(i),
        flags: kv.flags(i),
        valueOffset: kv.valueOffset(i),
        valueSize: kv.valueSize(i),
      })
    yield batch
  }
}

/** Reads bytes of the spill file (at once when they are at hand); a view that stays valid. */
export type ReadSpill = (offset: number, length: number) => Buffer | Promise<Buffer>

export const FLUSH_AT = 1 << 20
// Room past FLUSH_AT for the entry that crosses it. Every buffer handed out is a new one (the
// destination may hold it), so its size is what the collector sees come and go.
const BUFFER_BYTES = FLUSH_AT + (64 << 10)
// Base64 turns every 3 bytes into 4 characters: slices of a multiple of 3 encode independently.
export const VALUE_SLICE = 3 << 20

// Values from this length on are encoded by Node (measured faster from ~1.5 KiB: half the time at
// 4 KiB), shorter ones by base64Into (faster below 1 KiB: a third of the time at 100 bytes).
const NATIVE_BASE64_FROM = 2048

const FIRST_HEAD = Buffer.from('[\n\t{\n\t\t"key": ')
const NEXT_HEAD = Buffer.from(',\n\t{\n\t\t"key": ')
const FLAGS_HEAD = Buffer.from(',\n\t\t"flags": ')
const VALUE_HEAD = Buffer.from(',\n\t\t"value": "')
// Most entries have no flags: what follows their key is one constant.
const ZERO_FLAGS_VALUE_HEAD = Buffer.concat([FLAGS_HEAD, Buffer.from('0'), VALUE_HEAD])
const ENTRY_TAIL = Buffer.from('"\n\t}')
const EMPTY_ARRAY = Buffer.from('[]\n')
const ARRAY_END = Buffer.from('\n]\n')

/**
 * The text of export entries, built in one buffer: an entry's head (key and flags), its value in
 * base64 (whole or in slices) and its tail. Both ways of exporting use it, the writer below and
 * the export that encodes entries while it reads the archive, so their bytes cannot differ.
 */
export class KvExportText {
  private buf = Buffer.allocUnsafe(BUFFER_BYTES)
  private bufView = viewOf(this.buf)
  /** Bytes of text in the buffer. */
  used = 0
  // The view of the last value's bytes: values come from a few large buffers (a chunk, a block).
  private valueBuffer: ArrayBufferLike | undefined
  private valueView: DataView | undefined

  /** Everything up to the value's opening quote; `first` for the entry that opens the array. */
  entryHead(first: boolean, key: Uint8Array, keyStart: number, keyEnd: number, flags: bigint): void {
    this.bytes(first ? FIRST_HEAD : NEXT_HEAD)
    this.jsonString(key, keyStart, keyEnd)
    if (flags === 0n) this.bytes(ZERO_FLAGS_VALUE_HEAD)
    else {
      this.bytes(FLAGS_HEAD)
      this.ascii(flags.toString())
      this.bytes(VALUE_HEAD)
    }
  }

  /**
   * The value bytes [start, end) in base64. A value given in slices must be sliced at multiples
   * of 3 bytes (see VALUE_SLICE): base64 then encodes each slice on its own.
   */
  valueBytes(bytes: Uint8Array, start: number, end: number): void {
    if (end <= start) return
    this.ensure(base64Length(end - start))
    if (end - start >= NATIVE_BASE64_FROM) {
      // Node's encoder wins on long values, its string's cost spread over many bytes.
      const view = Buffer.isBuffer(bytes)
        ? bytes
        : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      this.used += this.buf.write(view.toString('base64', start, end), this.used, 'latin1')
      return
    }
    if (bytes.buffer !== this.valueBuffer || this.valueView === undefined) {
      this.valueBuffer = bytes.buffer
      this.valueView = new DataView(bytes.buffer)
    }
    const shift = bytes.byteOffset
    const at = this.buf.byteOffset
    this.used = base64Into(this.valueView, shift + start, shift + end, this.bufView, at + this.used) - at
  }

  entryTail(): void {
    this.bytes(ENTRY_TAIL)
  }

  /** What ends the document after `count` entries. */
  closing(count: number): void {
    this.bytes(count === 0 ? EMPTY_ARRAY : ARRAY_END)
  }

  /** The text so far as a buffer of its own (a destination may hold it); the builder starts anew. */
  take(): Buffer {
    const chunk = this.buf.subarray(0, this.used)
    this.buf = Buffer.allocUnsafe(BUFFER_BYTES)
    this.bufView = viewOf(this.buf)
    this.used = 0
    return chunk
  }

  /** The text so far, lent to `sink` while it runs (a file write); the buffer is then reused. */
  drain(sink: (text: Uint8Array) => void): void {
    if (this.used === 0) return
    sink(this.buf.subarray(0, this.used))
    this.used = 0
  }

  private bytes(bytes: Buffer): void {
    const length = bytes.length
    this.ensure(length)
    const buf = this.buf
    let at = this.used
    // Short constants: a loop beats a native copy's call overhead.
    for (let i = 0; i < length; i++) buf[at++] = bytes[i] as number
    this.used = at
  }

  private ascii(text: string): void {
    this.ensure(text.length)
    this.used += this.buf.write(text, this.used, 'latin1')
  }

  /** A key as Go's JSON string; most keys need no escaping and are copied as they are. */
  private jsonString(key: Uint8Array, start: number, end: number): void {
    if (!isPlainJson(key, start, end)) {
      const text = goJsonString(key.subarray(start, end))
      this.ensure(3 * text.length)
      this.used += this.buf.write(text, this.used, 'utf8')
      return
    }
    const length = end - start
    this.ensure(length + 2)
    const buf = this.buf
    let at = this.used
    buf[at++] = 0x22
    // Keys are short: a loop beats a native copy's call overhead.
    if (length <= 64) for (let i = start; i < end; i++) buf[at++] = key[i] as number
    else {
      buf.set(key.subarray(start, end), at)
      at += length
    }
    buf[at++] = 0x22
    this.used = at
  }

  private ensure(n: number): void {
    if (this.used + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + n))
    this.buf.copy(next, 0, 0, this.used)
    this.buf = next
    this.bufView = viewOf(next)
  }
}

/** A DataView of the whole memory under `bytes` (positions then count from its start). */
function viewOf(bytes: Buffer): DataView {
  return new DataView(bytes.buffer)
}

/** Hands the text to the destination once it is full enough, waiting if it pushes back. */
class OutputBuffer extends KvExportText {
  constructor(
    private readonly out: Writable,
    private readonly signal: AbortSignal | undefined,
  ) {
    super()
  }

  maybeFlush(): Promise<void> | undefined {
    return this.used >= FLUSH_AT ? this.flush() : undefined
  }

  async flush(): Promise<void> {
    checkCancelled(this.signal)
    if (this.used === 0) return
    await writeChunk(this.out, this.take())
  }
}

export function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('CANCELLED', 'The KV export was cancelled.')
}

/** Writes a chunk, waiting while the destination pushes back; its failure is a typed error. */
export function writeChunk(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (cause: unknown): void => {
      out.off('drain', onDrain)
      reject(
        new AppError('FILE_UNREADABLE', 'Writing the KV export failed.', {
          hint: 'Check that the destination is writable and has space.',
          cause,
        }),
      )
    }
    const onDrain = (): void => {
      out.off('error', onError)
      resolve()
    }
    if (out.destroyed) return onError(new Error('destination closed'))
    if (out.write(chunk)) return resolve()
    out.once('drain', onDrain)
    out.once('error', onError)
  })
}

/**
 * Writes the export of `rows` (already in key order, one per key, in batches so one await covers
 * many keys) to `out`, reading each value from the spill file; returns how many entries were
 * written.
 */
export async function writeKvExport(
  batches: AsyncIterable<readonly KvExportRow[]> | Iterable<readonly KvExportRow[]>,
  readSpill: ReadSpill,
  out: Writable,
  signal?: AbortSignal,
): Promise<number> {
  const output = new OutputBuffer(out, signal)
  let count = 0
  for await (const batch of batches) {
    for (const row of batch) {
      output.entryHead(count === 0, row.key, 0, row.key.length, row.flags)
      count++
      for (let done = 0; done < row.valueSize;) {
        const length = Math.min(VALUE_SLICE, row.valueSize - done)
        const piece = readSpill(row.valueOffset + done, length)
        const bytes = piece instanceof Promise ? await piece : piece
        output.valueBytes(bytes, 0, bytes.length)
        done += length
        if (done < row.valueSize) await output.flush()
      }
      output.entryTail()
      const flushing = output.maybeFlush()
      if (flushing !== undefined) await flushing
    }
  }
  output.closing(count)
  await output.flush()
  return count
}
