import { execFileSync } from 'node:child_process'
import { createCipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { Decrypter, Encrypter, generateIdentity, type Recipient } from 'age-encryption'
import type { AppError } from '../../../src/shared/app-error'
import { recipientOf, type DecryptionKeys } from '../../../src/main/services/encryption/age-keys'
import { decryptStream, encryptStream } from '../../../src/main/services/encryption/age-stream'

// The age payload (64 KiB ChaCha20-Poly1305 chunks after the header) is our own code, so its
// edge cases are checked against oracles that share none of it: age-encryption's own
// (pure-JS) encrypter and decrypter, Debian's `age`, and files sealed chunk by chunk below
// with node:crypto directly, as C2SP age.md describes them.
const KiB64 = 64 * 1024
const dir = mkdtempSync(join(tmpdir(), 'age-payload-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const identity = await generateIdentity()
const recipient = await recipientOf(identity)
const keys: DecryptionKeys = { identities: [identity], passphrases: [] }
const keyFile = join(dir, 'key.txt')
writeFileSync(keyFile, `${identity}\n`)

/** Length and digest: vitest compares Buffers byte by byte as objects, seconds per 100 KiB. */
const fingerprint = (bytes: Uint8Array) => ({
  length: bytes.length,
  sha256: createHash('sha256').update(bytes).digest('hex'),
})

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}

function pieces(data: Buffer, size = KiB64): Readable {
  const parts: Buffer[] = []
  for (let at = 0; at < data.length; at += size) parts.push(data.subarray(at, at + size))
  return Readable.from(parts)
}

const oursEncrypt = async (data: Buffer) =>
  collect(await encryptStream(pieces(data), { kind: 'recipients', recipients: [recipient] }))
const oursDecrypt = async (cipher: Buffer, size?: number) =>
  collect(await decryptStream(pieces(cipher, size), keys, 'backup.snap.age'))

function libraryEncrypt(data: Buffer): Promise<Uint8Array> {
  const encrypter = new Encrypter()
  encrypter.addRecipient(recipient)
  return encrypter.encrypt(data)
}
async function libraryDecrypt(cipher: Buffer): Promise<Buffer> {
  const decrypter = new Decrypter()
  decrypter.addIdentity(identity)
  return Buffer.from(await decrypter.decrypt(cipher))
}
const ageDecrypt = (cipher: Buffer) => execFileSync('age', ['-d', '-i', keyFile], { input: cipher })

const headerSize = (file: Buffer) => file.indexOf('\n', file.indexOf('\n---') + 1) + 1
/** Where the payload's chunks start: after the header and the 16-byte payload nonce. */
const chunksStart = (file: Buffer) => headerSize(file) + 16

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    return error as AppError
  }
  throw new Error('expected a failure')
}

/**
 * An age file with a header from the library and a payload sealed here chunk by chunk, so a
 * test can write what age's own writer never would (a chunk after the final one, an empty final
 * chunk after a full one). `final` marks the chunks sealed with the last-chunk flag.
 */
async function craft(chunks: { plain: Buffer; final: boolean }[]): Promise<Buffer> {
  const witness: Recipient & { fileKey?: Uint8Array } = {
    wrapFileKey(fileKey) {
      witness.fileKey = Uint8Array.from(fileKey)
      return []
    },
  }
  const encrypter = new Encrypter()
  encrypter.addRecipient(recipient)
  encrypter.addRecipient(witness)
  const empty = Buffer.from(await encrypter.encrypt(new Uint8Array(0)))
  const header = empty.subarray(0, headerSize(empty))
  const nonce = randomBytes(16)
  const key = Buffer.from(hkdfSync('sha256', witness.fileKey as Uint8Array, nonce, 'payload', 32))
  const sealed = chunks.map(({ plain, final }, index) => {
    const chunkNonce = Buffer.alloc(12)
    let counter = BigInt(index)
    for (let at = 10; at >= 0; at--, counter >>= 8n) chunkNonce[at] = Number(counter & 0xffn)
    chunkNonce[11] = final ? 0x01 : 0x00
    const cipher = createCipheriv('chacha20-poly1305', key, chunkNonce, { authTagLength: 16 })
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()])
  })
  return Buffer.concat([header, nonce, ...sealed])
}

const full = () => randomBytes(KiB64)

