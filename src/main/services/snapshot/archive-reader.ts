import { createHash, type Hash } from 'node:crypto'
import { open, readFile, stat, type FileHandle } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform, Writable, type Readable } from 'node:stream'
import { createGunzip, type Gunzip } from 'node:zlib'
import { AppError } from '../../../shared/app-error'
import { verifyChecksumList } from './checksum-list'
import type { IntegrityReport, ReadProgress } from './inspect-types'
import { fileError, snapshotErrors } from './snapshot-errors'
import { parseSnapshotMeta, type SnapshotMeta } from './snapshot-meta'
import { TarReader, type TarEntrySink } from './tar-reader'

/**
 * Reads a snapshot file in one streaming pass and checks it as Consul does (docs/snapshot-format.md §5): gunzip
 * (concatenated members allowed), tar with exactly meta.json, state.bin and SHA256SUMS, digests
 * compared, nothing after the tar end or the gzip end, meta.json decoded, Size equal to state.bin.
 *
 * state.bin is handed to a consumer chunk by chunk while it is hashed; nothing is buffered but
 * meta.json and SHA256SUMS. A consumer error (malformed records) is held back until the checksums
 * are known, so that a corrupted file is reported as corrupted rather than as odd records.
 */
export interface StateConsumer {
  push(chunk: Uint8Array): void
  finish(): void
}

export interface ReadOptions {
  signal?: AbortSignal
  onProgress?: (p: ReadProgress) => void
}

export interface SnapshotReadResult {
  meta: SnapshotMeta
  stateBytes: number
  integrity: IntegrityReport
  archiveBytes: number
}

const READ_CHUNK = 1 << 20
const GUNZIP_CHUNK = 1 << 18
const MAX_META_BYTES = 16 << 20
const MAX_SUMS_BYTES = 1 << 20

/**
 * Reads an archive, or a raw `state.bin` (by base name, case-insensitive, as Consul decides) with
 * meta.json beside it. A raft snapshot folder (data_dir/raft/snapshots/<id>/) is taken to mean
 * the state.bin inside it.
 */
export async function readSnapshot(
  path: string,
  consumer: StateConsumer,
  options: ReadOptions = {},
): Promise<SnapshotReadResult> {
  const base = path.split(/[\\/]/).pop() ?? ''
  if (base.toLowerCase() === 'state.bin') return readRawStateBin(path, consumer, options)
  const inFolder = join(path, 'state.bin')
  if (
    (await stat(path).catch(() => null))?.isDirectory() &&
    (await stat(inFolder).catch(() => null))?.isFile()
  )
    return readRawStateBin(inFolder, consumer, options)
  return readArchive(path, consumer, options)
}

/** Runs the consumer, keeping its first error for later and its hands off the stream after it. */
class GuardedConsumer {
  error: unknown = null
  constructor(private readonly consumer: StateConsumer) {}
  push(chunk: Uint8Array): void {
    if (this.error !== null) return
    try {
      this.consumer.push(chunk)
    } catch (error) {
      this.error = error
    }
  }
  finish(): void {
    if (this.error !== null) return
    try {
      this.consumer.finish()
    } catch (error) {
      this.error = error
    }
  }
}

class BufferSink implements TarEntrySink {
  private readonly chunks: Buffer[] = []
  private length = 0
  readonly hash: Hash = createHash('sha256')
  done = false
  constructor(
    private readonly limit: number,
    private readonly tooLarge: () => AppError,
  ) {}
  data(chunk: Uint8Array): void {
    this.length += chunk.length
    if (this.length > this.limit) throw this.tooLarge()
    this.chunks.push(Buffer.from(chunk))
    this.hash.update(chunk)
  }
  end(): void {
    this.done = true
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.length)
  }
}

class StateSink implements TarEntrySink {
  readonly hash: Hash = createHash('sha256')
  bytes = 0
  done = false
  constructor(private readonly consumer: GuardedConsumer) {}
  data(chunk: Uint8Array): void {
    this.bytes += chunk.length
    this.hash.update(chunk)
    this.consumer.push(chunk)
  }
  end(): void {
    this.done = true
    this.consumer.finish()
  }
}

