import { verifyStreamWithEngine } from '../consul/verify-with-engine'
import { hasKeys, type DecryptionKeys } from '../encryption/age-keys'
import { decryptStream } from '../encryption/age-stream'
import { checkAgeEnvelope } from './age-envelope'
import { failedBackup, notListed, type CheckedBackup } from './agent-check-report'
import type { Destination } from './destination'
import { isEncryptedName, newestBackup } from './newest-backup'
import type { BackupNamePattern } from './retention'

/**
 * The scheduled integrity re-check: the newest backup of each destination is streamed from the
 * store through the engine's full verification (gzip, tar, SHA256SUMS, meta.json, every state
 * record), decrypted on the way when it is `.snap.age` and the agent holds an identity. Nothing
 * is written to disk. Destinations are checked one after the other, so memory stays that of one
 * stream.
 */
export async function verifyNewestBackups(
  destinations: Destination[],
  pattern: BackupNamePattern,
  keys: DecryptionKeys | null,
  signal?: AbortSignal,
): Promise<CheckedBackup[]> {
  const results: CheckedBackup[] = []
  for (const destination of destinations) {
    signal?.throwIfAborted()
    results.push(await verifyOne(destination, pattern, keys, signal))
  }
  return results
}

async function verifyOne(
  destination: Destination,
  pattern: BackupNamePattern,
  keys: DecryptionKeys | null,
  signal: AbortSignal | undefined,
): Promise<CheckedBackup> {
  const at = destination.description
  let name: string | null
  try {
    name = await newestBackup(destination, pattern)
  } catch (error) {
    return notListed(at, error)
  }
  if (name === null)
    return {
      destination: at,
      name: null,
      outcome: 'none',
      message: `holds no backup named ${pattern.describe}`,
    }
  try {
    const source = await destination.openRead(name)
    try {
      if (!isEncryptedName(name)) {
        const archive = await verifyStreamWithEngine(source, { signal })
        return verified(at, name, archive.meta.index)
      }
      if (!hasKeys(keys)) {
        await checkAgeEnvelope(source, name)
        return {
          destination: at,
          name,
          outcome: 'envelope-only',
          message:
            'its age envelope is whole; the snapshot inside was not checked (no identity: set encryption.identity_file or SNAPSHOT_STUDIO_AGE_IDENTITY)',
        }
      }
      const plaintext = await decryptStream(source, keys, name)
      const archive = await verifyStreamWithEngine(plaintext, { signal })
      return verified(at, name, archive.meta.index)
    } finally {
      source.destroy()
    }
  } catch (error) {
    return failedBackup({ destination: at, name, error, step: 'verification' }, signal)
  }
}

function verified(destination: string, name: string, index: number): CheckedBackup {
  return { destination, name, outcome: 'verified', message: `sound (index ${index})` }
}