describe('the age payload', { timeout: 120_000 }, () => {
  describe.each([
    ['an empty file', 0],
    ['1 byte', 1],
    ['one byte short of a chunk', KiB64 - 1],
    ['exactly one chunk', KiB64],
    ['one byte over a chunk', KiB64 + 1],
    ['an exact multiple of 64 KiB', 3 * KiB64],
  ])('of %s', (_what, size) => {
    const plaintext = randomBytes(size)
    // A final chunk may be full; it is empty only when the whole file is.
    const chunks = Math.max(1, Math.ceil(size / KiB64))

    it('is written as age writes it: every chunk tagged, no empty chunk after a full final one', async () => {
      const cipher = await oursEncrypt(plaintext)
      expect(cipher.length - chunksStart(cipher)).toBe(size + 16 * chunks)
      expect(fingerprint(await libraryDecrypt(cipher))).toEqual(fingerprint(plaintext))
      expect(fingerprint(ageDecrypt(cipher))).toEqual(fingerprint(plaintext))
    })

    it('reads what the library writes', async () => {
      const cipher = Buffer.from(await libraryEncrypt(plaintext))
      expect(fingerprint(await oursDecrypt(cipher))).toEqual(fingerprint(plaintext))
    })
  })

  it('reads a source that arrives in pieces of any size', async () => {
    const plaintext = randomBytes(2 * KiB64 + 777)
    const cipher = await oursEncrypt(plaintext)
    for (const size of [1000, KiB64 + 16, 100_000])
      expect(fingerprint(await oursDecrypt(cipher, size))).toEqual(fingerprint(plaintext))
  })

  it('reads a final chunk that is full, and one that is short, when they were sealed as final', async () => {
    const a = full()
    const b = full()
    const fullFinal = await craft([
      { plain: a, final: false },
      { plain: b, final: true },
    ])
    expect(fingerprint(await oursDecrypt(fullFinal))).toEqual(fingerprint(Buffer.concat([a, b])))
    const c = randomBytes(10)
    const shortFinal = await craft([
      { plain: a, final: false },
      { plain: c, final: true },
    ])
    expect(fingerprint(await oursDecrypt(shortFinal))).toEqual(fingerprint(Buffer.concat([a, c])))
  })

  describe('refuses a payload that was changed, as damage', () => {
    async function refused(cipher: Buffer): Promise<AppError> {
      const error = await failure(oursDecrypt(cipher))
      expect(error.code).toBe('ENCRYPTED_DAMAGED')
      return error
    }

    it('cut at a chunk boundary, before its final chunk', async () => {
      const cipher = await oursEncrypt(randomBytes(2 * KiB64 + 5))
      const cut = cipher.subarray(0, chunksStart(cipher) + 2 * (KiB64 + 16))
      expect((await refused(cut)).message).toMatch(/cut short after chunk 2/)
    })

    it('cut at a chunk boundary when the file is an exact multiple of 64 KiB', async () => {
      const cipher = await oursEncrypt(randomBytes(2 * KiB64))
      expect((await refused(cipher.subarray(0, cipher.length - (KiB64 + 16)))).message).toMatch(
        /cut short after chunk 1/,
      )
    })

    it('cut right after the payload nonce, or inside it', async () => {
      const cipher = await oursEncrypt(randomBytes(100))
      expect((await refused(cipher.subarray(0, chunksStart(cipher)))).message).toMatch(
        /first encrypted chunk/,
      )
      expect((await refused(cipher.subarray(0, chunksStart(cipher) - 3))).message).toMatch(
        /first encrypted chunk/,
      )
    })

    it('cut inside a chunk', async () => {
      const cipher = await oursEncrypt(randomBytes(2 * KiB64 + 5))
      await refused(cipher.subarray(0, cipher.length - 10))
    })

    it.each([
      ['of a full chunk', (c: Buffer) => chunksStart(c) + KiB64 + 15],
      ['of the final chunk', (c: Buffer) => c.length - 1],
    ])('with a flipped tag byte %s', async (_which, at) => {
      const cipher = await oursEncrypt(randomBytes(KiB64 + 300))
      const offset = at(cipher)
      cipher[offset] = (cipher[offset] as number) ^ 0x80
      expect((await refused(cipher)).message).toMatch(/does not authenticate/)
    })

    it('with a chunk after the final one, even one that authenticates', async () => {
      const crafted = await craft([
        { plain: full(), final: true },
        { plain: randomBytes(10), final: true },
      ])
      expect((await refused(crafted)).message).toMatch(/data follows its final chunk/)
      const short = await oursEncrypt(randomBytes(10))
      await refused(Buffer.concat([short, randomBytes(40)]))
    })

    it('with an empty final chunk after a full one', async () => {
      const crafted = await craft([
        { plain: full(), final: false },
        { plain: Buffer.alloc(0), final: true },
      ])
      expect((await refused(crafted)).message).toMatch(/last chunk is empty/)
    })

    it('with two chunks swapped', async () => {
      const cipher = await oursEncrypt(randomBytes(3 * KiB64))
      const start = chunksStart(cipher)
      const first = Buffer.from(cipher.subarray(start, start + KiB64 + 16))
      cipher.copy(cipher, start, start + KiB64 + 16, start + 2 * (KiB64 + 16))
      first.copy(cipher, start + KiB64 + 16)
      await refused(cipher)
    })
  })
})
