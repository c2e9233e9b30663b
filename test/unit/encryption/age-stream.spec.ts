import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { generateIdentity } from 'age-encryption'
import type { AppError } from '../../../src/shared/app-error'
import { recipientOf, type DecryptionKeys } from '../../../src/main/services/encryption/age-keys'
import { decryptStream, encryptFile, encryptStream } from '../../../src/main/services/encryption/age-stream'

const dir = mkdtempSync(join(tmpdir(), 'age-stream-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

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

/** Yields the buffer in pieces of `size`, as a file stream would. */
function pieces(data: Buffer, size = 64 * 1024): Readable {
  const parts: Buffer[] = []
  for (let at = 0; at < data.length; at += size) parts.push(data.subarray(at, at + size))
  return Readable.from(parts)
}

async function encryptTo(data: Buffer, recipients: string[]): Promise<Buffer> {
  return collect(await encryptStream(pieces(data), { kind: 'recipients', recipients }))
}

async function decrypt(cipher: Buffer, keys: DecryptionKeys | null): Promise<Buffer> {
  return collect(await decryptStream(pieces(cipher), keys, 'backup.snap.age'))
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    return error as AppError
  }
  throw new Error('expected a failure')
}

// Two 64 KiB chunks and a partial last one, so chunk boundaries and the final flag count.
const plaintext = randomBytes(2 * 65536 + 1234)
const identity = await generateIdentity()
const recipient = await recipientOf(identity)
const keys: DecryptionKeys = { identities: [identity], passphrases: [] }

// The library's header work (X25519, scrypt) is pure JS and slow on a loaded 2-core machine; the
// bound is generous, not a timing.
describe('age streams', { timeout: 60_000 }, () => {
  it('round-trips through an X25519 recipient and its identity', async () => {
    const cipher = await encryptTo(plaintext, [recipient])
    expect(cipher.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n')
    expect(fingerprint(await decrypt(cipher, keys))).toEqual(fingerprint(plaintext))
  })

  it('round-trips through a passphrase', async () => {
    const cipher = await collect(
      await encryptStream(pieces(plaintext), {
        kind: 'passphrase',
        passphrase: 'tulip-anchor',
        workFactor: 10,
      }),
    )
    expect(
      fingerprint(await decrypt(cipher, { identities: [], passphrases: ['wrong', 'tulip-anchor'] })),
    ).toEqual(fingerprint(plaintext))
  })

  it('encrypts an empty file too', async () => {
    expect(await decrypt(await encryptTo(Buffer.alloc(0), [recipient]), keys)).toEqual(Buffer.alloc(0))
  })

  it('encrypts a file into a new 0600 file and never replaces one', async () => {
    const from = join(dir, 'plain.snap')
    writeFileSync(from, plaintext)
    const to = join(dir, 'plain.snap.age')
    const { bytes } = await encryptFile(from, to, { kind: 'recipients', recipients: [recipient] })
    const cipher = readFileSync(to)
    expect(bytes).toBe(cipher.length)
    expect(statSync(to).mode & 0o777).toBe(0o600)
    expect(fingerprint(await decrypt(cipher, keys))).toEqual(fingerprint(plaintext))
    expect(
      (await failure(encryptFile(from, to, { kind: 'recipients', recipients: [recipient] }))).message,
    ).toMatch(/EEXIST/)
    // The file that was there is left as it was, not taken for a partial output of ours.
    expect(fingerprint(readFileSync(to))).toEqual(fingerprint(cipher))
  })

  it('encrypts a file block by block: sizes at and around its 4 MiB blocks and 64 KiB chunks open with age too', async () => {
    const block = 4 * 1024 * 1024
    const identityFile = join(dir, 'identity.txt')
    writeFileSync(identityFile, `${identity}\n`)
    for (const size of [1, 65536, block - 1, block, block + 1, 2 * block + 3 * 65536 + 7]) {
      const data = randomBytes(size)
      const from = join(dir, `sized-${size}.snap`)
      const to = `${from}.age`
      writeFileSync(from, data)
      const { bytes } = await encryptFile(from, to, { kind: 'recipients', recipients: [recipient] })
      expect(bytes).toBe(statSync(to).size)
      expect(fingerprint(await decrypt(readFileSync(to), keys))).toEqual(fingerprint(data))
      expect(
        fingerprint(execFileSync('age', ['-d', '-i', identityFile, to], { maxBuffer: 64 << 20 })),
      ).toEqual(fingerprint(data))
      rmSync(from)
      rmSync(to)
    }
  })

  describe('refuses what it cannot trust, with a typed error', () => {
    it('asks for a key when none was given', async () => {
      const cipher = await encryptTo(plaintext, [recipient])
      const error = await failure(decrypt(cipher, null))
      expect(error.code).toBe('ENCRYPTED_KEY_REQUIRED')
      expect(error.hint).toMatch(/-identity/)
    })

    it('cannot tell a changed recipient stanza from a wrong key, and says both', async () => {
      const cipher = await encryptTo(plaintext, [recipient])
      cipher[30] = (cipher[30] as number) ^ 0x01
      const error = await failure(decrypt(cipher, keys))
      expect(error.code).toBe('ENCRYPTED_WRONG_KEY')
      expect(error.message).toMatch(/header .* was changed/)
    })

    it('says the key is wrong, without quoting any key', async () => {
      const other = await generateIdentity()
      const error = await failure(
        decrypt(await encryptTo(plaintext, [recipient]), { identities: [other], passphrases: [] }),
      )
      expect(error.code).toBe('ENCRYPTED_WRONG_KEY')
      expect(JSON.stringify({ m: error.message, h: error.hint })).not.toContain(other)
    })

    it.each([
      ['a payload byte', (c: Buffer) => c.length - 2 * 65536],
      ['the last chunk', (c: Buffer) => c.length - 3],
    ])('calls a flipped byte in %s damage', async (_where, at) => {
      const cipher = await encryptTo(plaintext, [recipient])
      const offset = at(cipher)
      cipher[offset] = (cipher[offset] as number) ^ 0x01
      expect((await failure(decrypt(cipher, keys))).code).toBe('ENCRYPTED_DAMAGED')
    })

    // The MAC is base64 text: a changed letter is either another valid letter (a MAC that does
    // not match) or one base64 does not allow (a line that does not parse). Both are damage.
    it.each([
      ['another base64 letter', (letter: number) => (letter === 0x41 ? 0x42 : 0x41)],
      ['a letter base64 does not allow', () => 0x40],
    ])('calls a header MAC changed to %s damage', async (_what, replace) => {
      const cipher = await encryptTo(plaintext, [recipient])
      const offset = cipher.indexOf('\n---') + 8
      cipher[offset] = replace(cipher[offset] as number)
      expect((await failure(decrypt(cipher, keys))).code).toBe('ENCRYPTED_DAMAGED')
    })

    it.each([
      ['at a chunk boundary', (c: Buffer) => c.subarray(0, c.length - 1234 - 16)],
      ['inside a chunk', (c: Buffer) => c.subarray(0, c.length - 500)],
      ['inside the header', (c: Buffer) => c.subarray(0, 40)],
    ])('calls a file cut short %s damage', async (_where, cut) => {
      const cipher = await encryptTo(plaintext, [recipient])
      expect((await failure(decrypt(cut(cipher), keys))).code).toBe('ENCRYPTED_DAMAGED')
    })

    it('says a plain snapshot is not an age file', async () => {
      const gzip = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), randomBytes(200)])
      expect((await failure(decrypt(gzip, keys))).code).toBe('ENCRYPTED_UNSUPPORTED')
    })

    it('says armored files are not read, and how to convert them', async () => {
      const armored = Buffer.from(
        '-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n',
      )
      const error = await failure(decrypt(armored, keys))
      expect(error.code).toBe('ENCRYPTED_UNSUPPORTED')
      expect(error.message).toMatch(/armored/)
    })

    it('stops reading a header that never ends instead of holding it', async () => {
      const endless = Buffer.concat([
        Buffer.from('age-encryption.org/v1\n-> X25519 '),
        Buffer.alloc(3 << 20, 0x41),
      ])
      const error = await failure(decrypt(endless, keys))
      expect(error.code).toBe('ENCRYPTED_DAMAGED')
      expect(error.message).toMatch(/header/)
    })
  })
})
