/**
 * Encrypted backups (`….snap.age`) opened in the app. Inspect, the contents browser and restore
 * read a snapshot by path, several times, so the host decrypts an age file once into a private
 * copy (a 0700 folder, the file 0600, complete only when every chunk authenticated) and hands
 * that path on. The key comes with each request from the prompt and is never stored; copies are
 * keyed by the file's identity and a digest of the key, so a wrong key never reuses a right one's
 * copy, and all copies go when the host stops.
 */
import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import type { SourceDecryption } from '../../shared/snapshot-wire-types'
import { ageErrors } from '../services/encryption/age-errors'
import { parseIdentities, type DecryptionKeys } from '../services/encryption/age-keys'
import {
  decryptToPrivateCopy,
  isEncryptedSnapshot,
  type DecryptedCopy,
} from '../services/encryption/encrypted-snapshot'

export interface DecryptedSources {
  /** The path to read for `path`: itself when plain, a private decrypted copy when age-encrypted. */
  resolve(path: string, decryption: SourceDecryption | undefined): Promise<string>
  dispose(): Promise<void>
}

export function createDecryptedSources(options: { scratchDir?: string } = {}): DecryptedSources {
  const copies = new Map<string, Promise<DecryptedCopy>>()
  return {
    async resolve(path, decryption) {
      if (!(await isEncryptedSnapshot(path))) return path
      const keys = keysFrom(decryption)
      if (keys === null) throw ageErrors.keyRequired(path.split(/[\\/]/).pop() ?? path)
      const info = await stat(path)
      const digest = createHash('sha256').update(JSON.stringify(keys)).digest('hex')
      const cacheKey = `${path}\0${info.size}\0${info.mtimeMs}\0${digest}`
      let copy = copies.get(cacheKey)
      if (!copy) {
        copy = decryptToPrivateCopy(path, keys, { scratchDir: options.scratchDir })
        copies.set(cacheKey, copy)
        copy.catch(() => copies.delete(cacheKey))
      }
      return (await copy).path
    },
    async dispose() {
      const all = [...copies.values()]
      copies.clear()
      await Promise.all(all.map((copy) => copy.then((c) => c.remove()).catch(() => undefined)))
    },
  }
}

function keysFrom(decryption: SourceDecryption | undefined): DecryptionKeys | null {
  const identities =
    decryption?.identitySecret !== undefined && decryption.identitySecret.trim() !== ''
      ? parseIdentities(decryption.identitySecret, 'The identity')
      : []
  const passphrases = decryption?.passphrase ? [decryption.passphrase] : []
  return identities.length + passphrases.length === 0 ? null : { identities, passphrases }
}
