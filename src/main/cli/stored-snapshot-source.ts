import type { Readable } from 'node:stream'
import { openStoredSnapshot } from '../services/stored-backups/stored-backup-reader'
import type { CliIo } from './cli-io'
import { decryptionKeysFromFlags } from './decryption-flags'
import type { ParsedFlags } from './parse-flags'
import { openStoredAddress, requireObject, type StoredAddress } from './stored-address'

/**
 * Runs `read` over the snapshot bytes of the backup at `address`, streamed from its store (the
 * plaintext of an encrypted one, with the -identity / -passphrase-file keys), and releases the
 * store's client afterwards, whatever happened.
 */
export async function withStoredSnapshot<T>(
  address: StoredAddress,
  parsed: ParsedFlags,
  io: CliIo,
  read: (source: Readable) => Promise<T>,
): Promise<T> {
  const name = requireObject(address)
  const opened = await openStoredAddress(address, parsed, io)
  try {
    const keys = await decryptionKeysFromFlags(parsed, io)
    return await read(await openStoredSnapshot(opened.destination, name, keys))
  } finally {
    opened.close()
  }
}
