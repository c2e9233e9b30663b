import { AppError } from '../../../shared/app-error'

/**
 * The typed failures of age encryption and decryption, worded for the operator holding the file.
 * age-encryption throws plain `Error`s whose messages are its only distinguishing mark; they are
 * sorted here, once, into "no key given", "wrong key", "damaged or tampered", and "not an age
 * file (of a form we read)". No message quotes a key, a passphrase or a file's contents.
 */
const KEY_FLAGS = '-identity FILE, -passphrase-file FILE or SNAPSHOT_STUDIO_AGE_IDENTITY'

export const ageErrors = {
  keyRequired: (label: string) =>
    new AppError('ENCRYPTED_KEY_REQUIRED', `${label} is encrypted (age); it needs a key to be read.`, {
      hint: `Give the identity or passphrase it was encrypted to (${KEY_FLAGS}).`,
    }),

  wrongKey: (label: string, cause?: unknown) =>
    new AppError(
      'ENCRYPTED_WRONG_KEY',
      `None of the given keys opens ${label}: it was encrypted to another recipient or passphrase (or the part of its header that names them was changed).`,
      {
        hint: 'Use the identity file (or passphrase) that matches one of the recipients the backup was encrypted to.',
        cause,
      },
    ),

  damaged: (label: string, detail: string, cause?: unknown) =>
    new AppError(
      'ENCRYPTED_DAMAGED',
      `${label} is damaged or was tampered with (${detail}); its contents cannot be trusted and nothing of it was used.`,
      { hint: 'Use another copy of the backup; an age file fails as a whole when any byte changed.', cause },
    ),

  notAge: (label: string) =>
    new AppError('ENCRYPTED_UNSUPPORTED', `${label} is not an age-encrypted file.`, {
      hint: 'Encrypted backups begin with "age-encryption.org/v1"; check that you picked the right file, or rename a plain snapshot to .snap.',
    }),

  armored: (label: string) =>
    new AppError('ENCRYPTED_UNSUPPORTED', `${label} is ASCII-armored (age -a), which is not read here.`, {
      hint: 'Decode it once with `age -d` or re-encrypt it without -a: armored files are meant for text channels, not backups.',
    }),

  badKeyFile: (what: string, why: string, hint: string) =>
    new AppError('INVALID_ARGUMENT', `${what}: ${why}`, { hint }),
}

/**
 * Sorts an error age-encryption threw while opening the header of `label` (parsing, unwrapping
 * the file key, the header MAC). The payload is ours (age-payload.ts) and throws typed errors.
 */
export function ageReadError(label: string, error: unknown): AppError {
  if (error instanceof AppError) return error
  const message = error instanceof Error ? error.message : String(error)
  if (message.includes('no identity matched')) return ageErrors.wrongKey(label, error)
  if (message.includes('invalid header HMAC'))
    return ageErrors.damaged(label, 'its header was changed', error)
  if (message.includes('scrypt recipient is not the only one'))
    return ageErrors.damaged(label, 'a passphrase stanza sits beside other recipients', error)
  if (message.includes('scrypt work factor is too high'))
    return new AppError(
      'ENCRYPTED_UNSUPPORTED',
      `${label} was encrypted with a passphrase work factor above 2^20, which would need gigabytes of memory to open.`,
      { hint: 'Re-encrypt it with the default work factor (age -p), or to a recipient key.', cause: error },
    )
  if (message.includes('invalid version')) return ageErrors.notAge(label)
  // The library's base64 decoder names the letter it refused: a header line changed in transit.
  if (/invalid (header|stanza)|non-ASCII byte in header|stanza|Unknown letter/.test(message))
    return ageErrors.damaged(label, 'its header is malformed', error)
  // @noble/ciphers: a wrapped file key whose Poly1305 tag does not match.
  if (/tag|invalid|decrypt/i.test(message)) return ageErrors.damaged(label, 'its header does not open', error)
  return new AppError('INTERNAL', `Unexpected failure while decrypting ${label}: ${message}`, {
    cause: error,
  })
}
