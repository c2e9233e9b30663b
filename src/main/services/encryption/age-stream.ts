import { createReadStream, createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../../../shared/app-error'
import { ageErrors, ageReadError } from './age-errors'
import { headerLength, openHeader, sealHeader } from './age-header'
import { hasKeys, type DecryptionKeys, type EncryptionTarget } from './age-keys'
import { decryptPayload, encryptPayload } from './age-payload'
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
 * Encrypts the file at `from` into `to` (created, never replaced), streaming. A failure removes
 * the partial output.
 */
export async function encryptFile(
  from: string,
  to: string,
  target: EncryptionTarget,
  signal?: AbortSignal,
): Promise<{ bytes: number }> {
  try {
    const encrypted = await encryptStream(createReadStream(from, { highWaterMark: FILE_IO_BYTES }), target)
    const out = createWriteStream(to, { flags: 'wx', mode: 0o600, highWaterMark: FILE_IO_BYTES })
    await pipeline(encrypted, out, { signal })
    return { bytes: out.bytesWritten }
  } catch (error) {
    await rm(to, { force: true }).catch(() => undefined)
    if (signal?.aborted) throw new AppError('CANCELLED', 'Encryption was cancelled.', { cause: error })
    throw error
  }
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
