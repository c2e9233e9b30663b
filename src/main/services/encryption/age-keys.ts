import { readFile } from 'node:fs/promises'
import { Decrypter, Encrypter, identityToRecipient } from 'age-encryption'
import type { DecryptionKeys } from './age-key-types'
import { ageErrors } from './age-errors'
import { IDENTITY_ENV } from './identity-env'
import { isSshRecipient, sshRecipient } from './ssh-recipient'

/**
 * The keys of age encryption as operators hold them: identity files in `age -i` form, recipient
 * lists in `age -R` form, passphrase files, and SNAPSHOT_STUDIO_AGE_IDENTITY. Parsing checks every
 * key up front (the library's own constructors decide what is valid), so a typo in a recipient
 * fails when the config is read, not after a snapshot was taken.
 */

export { IDENTITY_ENV }
export { hasKeys, type DecryptionKeys, type EncryptionTarget } from './age-key-types'

/** Lines of a key file as age reads them: `#` comments and blank lines skipped, CRLF allowed. */
function keyLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
}

/**
 * The identities in an `age -i` file's text (age-keygen's output: comments with the public key,
 * then `AGE-SECRET-KEY-1…`; several keys allowed). `where` names the source in errors; the text
 * itself is never quoted.
 */
export function parseIdentities(text: string, where: string): string[] {
  if (
    text.includes('-----BEGIN OPENSSH PRIVATE KEY-----') ||
    text.includes('-----BEGIN RSA PRIVATE KEY-----')
  )
    throw ageErrors.badKeyFile(
      where,
      'SSH private keys are not read here',
      'Decrypt with `age -d -i` and the SSH key, or encrypt backups to an age X25519 recipient as well and use its identity file.',
    )
  if (text.startsWith('age-encryption.org/v1') || text.includes('-----BEGIN AGE ENCRYPTED FILE-----'))
    throw ageErrors.badKeyFile(
      where,
      'the identity file is itself encrypted',
      'Decrypt it first (age -d -o key.txt key.txt.age) and pass the plain identity file.',
    )
  const lines = keyLines(text)
  if (lines.length === 0)
    throw ageErrors.badKeyFile(
      where,
      'holds no identity',
      'An identity file holds lines such as AGE-SECRET-KEY-1… (what age-keygen writes).',
    )
  lines.forEach((line, index) => {
    try {
      new Decrypter().addIdentity(line)
    } catch {
      throw ageErrors.badKeyFile(
        where,
        `line ${index + 1} of its keys is not an age identity`,
        'Each key line must be an AGE-SECRET-KEY-1… (or AGE-SECRET-KEY-PQ-1…) identity, as age-keygen writes it; plugin identities are not supported.',
      )
    }
  })
  return lines
}

/** `-identity FILE`: an `age -i` identity file. */
export async function readIdentityFile(path: string): Promise<string[]> {
  return parseIdentities(await readKeyFile(path, 'identity file'), `The identity file ${path}`)
}

/**
 * `-passphrase-file FILE`: the passphrase is the file's first line (a trailing newline, as an
 * editor or `echo` leaves it, is not part of it).
 */
export async function readPassphraseFile(path: string): Promise<string> {
  const text = await readKeyFile(path, 'passphrase file')
  const passphrase = (text.split('\n')[0] ?? '').replace(/\r$/, '')
  if (passphrase === '')
    throw ageErrors.badKeyFile(
      `The passphrase file ${path}`,
      'its first line is empty',
      'Write the passphrase on the first line of the file.',
    )
  return passphrase
}

/**
 * SNAPSHOT_STUDIO_AGE_IDENTITY: either the identities themselves (a value holding
 * AGE-SECRET-KEY-…, with or without age-keygen's comment lines, as secret stores inject it) or
 * the path of an identity file.
 */
export async function identitiesFromEnvironment(env: Record<string, string | undefined>): Promise<string[]> {
  const value = env[IDENTITY_ENV]
  if (value === undefined || value.trim() === '') return []
  if (value.includes('AGE-SECRET-KEY-')) return parseIdentities(value, IDENTITY_ENV)
  return parseIdentities(
    await readKeyFile(value, `identity file (${IDENTITY_ENV})`),
    `The identity file in ${IDENTITY_ENV}`,
  )
}

/** The keys given by `-identity`, `-passphrase-file` and the environment, together. */
export async function loadDecryptionKeys(input: {
  identityFiles?: string[]
  passphraseFiles?: string[]
  env: Record<string, string | undefined>
}): Promise<DecryptionKeys> {
  const identities: string[] = []
  for (const file of input.identityFiles ?? []) identities.push(...(await readIdentityFile(file)))
  identities.push(...(await identitiesFromEnvironment(input.env)))
  const passphrases: string[] = []
  for (const file of input.passphraseFiles ?? []) passphrases.push(await readPassphraseFile(file))
  return { identities, passphrases }
}

/**
 * Checks one recipient and returns it in the form the encrypter takes. age1… recipients are the
 * library's; `ssh-ed25519` and `ssh-rsa` public keys (as in authorized_keys, comment allowed) are
 * ours, because age-encryption 0.3.1 has no SSH recipient.
 */
export function parseRecipient(text: string, where: string): string {
  const recipient = text.trim()
  if (isSshRecipient(recipient)) {
    sshRecipient(recipient, where)
    return recipient
  }
  try {
    new Encrypter().addRecipient(recipient)
  } catch {
    throw ageErrors.badKeyFile(
      where,
      recipient.startsWith('AGE-SECRET-KEY-')
        ? 'this is an identity (a secret key), not a recipient'
        : `"${recipient.slice(0, 80)}" is not an age recipient`,
      recipient.startsWith('AGE-SECRET-KEY-')
        ? 'Give the public key (age1…, printed by age-keygen -y) and keep the identity secret.'
        : 'Use an age X25519 recipient (age1…, from age-keygen) or an SSH public key (ssh-ed25519 … or ssh-rsa …).',
    )
  }
  return recipient
}

/** Recipients in `age -R` form: one per line, `#` comments and blank lines skipped. */
export function parseRecipientsText(text: string, where: string): string[] {
  return keyLines(text).map((line, index) => parseRecipient(line, `${where}, line ${index + 1}`))
}

export async function readRecipientsFile(path: string): Promise<string[]> {
  const recipients = parseRecipientsText(
    await readKeyFile(path, 'recipients file'),
    `The recipients file ${path}`,
  )
  if (recipients.length === 0)
    throw ageErrors.badKeyFile(
      `The recipients file ${path}`,
      'holds no recipient',
      'List age recipients (age1…) or SSH public keys, one per line.',
    )
  return recipients
}

/** The recipient of an identity, for tests and for telling an operator which key a file needs. */
export function recipientOf(identity: string): Promise<string> {
  return identityToRecipient(identity)
}

async function readKeyFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    throw ageErrors.badKeyFile(
      `The ${what} ${path}`,
      code === 'ENOENT' ? 'there is no such file' : `it cannot be read (${code})`,
      'Check the path and its permissions.',
    )
  }
}