async function openSnapshotFile(path: string): Promise<{ handle: FileHandle; size: number }> {
  // Checked before opening: opening a FIFO for reading would block until a writer appears.
  const info = await stat(path).catch((error: unknown) => {
    throw fileError(path, error)
  })
  if (info.isDirectory()) throw snapshotErrors.fileUnreadable(path, 'it is a directory')
  if (!info.isFile()) throw snapshotErrors.fileUnreadable(path, 'it is not a regular file')
  let handle: FileHandle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    throw fileError(path, error)
  }
  try {
    const size = (await handle.stat()).size
    if (size === 0) throw snapshotErrors.empty(path)
    return { handle, size }
  } catch (error) {
    await handle.close().catch(() => undefined)
    throw error instanceof AppError ? error : fileError(path, error)
  }
}

function classifyNonGzip(head: Buffer): 'tar' | 'state.bin' | 'json' | 'other' {
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar'
  if (head.indexOf('LastIndex') >= 0 && head.indexOf('LastIndex') < 16) return 'state.bin'
  const first = head.toString('latin1').trimStart()[0]
  if (first === '{' || first === '[') return 'json'
  return 'other'
}

function progressTap(
  onProgress: ((bytes: number) => void) | undefined,
  counter: { bytes: number },
): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counter.bytes += chunk.length
      onProgress?.(counter.bytes)
      callback(null, chunk)
    },
  })
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw snapshotErrors.cancelled()
}

/** Maps a stream failure to a typed error; AppErrors raised inside the pipeline pass unchanged. */
function streamError(
  error: unknown,
  path: string,
  signal: AbortSignal | undefined,
  gunzip: Gunzip | null,
): AppError {
  if (error instanceof AppError) return error
  if (signal?.aborted || (error as { name?: string } | null)?.name === 'AbortError')
    return snapshotErrors.cancelled()
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  if (gunzip !== null && typeof code === 'string' && code.startsWith('Z_')) {
    if (code === 'Z_BUF_ERROR')
      return snapshotErrors.truncated('the compressed data ends before the end of the gzip stream', error)
    // The first member's magic was checked before streaming, so a bad header is a later one:
    // data appended after the compressed snapshot.
    if (message === 'incorrect header check') return snapshotErrors.trailingGarbage(error)
    const detail: Record<string, string> = {
      'incorrect data check': 'CRC check failed',
      'incorrect length check': 'length check failed',
    }
    return snapshotErrors.gzipCorrupt(detail[message] ?? message, error)
  }
  return fileError(path, error)
}

async function readArchive(
  path: string,
  consumer: StateConsumer,
  options: ReadOptions,
): Promise<SnapshotReadResult> {
  checkAborted(options.signal)
  const { handle, size } = await openSnapshotFile(path)
  let handleOwnedByStream = false
  try {
    const head = Buffer.alloc(Math.min(size, 512))
    await handle.read(head, 0, head.length, 0)
    checkGzipHead(head)
    const source = handle.createReadStream({ start: 0, highWaterMark: READ_CHUNK, autoClose: true })
    handleOwnedByStream = true
    const onProgress = options.onProgress
    const result = await readArchiveFrom(source, consumer, {
      label: path,
      signal: options.signal,
      onProgress: onProgress ? (bytes) => onProgress({ bytes, totalBytes: size }) : undefined,
    })
    return { ...result, archiveBytes: size }
  } finally {
    if (!handleOwnedByStream) await handle.close().catch(() => undefined)
  }
}

export interface StreamReadOptions {
  signal?: AbortSignal
  /** Compressed bytes taken from the source so far (its total is not known in advance). */
  onProgress?: (p: { bytes: number }) => void
  /** Names the source in error messages, as a path does for files. */
  label?: string
}

/**
 * The archive check of `readSnapshot` over compressed bytes as they arrive (a download, say)
 * instead of a file: the same pipeline and verdict, and the source is pulled only as fast as it
 * is checked. A source that ends early is a truncated archive.
 */
