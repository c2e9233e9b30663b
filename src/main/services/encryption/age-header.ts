import type { Encrypter, Recipient } from 'age-encryption'
import { AppError } from '../../../shared/app-error'
import type { DecryptionKeys, EncryptionTarget } from './age-keys'
import { isSshRecipient, sshRecipient } from './ssh-recipient'

/**
 * The header of an age file (version line, recipient stanzas, MAC), made and read by
 * age-encryption, and the file key it wraps, which our own payload code (age-payload.ts) needs.
 * The library's API hands out neither the file key of a file it encrypts nor where a header
 * ends in a stream, so this file gets both through its public interfaces only.
 */

/** The end of the header: the first line that starts with `---` (the MAC line), with its LF. */
export function headerLength(bytes: Buffer): number | null {
  // Stanza lines start with "->" and bodies are base64, which has no '-': the first "---" line
  // is the MAC line of any header the library would accept, and it checks the rest.
  const mark = bytes.indexOf('\n---')
  if (mark < 0) return null
  const eol = bytes.indexOf(0x0a, mark + 1)
  return eol < 0 ? null : eol + 1
}

/**
 * The library, loaded on first use: it is an ES module graph that costs a CLI run a tenth of a
 * second or more to load, and most runs (inspect, kv-export of a plain file) never encrypt.
 */
const ageLibrary = (): Promise<typeof import('age-encryption')> => import('age-encryption')

async function encrypterFor(target: EncryptionTarget): Promise<Encrypter> {
  const encrypter = new (await ageLibrary()).Encrypter()
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

/**
 * A new header for `target` and the file key it wraps. The library writes the header by
 * encrypting an empty file; its nonce and empty final chunk (32 bytes) are dropped, our payload
 * brings its own nonce. With recipients, one more Recipient that adds no stanza sees the file
 * key as the library wraps it. A passphrase cannot be combined with any recipient in the
 * library, so the key is taken back by opening the new header with the passphrase: one more
 * scrypt, on a path the agent does not take (it encrypts to recipients).
 */
export async function sealHeader(target: EncryptionTarget): Promise<{ header: Buffer; fileKey: Uint8Array }> {
  const encrypter = await encrypterFor(target)
  const witness: Recipient & { fileKey: Uint8Array | null } = {
    fileKey: null,
    wrapFileKey(fileKey) {
      this.fileKey = Uint8Array.from(fileKey)
      return []
    },
  }
  if (target.kind === 'recipients') encrypter.addRecipient(witness)
  // A stream in and out: the library collects a byte array through fetch's Response, which
  // would load undici into every CLI run that encrypts.
  const sealedEmpty = await encrypter.encrypt(new ReadableStream<Uint8Array>({ start: (c) => c.close() }))
  const parts: Uint8Array[] = []
  const reader = sealedEmpty.getReader()
  for (let read = await reader.read(); read.done !== true; read = await reader.read()) parts.push(read.value)
  const empty = Buffer.concat(parts)
  const header = empty.subarray(0, empty.length - 32)
  if (headerLength(empty) !== header.length)
    throw new AppError('INTERNAL', 'age-encryption wrote a header of an unexpected shape.')
  const fileKey =
    target.kind === 'passphrase'
      ? await openHeader(header, { identities: [], passphrases: [target.passphrase] })
      : witness.fileKey
  if (fileKey === null) throw new AppError('INTERNAL', 'age-encryption did not hand out the file key.')
  return { header, fileKey }
}

/**
 * The file key in `header`, if one of `keys` opens it; the library parses the header, tries the
 * identities and passphrases, and checks the MAC. Its errors are sorted by ageReadError.
 */
export async function openHeader(header: Buffer, keys: DecryptionKeys): Promise<Uint8Array> {
  const decrypter = new (await ageLibrary()).Decrypter()
  for (const identity of keys.identities) decrypter.addIdentity(identity)
  for (const passphrase of keys.passphrases) decrypter.addPassphrase(passphrase)
  return decrypter.decryptHeader(header)
}
