import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import { ageErrors } from './age-errors'
import { fixedBlocks, readPrefix, resumed } from './chunked-bytes'

/**
 * The payload of an age v1 file: everything after the header (C2SP age.md, "Payload"). Written
 * here rather than left to age-encryption because the library's ChaCha20-Poly1305 is pure
 * JavaScript (@noble/ciphers): it ran at about 11 MB/s, 17 to 27 times slower than the `age`
 * tool, and made encrypting a backup slower than uploading it. node:crypto's chacha20-poly1305
 * is OpenSSL's. The header, the recipient stanzas and the header MAC stay the library's.
 *
 * The format, as the specification and age's reference reader have it:
 * - a 16-byte random nonce, then chunks of 64 KiB of plaintext, each sealed with
 *   ChaCha20-Poly1305 under HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload");
 * - chunk nonce: an 11-byte big-endian chunk counter from zero, then 0x01 for the final chunk
 *   and 0x00 before it; each sealed chunk is its ciphertext and a 16-byte tag;
 * - the final chunk may be a full 64 KiB (no empty chunk follows a stream that ends on a chunk
 *   boundary) and is empty only when the whole plaintext is;
 * - a reader fails when the stream ends without an authenticated final chunk, and when any byte
 *   follows it.
 */
export const CHUNK_SIZE = 64 * 1024
const TAG_SIZE = 16
const SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE
export const PAYLOAD_NONCE_SIZE = 16
/** The counter has 88 bits; a 48-bit index already spans 16 EiB of plaintext. */
const MAX_CHUNK_INDEX = 2 ** 48 - 1

/** Bytes of the payload for `plainBytes` of plaintext: the nonce, each chunk and its tag (at least one chunk). */
export function payloadLength(plainBytes: number): number {
  return PAYLOAD_NONCE_SIZE + plainBytes + TAG_SIZE * Math.max(1, Math.ceil(plainBytes / CHUNK_SIZE))
}

export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32))
}

function chunkNonce(index: number, last: boolean): Buffer {
  if (index > MAX_CHUNK_INDEX) throw new RangeError('age payload chunk counter exhausted')
  const nonce = Buffer.alloc(12)
  nonce.writeUIntBE(index, 5, 6)
  nonce[11] = last ? 1 : 0
  return nonce
}

/** The sealed chunk as its ciphertext and its tag, handed on as they are (no copy into one). */
function seal(key: Buffer, index: number, last: boolean, plaintext: Buffer): [Buffer, Buffer] {
  const cipher = createCipheriv('chacha20-poly1305', key, chunkNonce(index, last), {
    authTagLength: TAG_SIZE,
  })
  const body = cipher.update(plaintext)
  cipher.final() // a stream cipher: everything came out of update()
  return [body, cipher.getAuthTag()]
}

/** The chunk's plaintext, or null when it does not authenticate under this index and flag. */
function open(key: Buffer, index: number, last: boolean, sealed: Buffer): Buffer | null {
  const decipher = createDecipheriv('chacha20-poly1305', key, chunkNonce(index, last), {
    authTagLength: TAG_SIZE,
  })
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE))
  const body = decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE))
  try {
    decipher.final()
  } catch {
    return null
  }
  return body
}

/**
 * Seals a payload in order: the nonce first, then consecutive chunks, each numbered and the final
 * one flagged. Callers hand it large pieces (whole chunks, and the final piece when it has it) so a
 * file is sealed a block at a time without cutting it into 64 KiB buffers first.
 */
export class PayloadSealer {
  readonly nonce = randomBytes(PAYLOAD_NONCE_SIZE)
  private readonly key: Buffer
  private index = 0
  private ended = false

  constructor(fileKey: Uint8Array) {
    this.key = payloadKey(fileKey, this.nonce)
  }

  /**
   * Appends to `out` the sealed chunks of `plaintext` (each as its ciphertext and its tag). A
   * piece that is not `final` must be a whole number of chunks; the final one may be shorter, and
   * is empty only when the whole payload is.
   */
  seal(plaintext: Buffer, final: boolean, out: Buffer[]): void {
    if (this.ended) throw new RangeError('age payload sealed past its final chunk')
    if (!final && plaintext.length % CHUNK_SIZE !== 0)
      throw new RangeError('age payload piece is not a whole number of chunks')
    if (final && plaintext.length === 0 && this.index > 0)
      throw new RangeError('age payload cannot end with an empty chunk after others')
    this.ended = final
    if (!final && plaintext.length === 0) return
    let at = 0
    do {
      const end = Math.min(at + CHUNK_SIZE, plaintext.length)
      out.push(
        ...seal(this.key, this.index++, final && end === plaintext.length, plaintext.subarray(at, end)),
      )
      at = end
    } while (at < plaintext.length)
  }
}

/** The payload for `source` under `fileKey`: a fresh nonce, then the sealed chunks. */
export async function* encryptPayload(
  source: AsyncIterable<Uint8Array>,
  fileKey: Uint8Array,
): AsyncGenerator<Buffer> {
  const sealer = new PayloadSealer(fileKey)
  yield sealer.nonce
  for await (const { bytes, last } of fixedBlocks(source, CHUNK_SIZE)) {
    const out: Buffer[] = []
    sealer.seal(bytes, last, out)
    yield* out
  }
}

/**
 * The plaintext of a payload (what follows the header), chunk by chunk: each chunk is handed on
 * only once it authenticated, and the stream fails with ENCRYPTED_DAMAGED at the first chunk that
 * does not, at an end cut short, or at bytes after the final chunk. `label` names the file in
 * errors.
 */
export async function* decryptPayload(
  source: AsyncIterable<Uint8Array>,
  fileKey: Uint8Array,
  label: string,
): AsyncGenerator<Buffer> {
  const input = source[Symbol.asyncIterator]()
  const {
    prefix: nonce,
    rest,
    complete,
  } = await readPrefix(input, (read) => (read.length >= PAYLOAD_NONCE_SIZE ? PAYLOAD_NONCE_SIZE : null))
  if (!complete) {
    await input.return?.()
    throw ageErrors.damaged(label, 'it ends before its first encrypted chunk')
  }
  const key = payloadKey(fileKey, nonce)
  let index = 0
  for await (const { bytes, last } of fixedBlocks(resumed(rest, input), SEALED_CHUNK_SIZE)) {
    yield openChunk(key, index, last, bytes, label)
    index++
  }
}

/** One sealed chunk, with the reason in the error when it does not open where it stands. */
function openChunk(key: Buffer, index: number, last: boolean, sealed: Buffer, label: string): Buffer {
  const chunk = `chunk ${index + 1}`
  if (sealed.length < TAG_SIZE)
    throw ageErrors.damaged(
      label,
      index === 0 ? 'it ends before its first encrypted chunk' : `it was cut short inside ${chunk}`,
    )
  if (last && index > 0 && sealed.length === TAG_SIZE)
    throw ageErrors.damaged(label, 'its last chunk is empty, which age never writes')
  const plaintext = open(key, index, last, sealed)
  if (plaintext !== null) return plaintext
  // The chunk opens under the other flag: it is whole, but the stream around it was changed.
  if (last && sealed.length === SEALED_CHUNK_SIZE && open(key, index, false, sealed) !== null)
    throw ageErrors.damaged(label, `it was cut short after ${chunk}, at a chunk boundary`)
  if (!last && open(key, index, true, sealed) !== null)
    throw ageErrors.damaged(label, `data follows its final chunk (${chunk})`)
  throw ageErrors.damaged(label, `${chunk} does not authenticate`)
}