export async function readSnapshotStream(
  source: Readable | AsyncIterable<Uint8Array>,
  consumer: StateConsumer,
  options: StreamReadOptions = {},
): Promise<SnapshotReadResult> {
  checkAborted(options.signal)
  const label = options.label ?? 'the snapshot stream'
  const onProgress = options.onProgress
  return readArchiveFrom(checkedHead(source, label), consumer, {
    label,
    signal: options.signal,
    onProgress: onProgress ? (bytes) => onProgress({ bytes }) : undefined,
  })
}

function checkGzipHead(head: Uint8Array): void {
  if (head.length < 2 || head[0] !== 0x1f || head[1] !== 0x8b)
    throw snapshotErrors.notGzip(classifyNonGzip(Buffer.from(head.buffer, head.byteOffset, head.length)))
}

/** Holds back the first 512 bytes to check them as a file's head is checked, then passes everything on. */
async function* checkedHead(source: AsyncIterable<Uint8Array>, label: string): AsyncGenerator<Uint8Array> {
  const held: Uint8Array[] = []
  let heldBytes = 0
  let checked = false
  for await (const chunk of source) {
    if (checked) {
      yield chunk
      continue
    }
    held.push(chunk)
    heldBytes += chunk.length
    if (heldBytes < 512) continue
    checkGzipHead(Buffer.concat(held, heldBytes).subarray(0, 512))
    checked = true
    yield* held
    held.length = 0
  }
  if (checked) return
  if (heldBytes === 0) throw snapshotErrors.empty(label)
  checkGzipHead(Buffer.concat(held, heldBytes))
  yield* held
}

interface PipelineOptions {
  label: string
  signal?: AbortSignal
  onProgress?: (compressedBytes: number) => void
}

/** gunzip → tar → entries → verdict, shared by files and streams; the source's head is already checked. */
async function readArchiveFrom(
  source: Readable | AsyncIterable<Uint8Array>,
  consumer: StateConsumer,
  options: PipelineOptions,
): Promise<SnapshotReadResult> {
  const guarded = new GuardedConsumer(consumer)
  let meta: BufferSink | null = null
  let sums: BufferSink | null = null
  let state: StateSink | null = null
  const tar = new TarReader((entry) => {
    switch (entry.name) {
      case 'meta.json':
        if (meta) throw snapshotErrors.duplicateEntry(entry.name)
        meta = new BufferSink(MAX_META_BYTES, () => snapshotErrors.metaInvalid('it is implausibly large'))
        return meta
      case 'state.bin':
        if (state) throw snapshotErrors.duplicateEntry(entry.name)
        state = new StateSink(guarded)
        return state
      case 'SHA256SUMS':
        if (sums) throw snapshotErrors.duplicateEntry(entry.name)
        sums = new BufferSink(MAX_SUMS_BYTES, () =>
          snapshotErrors.checksumListInvalid('it is implausibly large'),
        )
        return sums
      default:
        throw snapshotErrors.unexpectedEntry(entry.name)
    }
  })

  const compressed = { bytes: 0 }
  let decompressed = 0
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK })
  // Chunks are processed on a later turn of the event loop, not inside zlib's callback: zlib
  // then hands the next block to the thread pool first, so inflating and scanning overlap
  // instead of taking turns. The high-water mark bounds how far inflating may run ahead.
  const sink = new Writable({
    highWaterMark: GUNZIP_CHUNK * 8,
    write(chunk: Buffer, _encoding, callback) {
      setImmediate(() => {
        if (sink.destroyed) return // the read failed or was cancelled meanwhile
        decompressed += chunk.length
        try {
          tar.push(chunk)
        } catch (error) {
          callback(error as Error)
          return
        }
        callback()
      })
    },
  })
  try {
    await pipeline(source, progressTap(options.onProgress, compressed), gunzip, sink, {
      signal: options.signal,
    })
  } catch (error) {
    throw streamError(error, options.label, options.signal, gunzip)
  }
  checkAborted(options.signal)

  if (decompressed === 0) throw snapshotErrors.notTar('the gzip stream is empty')
  tar.finish()
  if (tar.trailingBytes > 0) throw snapshotErrors.trailingBytes(tar.trailingBytes, 'tar')
  if (gunzip.bytesWritten < compressed.bytes)
    throw snapshotErrors.trailingBytes(compressed.bytes - gunzip.bytesWritten, 'gzip')

  const metaSink = meta as BufferSink | null
  const stateSink = state as StateSink | null
  const sumsSink = sums as BufferSink | null
  if (!metaSink) throw snapshotErrors.missingEntry('meta.json')
  if (!stateSink) throw snapshotErrors.missingEntry('state.bin')
  if (!sumsSink) throw snapshotErrors.missingEntry('checksum list SHA256SUMS')

  const metaBytes = metaSink.bytes()
  const files = verifyChecksumList(sumsSink.bytes(), {
    'meta.json': metaSink.hash.digest('hex'),
    'state.bin': stateSink.hash.digest('hex'),
  })
  const parsed = parseSnapshotMeta(metaBytes)
  if (parsed.size !== BigInt(stateSink.bytes)) throw snapshotErrors.sizeMismatch(parsed.size, stateSink.bytes)
  if (guarded.error !== null) throw guarded.error
  return {
    meta: parsed,
    stateBytes: stateSink.bytes,
    integrity: { verified: true, files },
    archiveBytes: compressed.bytes,
  }
}

