import { createReadStream } from 'node:fs'
import { open, rm, type FileHandle } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { AppError } from '../../../shared/app-error'
import { ageErrors, ageReadError } from './age-errors'
import { headerLength, openHeader, sealHeader } from './age-header'
import { hasKeys, type DecryptionKeys, type EncryptionTarget } from './age-key-types'
import { CHUNK_SIZE, decryptPayload, encryptPayload, PayloadSealer, payloadLength } from './age-payload'
import { readPrefix, resumed } from './chunked-bytes'
import { SNIFF_BYTES, sniffAge } from './age-sniff'

export { AGE_MAGIC, sniffAge, sniffAgeFile, type AgeSniff } from './age-sniff'

/**
 * age encryption as Node streams: age-encryption makes and opens the header (age-header.ts), our
 * payload code seals and opens the 64 KiB chunks with node:crypto (age-payload.ts, where the
 * reason is). Both directions pull one chunk at a time as the consumer asks, so memory does not
 * grow with the file, and every failure is a typed AppError.
 */

/**
 * age headers are a few hundred bytes per recipient; a hostile file whose header never ends
 * would otherwise grow in memory while its end is looked for.
 */
const MAX_HEADER_BYTES = 1 << 20
/**
 * File reads and writes in 1 MiB: each one is a trip through libuv's thread pool, and at 64 KiB
 * those trips, not the cipher, set the pace on a busy machine. Still a fixed bound on memory.
 */
const FILE_IO_BYTES = 1 << 20
/** What encryptFile reads, seals and writes at once: 64 chunks, 4 MiB. */
const ENCRYPT_BLOCK_BYTES = 64 * CHUNK_SIZE

/** Encrypts `source` to `target`; the result is the age file's bytes, produced as they are read. */
export async function encryptStream(
  source: AsyncIterable<Uint8Array>,
  target: EncryptionTarget,
): Promise<Readable> {
  let sealed: Awaited<ReturnType<typeof sealHeader>>
  try {
    sealed = await sealHeader(target)
  } catch (error) {
    await source[Symbol.asyncIterator]().return?.()
    throw error
  }
  const { header, fileKey } = sealed
  async function* file(): AsyncGenerator<Buffer> {
    yield header
    yield* encryptPayload(source, fileKey)
  }
  return Readable.from(file(), { objectMode: false, highWaterMark: 1 << 16 })
}

/**
 * The age encryption of a file, produced as it is read: its length is known before any byte of it
 * (so a store can be told it up front), and its bytes come a block at a time. A block is read,
 * its 64 chunks sealed at once, and the next block already read meanwhile; piping 64 KiB pieces
 * through streams cost three times the cipher's own time. Memory stays two blocks and the
 * ciphertext handed out. The file must keep the size it had when it was opened (it is a verified
 * snapshot): one that shrinks or grows meanwhile fails at the end of `pieces()` rather than yield
 * a shorter file that still decrypts, so a consumer reads it to its end before trusting it.
 */
export interface EncryptedFile {
  /** Bytes of the age file. */
  size: number
  /** The age file in order, as groups of buffers (header, then each block's sealed chunks). */
  pieces(): AsyncGenerator<Buffer[]>
  close(): Promise<void>
}

export async function openEncryptedFile(from: string, target: EncryptionTarget): Promise<EncryptedFile> {
  const input = await open(from, 'r')
  try {
    const { size } = await input.stat()
    const { header, fileKey } = await sealHeader(target)
    const sealer = new PayloadSealer(fileKey)
    return {
      size: header.length + payloadLength(size),
      pieces: () => sealedBlocks(input, size, [header, sealer.nonce], sealer, from),
      close: () => input.close(),
    }
  } catch (error) {
    await input.close().catch(() => undefined)
    throw error
  }
}

async function* sealedBlocks(
  input: FileHandle,
  size: number,
  head: Buffer[],
  sealer: PayloadSealer,
  path: string,
): AsyncGenerator<Buffer[]> {
  yield head
  const blocks = [Buffer.allocUnsafe(ENCRYPT_BLOCK_BYTES), Buffer.allocUnsafe(ENCRYPT_BLOCK_BYTES)]
  let position = 0
  let reading = quiet(readBlock(input, blocks[0] as Buffer, 0, size, path))
  for (let turn = 1; ; turn++) {
    const block = await reading
    const end = position + block.length
    const final = end === size
    // The other buffer is free: its block was sealed (into new buffers) before it was handed out.
    if (!final) reading = quiet(readBlock(input, blocks[turn % 2] as Buffer, end, size, path))
    const sealed: Buffer[] = []
    sealer.seal(block, final, sealed)
    yield sealed
    position = end
    if (final) break
  }
  const { bytesRead } = await input.read(Buffer.alloc(1), 0, 1, size)
  if (bytesRead !== 0) throw fileChanged(path, size)
}

