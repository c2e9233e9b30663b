import { createReadStream, createWriteStream } from 'node:fs'
import { open, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Decrypter, Encrypter } from 'age-encryption'
import { AppError } from '../../../shared/app-error'
import { ageErrors, ageReadError } from './age-errors'
import { hasKeys, type DecryptionKeys, type EncryptionTarget } from './age-keys'
import { isSshRecipient, sshRecipient } from './ssh-recipient'

/**
 * age encryption as Node streams, over age-encryption's own streaming API (`Encrypter.encrypt`
 * and `Decrypter.decrypt` on a web ReadableStream): the library does the format, the header and
 * the 64 KiB ChaCha20-Poly1305 chunks; this file only bridges Node and web streams with
 * backpressure (one chunk is pulled when the consumer asks for one, so memory does not grow with
 * the file) and turns the library's errors into typed ones.
 */

/** The first line of every binary age file. */
export const AGE_MAGIC = Buffer.from('age-encryption.org/v1\n')
const ARMOR_MAGIC = Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----')
/**
 * age headers are a few hundred bytes per recipient; the library reads a header line by line
 * without a limit, so a hostile file with an endless line would otherwise grow in memory.
 */
const MAX_HEADER_BYTES = 1 << 20

export type AgeSniff = 'age' | 'armored' | 'other'

/** What the first bytes of a file say it is. */
export function sniffAge(head: Uint8Array): AgeSniff {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength)
  if (bytes.length >= AGE_MAGIC.length && bytes.subarray(0, AGE_MAGIC.length).equals(AGE_MAGIC)) return 'age'
  const text = bytes.subarray(0, 64).toString('latin1').trimStart()
  if (text.startsWith(ARMOR_MAGIC.toString('latin1'))) return 'armored'
  return 'other'
}

export async function sniffAgeFile(path: string): Promise<AgeSniff> {
  const handle = await open(path, 'r')
  try {
    const head = Buffer.alloc(64)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    return sniffAge(head.subarray(0, bytesRead))
  } finally {
    await handle.close()
  }
}

/** A pull-driven web stream over a Node stream or async iterable: the library reads at its own pace. */
function toWebStream(
  source: AsyncIterable<Uint8Array>,
  watch?: (chunk: Uint8Array) => void,
): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next()
        if (next.done === true) {
          controller.close()
          return
        }
        const chunk = next.value
        watch?.(chunk)
        // The library keeps views of what it reads; a Buffer from a pool must not be reused under it.
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
      },
      async cancel(reason) {
        await iterator.return?.(reason)
      },
    },
    { highWaterMark: 0 },
  )
}

function fromWebStream(stream: ReadableStream<Uint8Array>, mapError: (error: unknown) => unknown): Readable {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const reader = stream.getReader()
    try {
      for (;;) {
        let next: ReadableStreamReadResult<Uint8Array>
        try {
          next = await reader.read()
        } catch (error) {
          throw mapError(error)
        }
        if (next.done) return
        yield next.value
      }
    } finally {
      await reader.cancel().catch(() => undefined)
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: 1 << 16 })
}

function encrypterFor(target: EncryptionTarget): Encrypter {
  const encrypter = new Encrypter()
  if (target.kind === 'passphrase') {
    if (target.workFactor !== undefined) encrypter.setScryptWorkFactor(target.workFactor)
    encrypter.setPassphrase(target.passphrase)
    return encrypter
  }
  if (target.recipients.length === 0)
    throw new AppError('INVALID_ARGUMENT', 'Encryption is on but no recipient was given.', {
      hint: 'List at least one age recipient (age1…) or SSH public key.',
    })
  for (const recipient of target.recipients)
    encrypter.addRecipient(isSshRecipient(recipient) ? sshRecipient(recipient, 'recipient') : recipient)
  return encrypter
}

/** Encrypts `source` to `target`; the result is the age file's bytes, produced as they are read. */
export async function encryptStream(
  source: AsyncIterable<Uint8Array>,
  target: EncryptionTarget,
): Promise<Readable> {
  const encrypted = await encrypterFor(target).encrypt(toWebStream(source))
  return fromWebStream(encrypted, (error) => error)
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
    const encrypted = await encryptStream(createReadStream(from, { highWaterMark: 1 << 16 }), target)
    const out = createWriteStream(to, { flags: 'wx', mode: 0o600 })
    await pipeline(encrypted, out, { signal })
    return { bytes: out.bytesWritten }
  } catch (error) {
    await rm(to, { force: true }).catch(() => undefined)
    if (signal?.aborted) throw new AppError('CANCELLED', 'Encryption was cancelled.', { cause: error })
    throw error
  }
}

/**
 * Opens an age stream with the given keys. Resolves once the header was read and a key matched
 * (a wrong key fails here, before any payload); the returned stream yields the plaintext and
 * fails with ENCRYPTED_DAMAGED at the first chunk that does not authenticate, or at an end cut
 * short. Consumers must read it to its end before trusting any of it as a whole.
 */
export async function decryptStream(
  source: AsyncIterable<Uint8Array>,
  keys: DecryptionKeys | null | undefined,
  label: string,
): Promise<Readable> {
  if (!hasKeys(keys)) throw ageErrors.keyRequired(label)
  const decrypter = new Decrypter()
  for (const identity of keys.identities) decrypter.addIdentity(identity)
  for (const passphrase of keys.passphrases) decrypter.addPassphrase(passphrase)
  let headerRead = false
  let seen = 0
  let sniffed = false
  const web = toWebStream(source, (chunk) => {
    if (!sniffed && chunk.length > 0) {
      // The whole magic line may span chunks only in theory (sources give ≥ 64 KiB); check what is there.
      const kind = sniffAge(chunk.subarray(0, 64))
      if (kind === 'armored') throw ageErrors.armored(label)
      if (kind !== 'age' && chunk.length >= AGE_MAGIC.length) throw ageErrors.notAge(label)
      sniffed = true
    }
    if (headerRead) return
    seen += chunk.length
    if (seen > MAX_HEADER_BYTES) throw ageErrors.damaged(label, 'its header does not end')
  })
  let plaintext: ReadableStream<Uint8Array>
  try {
    plaintext = await decrypter.decrypt(web)
  } catch (error) {
    await web.cancel().catch(() => undefined)
    throw ageReadError(label, error)
  }
  headerRead = true
  return fromWebStream(plaintext, (error) => ageReadError(label, error))
}

/** Decrypts the file at `path` as a stream (see decryptStream). */
export async function decryptFileStream(
  path: string,
  keys: DecryptionKeys | null | undefined,
  label = path,
): Promise<Readable> {
  return decryptStream(createReadStream(path, { highWaterMark: 1 << 16 }), keys, label)
}
