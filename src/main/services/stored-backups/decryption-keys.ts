import type { SourceDecryption } from '../../../shared/snapshot-wire-types'
import { parseIdentities, type DecryptionKeys } from '../encryption/age-keys'

/** The keys typed into the app's prompt for one request, or null when none was given. */
export function keysFromPrompt(decryption: SourceDecryption | undefined): DecryptionKeys | null {
  const identities =
    decryption?.identitySecret !== undefined && decryption.identitySecret.trim() !== ''
      ? parseIdentities(decryption.identitySecret, 'The identity')
      : []
  const passphrases = decryption?.passphrase ? [decryption.passphrase] : []
  return identities.length + passphrases.length === 0 ? null : { identities, passphrases }
}