/**
 * Encrypts the file at `from` into `to` (created, never replaced), block by block (see
 * openEncryptedFile), each block written with one writev while the next is sealed. A failure
 * removes the partial output.
 */
export async function encryptFile(
  from: string,
  to: string,
  target: EncryptionTarget,
  signal?: AbortSignal,
): Promise<{ bytes: number }> {
  let source: EncryptedFile | null = null
  let output: FileHandle | null = null
  try {
    source = await openEncryptedFile(from, target)
    output = await open(to, 'wx', 0o600)
    let writing: Promise<void> = Promise.resolve()
    let bytes = 0
    for await (const pieces of source.pieces()) {
      signal?.throwIfAborted()
      await writing
      writing = quiet(writeAll(output, pieces))
      for (const piece of pieces) bytes += piece.length
    }
    await writing
    const out = output
    output = null
    await out.close()
    return { bytes }
  } catch (error) {
    if (output !== null) {
      await output.close().catch(() => undefined)
      await rm(to, { force: true }).catch(() => undefined)
    }
    if (signal?.aborted) throw new AppError('CANCELLED', 'Encryption was cancelled.', { cause: error })
    throw error
  } finally {
    await source?.close().catch(() => undefined)
  }
}

/** Handled here so a failure met while the loop awaits something else is not "unhandled"; awaiting it still throws. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined)
  return promise
}

/** The block at `position`: the buffer's length, or what is left of `size`. */
async function readBlock(
  file: FileHandle,
  buffer: Buffer,
  position: number,
  size: number,
  path: string,
): Promise<Buffer> {
  const length = Math.min(buffer.length, size - position)
  for (let filled = 0; filled < length;) {
    const { bytesRead } = await file.read(buffer, filled, length - filled, position + filled)
    if (bytesRead === 0) throw fileChanged(path, size)
    filled += bytesRead
  }
  return buffer.subarray(0, length)
}

async function writeAll(file: FileHandle, pieces: Buffer[]): Promise<void> {
  let left = pieces
  while (left.length > 0) {
    let { bytesWritten } = await file.writev(left)
    // A short write: go on from the first byte not written.
    const rest: Buffer[] = []
    for (const piece of left) {
      if (bytesWritten >= piece.length) bytesWritten -= piece.length
      else {
        rest.push(piece.subarray(bytesWritten))
        bytesWritten = 0
      }
    }
    left = rest
  }
}

function fileChanged(path: string, size: number): AppError {
  return new AppError(
    'FILE_UNREADABLE',
    `${path} changed size while it was being encrypted (it had ${size} bytes); nothing was kept.`,
    { hint: 'Something else writes to the snapshot; the next cycle takes a new one.' },
  )
}

/** Where the header read so far ends, once it does; refuses what is not an age file. */
function headerEnd(read: Buffer, label: string): number | null {
  const end = headerLength(read)
  if (end !== null || read.length >= SNIFF_BYTES) refuseOtherThanAge(read, label)
  if (end === null && read.length > MAX_HEADER_BYTES)
    throw ageErrors.damaged(label, 'its header does not end')
  return end
}

function refuseOtherThanAge(read: Buffer, label: string): void {
  const kind = sniffAge(read.subarray(0, SNIFF_BYTES))
  if (kind === 'armored') throw ageErrors.armored(label)
  if (kind === 'other') throw ageErrors.notAge(label)
}

/**
 * Opens an age stream with the given keys. Resolves once the header was read and a key matched
 * (a wrong key fails here, before any payload); the returned stream yields the plaintext and
 * fails with ENCRYPTED_DAMAGED at the first chunk that does not authenticate, at an end cut
 * short, or at data after the final chunk. Consumers must read it to its end before trusting
 * any of it as a whole.
 */
export async function decryptStream(
  source: AsyncIterable<Uint8Array>,
  keys: DecryptionKeys | null | undefined,
  label: string,
): Promise<Readable> {
  if (!hasKeys(keys)) throw ageErrors.keyRequired(label)
  const input = source[Symbol.asyncIterator]()
  let opened: { fileKey: Uint8Array; rest: Buffer }
  try {
    const read = await readPrefix(input, (bytes) => headerEnd(bytes, label))
    if (!read.complete) {
      refuseOtherThanAge(read.prefix, label)
      throw ageErrors.damaged(label, 'it ends inside its header')
    }
    opened = { fileKey: await openHeader(read.prefix, keys), rest: read.rest }
  } catch (error) {
    await input.return?.()
    throw ageReadError(label, error)
  }
  return Readable.from(decryptPayload(resumed(opened.rest, input), opened.fileKey, label), {
    objectMode: false,
    highWaterMark: 1 << 16,
  })
}

/** Decrypts the file at `path` as a stream (see decryptStream). */
export async function decryptFileStream(
  path: string,
  keys: DecryptionKeys | null | undefined,
  label = path,
): Promise<Readable> {
  return decryptStream(createReadStream(path, { highWaterMark: FILE_IO_BYTES }), keys, label)
}
