// `consul kv export` output, byte for byte (docs/snapshot-format.md §13): Go's json.MarshalIndent of an array of
// {key, flags, value} with tab indentation, then the newline the CLI adds. Written as a stream of
// buffers: exporting a million keys never builds the whole document, and a value of any size is
// read and encoded in slices, so memory stays flat whatever the file holds.
import type { Writable } from 'node:stream'
import { AppError } from '../../../../shared/app-error'
import { goJsonString, isPlainJson } from './go-json-string'

/** One key to export; its value lies in the spill file at [valueOffset, valueOffset + valueSize). */
export interface KvExportRow {
  key: Uint8Array
  flags: bigint
  valueOffset: number
  valueSize: number
}

/** Reads bytes of the spill file (at once when they are at hand); a view that stays valid. */
export type ReadSpill = (offset: number, length: number) => Buffer | Promise<Buffer>

const FLUSH_AT = 1 << 20
// Room past FLUSH_AT for the entry that crosses it. Every buffer handed out is a new one (the
// destination may hold it), so its size is what the collector sees come and go.
const BUFFER_BYTES = FLUSH_AT + (64 << 10)
// Base64 turns every 3 bytes into 4 characters: slices of a multiple of 3 encode independently.
const VALUE_SLICE = 3 << 20

const FIRST_HEAD = Buffer.from('[\n\t{\n\t\t"key": ')
const NEXT_HEAD = Buffer.from(',\n\t{\n\t\t"key": ')
const FLAGS_HEAD = Buffer.from(',\n\t\t"flags": ')
const ZERO = Buffer.from('0')
const VALUE_HEAD = Buffer.from(',\n\t\t"value": "')
const ENTRY_TAIL = Buffer.from('"\n\t}')

class OutputBuffer {
  private buf = Buffer.allocUnsafe(BUFFER_BYTES)
  private used = 0

  constructor(
    private readonly out: Writable,
    private readonly signal: AbortSignal | undefined,
  ) {}

  bytes(bytes: Buffer): void {
    this.ensure(bytes.length)
    this.buf.set(bytes, this.used)
    this.used += bytes.length
  }

  ascii(text: string): void {
    this.ensure(text.length)
    this.used += this.buf.write(text, this.used, 'latin1')
  }

  text(text: string): void {
    this.ensure(3 * text.length)
    this.used += this.buf.write(text, this.used, 'utf8')
  }

  /** A key as Go's JSON string; most keys need no escaping and are copied as they are. */
  jsonString(key: Uint8Array): void {
    if (!isPlainJson(key)) return this.text(goJsonString(key))
    this.ensure(key.length + 2)
    const buf = this.buf
    buf[this.used] = 0x22
    buf.set(key, this.used + 1)
    buf[this.used + 1 + key.length] = 0x22
    this.used += key.length + 2
  }

  base64(bytes: Buffer): void {
    // Node's encoder, through a short-lived string: measured at twice the speed of encoding byte
    // by byte here, and the strings die young (a scavenge costs what survives, not what was made).
    const text = bytes.toString('base64')
    this.ensure(text.length)
    this.used += this.buf.write(text, this.used, 'latin1')
  }

  private ensure(n: number): void {
    if (this.used + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + n))
    this.buf.copy(next, 0, 0, this.used)
    this.buf = next
  }

  /** Hands the buffer to the destination once it is full enough, waiting if it pushes back. */
  maybeFlush(): Promise<void> | undefined {
    return this.used >= FLUSH_AT ? this.flush() : undefined
  }

  async flush(): Promise<void> {
    if (this.signal?.aborted) throw new AppError('CANCELLED', 'The KV export was cancelled.')
    if (this.used === 0) return
    const chunk = this.buf.subarray(0, this.used)
    this.buf = Buffer.allocUnsafe(BUFFER_BYTES)
    this.used = 0
    await write(this.out, chunk)
  }
}

function write(out: Writable, chunk: Buffer): Promise<void> {
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
      output.bytes(count === 0 ? FIRST_HEAD : NEXT_HEAD)
      output.jsonString(row.key)
      output.bytes(FLAGS_HEAD)
      if (row.flags === 0n) output.bytes(ZERO)
      else output.ascii(row.flags.toString())
      output.bytes(VALUE_HEAD)
      count++
      for (let done = 0; done < row.valueSize;) {
        const length = Math.min(VALUE_SLICE, row.valueSize - done)
        const piece = readSpill(row.valueOffset + done, length)
        output.base64(piece instanceof Promise ? await piece : piece)
        done += length
        if (done < row.valueSize) await output.flush()
      }
      output.bytes(ENTRY_TAIL)
      const flushing = output.maybeFlush()
      if (flushing !== undefined) await flushing
    }
  }
  output.text(count === 0 ? '[]\n' : '\n]\n')
  await output.flush()
  return count
}
