import { Readable } from 'node:stream'
import type { Destination } from '../backups/destination'
import type { DecryptionKeys } from '../encryption/age-keys'
import { decryptStream } from '../encryption/age-stream'
import { openStoredObject } from './stored-object'

/**
 * A stored backup's snapshot bytes, streamed: the object as stored for a plain backup, its
 * plaintext for an age-encrypted one (which needs `keys`: a wrong or missing key fails before any
 * payload is read; a tampered chunk fails the stream where it is met). `onBytes` counts what came
 * from the store, for progress against the object's size.
 */
export async function openStoredSnapshot(
  destination: Destination,
  name: string,
  keys: DecryptionKeys | null,
  onBytes?: (bytes: number) => void,
): Promise<Readable> {
  const object = await openStoredObject(destination, name, onBytes)
  if (!object.encrypted) return Readable.from(object.bytes, { objectMode: false })
  try {
    return await decryptStream(object.bytes, keys, name)
  } catch (error) {
    object.close()
    throw error
  }
}
