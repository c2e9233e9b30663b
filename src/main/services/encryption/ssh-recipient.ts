import {
  constants,
  createCipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  publicEncrypt,
  type KeyObject,
} from 'node:crypto'
import type { Recipient, Stanza } from 'age-encryption'
import { ageErrors } from './age-errors'

/**
 * age's SSH recipients (`ssh-ed25519 …`, `ssh-rsa …` as in authorized_keys), which operators use
 * to encrypt backups to the keys they already log in with. age-encryption 0.3.1 has no SSH
 * recipient, only the `Recipient` interface for custom ones, so this file is the one place where
 * we write age's key wrapping ourselves; it follows the age specification's ssh-ed25519 and
 * ssh-rsa stanzas (https://github.com/C2SP/C2SP/blob/main/age.md, as age's agessh package
 * implements them) with Node's crypto primitives. The payload, header and MAC stay the library's.
 * Decrypting with SSH private keys is not offered (their OpenSSH container would need a parser of
 * its own); `age -d -i ~/.ssh/id_ed25519` reads what we write.
 */
const ED25519_LABEL = 'age-encryption.org/v1/ssh-ed25519'
const RSA_LABEL = 'age-encryption.org/v1/ssh-rsa'
const P = (1n << 255n) - 19n

export function isSshRecipient(text: string): boolean {
  return text.startsWith('ssh-ed25519 ') || text.startsWith('ssh-rsa ')
}

/** Parses an SSH public key line into an age Recipient; `where` names its source in errors. */
export function sshRecipient(line: string, where: string): Recipient {
  const [type, blob64] = line.trim().split(/\s+/)
  const invalid = (why: string) =>
    ageErrors.badKeyFile(
      where,
      `the SSH public key ${why}`,
      'Paste the whole line of the .pub file (ssh-ed25519 AAAA… or ssh-rsa AAAA…).',
    )
  if (blob64 === undefined || !/^[A-Za-z0-9+/]+=*$/.test(blob64)) throw invalid('has no base64 key')
  const wire = Buffer.from(blob64, 'base64')
  const fields = sshWireFields(wire)
  if (fields === null || fields[0]?.toString('latin1') !== type) throw invalid('is malformed')
  const tag = base64NoPad(createHash('sha256').update(wire).digest().subarray(0, 4))
  if (type === 'ssh-ed25519') {
    const key = fields[1]
    if (fields.length !== 2 || key?.length !== 32) throw invalid('is malformed')
    const theirs = montgomeryFromEdwards(key)
    if (theirs === null) throw invalid('is not a valid Ed25519 point')
    return new SshEd25519Recipient(wire, tag, theirs)
  }
  const [, e, n] = fields
  if (fields.length !== 3 || e === undefined || n === undefined) throw invalid('is malformed')
  const publicKey = createPublicKey({
    key: { kty: 'RSA', e: base64Url(stripZeros(e)), n: base64Url(stripZeros(n)) },
    format: 'jwk',
  })
  // age refuses RSA keys under 2048 bits; so do we, for files it must read.
  if ((publicKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw invalid('is shorter than 2048 bits')
  return new SshRsaRecipient(tag, publicKey)
}

class SshEd25519Recipient implements Recipient {
  constructor(
    private readonly wire: Buffer,
    private readonly tag: string,
    private readonly theirs: Buffer,
  ) {}

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const ephemeral = generateKeyPairSync('x25519')
    const ours = rawPublic(ephemeral.publicKey)
    const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: x25519Public(this.theirs) })
    // The tweak binds the secret to this exact SSH key, so a stanza cannot be moved to another.
    const tweak = Buffer.from(hkdfSync('sha256', Buffer.alloc(0), this.wire, ED25519_LABEL, 32))
    const tweaked = diffieHellman({ privateKey: x25519Private(tweak), publicKey: x25519Public(shared) })
    const salt = Buffer.concat([ours, this.theirs])
    const wrapKey = Buffer.from(hkdfSync('sha256', tweaked, salt, ED25519_LABEL, 32))
    return [stanza(['ssh-ed25519', this.tag, base64NoPad(ours)], sealFileKey(wrapKey, fileKey))]
  }
}

class SshRsaRecipient implements Recipient {
  constructor(
    private readonly tag: string,
    private readonly key: KeyObject,
  ) {}

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const body = publicEncrypt(
      {
        key: this.key,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
        oaepLabel: Buffer.from(RSA_LABEL),
      },
      fileKey,
    )
    return [stanza(['ssh-rsa', this.tag], body)]
  }
}

/** ChaCha20-Poly1305 with an all-zero nonce: the wrap key is used once, as age specifies. */
function sealFileKey(key: Buffer, fileKey: Uint8Array): Uint8Array {
  const cipher = createCipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: 16 })
  return Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()])
}

/** The length-prefixed strings of an SSH wire-format key; null when they do not fill it exactly. */
function sshWireFields(wire: Buffer): Buffer[] | null {
  const fields: Buffer[] = []
  let at = 0
  while (at < wire.length) {
    if (at + 4 > wire.length) return null
    const length = wire.readUInt32BE(at)
    at += 4
    if (at + length > wire.length) return null
    fields.push(wire.subarray(at, at + length))
    at += length
  }
  return fields
}

/**
 * The X25519 (Montgomery u) form of an Ed25519 public key: u = (1 + y) / (1 − y) mod p, the
 * birational map RFC 7748 §4.1 gives. The sign bit of x does not matter for u.
 */
function montgomeryFromEdwards(key: Buffer): Buffer | null {
  const bytes = Buffer.from(key)
  bytes[31] = (bytes[31] as number) & 0x7f
  const y = BigInt('0x' + Buffer.from(bytes).reverse().toString('hex'))
  if (y >= P || y === 1n) return null
  const u = (((1n + y) % P) * modPow((1n - y + P) % P, P - 2n)) % P
  return Buffer.from(u.toString(16).padStart(64, '0'), 'hex').reverse()
}

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n
  let b = base % P
  let e = exponent
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P
    b = (b * b) % P
    e >>= 1n
  }
  return result
}

// DER wrappers for raw X25519 keys (RFC 8410): Node imports keys only in a container.
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')

function x25519Public(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' })
}

function x25519Private(raw: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' })
}

function rawPublic(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length)
}

function stripZeros(bytes: Buffer): Buffer {
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  return bytes.subarray(start)
}

function base64NoPad(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '')
}

function base64Url(bytes: Buffer): string {
  return bytes.toString('base64url')
}

/**
 * A stanza as the library writes it (its arguments and body are all it reads), made without its
 * class so that this module does not load the library (see age-header.ts).
 */
function stanza(args: string[], body: Uint8Array): Stanza {
  return { args, body }
}
