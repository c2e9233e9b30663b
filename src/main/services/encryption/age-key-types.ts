// What age keys are to the code that only passes them on (the streams, the readers): kept apart
// from age-keys.ts, which loads the age library to check keys, so that reading a plain snapshot
// never loads it.

/** What a reader may try, in order: identities (X25519, post-quantum hybrid) and passphrases. */
export interface DecryptionKeys {
  identities: string[]
  passphrases: string[]
}

/** Whom a writer encrypts to: recipients (age1…, ssh-ed25519, ssh-rsa), or exactly one passphrase. */
export type EncryptionTarget =
  | { kind: 'recipients'; recipients: string[] }
  | { kind: 'passphrase'; passphrase: string; workFactor?: number }

export function hasKeys(keys: DecryptionKeys | null | undefined): keys is DecryptionKeys {
  return keys !== null && keys !== undefined && keys.identities.length + keys.passphrases.length > 0
}