async function readRawStateBin(
  path: string,
  consumer: StateConsumer,
  options: ReadOptions,
): Promise<SnapshotReadResult> {
  checkAborted(options.signal)
  const metaPath = join(dirname(path), 'meta.json')
  let metaBytes: Buffer
  try {
    const info = await stat(metaPath)
    if (!info.isFile())
      throw Object.assign(new Error('not a regular file'), { code: info.isDirectory() ? 'EISDIR' : 'EINVAL' })
    if (info.size > MAX_META_BYTES)
      throw Object.assign(new Error('it is implausibly large'), { code: 'EFBIG' })
    metaBytes = await readFile(metaPath)
  } catch (error) {
    const cause = fileError(metaPath, error)
    throw new AppError(
      cause.code,
      `A raw state.bin needs its meta.json in the same folder: ${cause.message}`,
      {
        hint: 'Raft keeps both files together in data_dir/raft/snapshots/<id>/; copy them together, or inspect the .snap archive instead.',
        cause,
      },
    )
  }
  const meta = parseSnapshotMeta(metaBytes)

  const { handle, size } = await openSnapshotFile(path).catch((error: unknown) => {
    // An empty raw state.bin is a broken state.bin, not an empty archive.
    if (error instanceof AppError && error.code === 'SNAPSHOT_EMPTY')
      throw snapshotErrors.stateInvalid('it is empty (no header)', 0)
    throw error
  })
  const guarded = new GuardedConsumer(consumer)
  const hash = createHash('sha256')
  const counter = { bytes: 0 }
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      hash.update(chunk)
      guarded.push(chunk)
      callback()
    },
  })
  try {
    await pipeline(
      handle.createReadStream({ start: 0, highWaterMark: READ_CHUNK, autoClose: true }),
      progressTap(
        options.onProgress ? (bytes) => options.onProgress?.({ bytes, totalBytes: size }) : undefined,
        counter,
      ),
      sink,
      {
        signal: options.signal,
      },
    )
  } catch (error) {
    throw streamError(error, path, options.signal, null)
  }
  checkAborted(options.signal)
  guarded.finish()
  if (meta.size !== BigInt(counter.bytes)) throw snapshotErrors.sizeMismatch(meta.size, counter.bytes)
  if (guarded.error !== null) throw guarded.error
  return {
    meta,
    stateBytes: counter.bytes,
    integrity: { verified: false, files: [{ name: 'state.bin', expected: '', actual: hash.digest('hex') }] },
    archiveBytes: size,
  }
}
