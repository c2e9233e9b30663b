import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../../../shared/app-error'
import type { Destination } from '../backups/destination'
import type { DecryptionKeys } from '../encryption/age-keys'
import { plaintextName } from '../encryption/encrypted-snapshot'
import { verifySnapshotStream } from '../snapshot'
import { openStoredSnapshot } from './stored-backup-reader'
import { verifyingTee } from './verifying-tee'

export interface FetchedCopy {
  path: string
  /** Removes the copy and its private folder; safe to call more than once. */
  remove(): Promise<void>
}

/**
 * A stored backup's snapshot (decrypted, for an encrypted one) in a private folder (0700, the
 * file 0600), for a command that needs a file it can read more than once (restore). The bytes are
 * verified as they arrive and the copy exists only once the verdict was sound: a damaged or
 * tampered backup leaves nothing behind. The caller removes the copy on every path.
 */
export async function fetchVerifiedPlaintext(
  destination: Destination,
  name: string,
  keys: DecryptionKeys | null,
  options: { scratchDir?: string; signal?: AbortSignal; onBytes?: (bytes: number) => void } = {},
): Promise<FetchedCopy> {
  const plaintext = await openStoredSnapshot(destination, name, keys, options.onBytes)
  let folder: string
  try {
    folder = await mkdtemp(join(options.scratchDir ?? tmpdir(), 'snapshot-studio-fetched-'))
  } catch (error) {
    plaintext.destroy()
    throw new AppError('FILE_UNREADABLE', 'No private folder could be made for the downloaded backup.', {
      hint: 'Check that the temporary folder (TMPDIR) exists and is writable.',
      cause: error,
    })
  }
  const remove = () => rm(folder, { recursive: true, force: true })
  const path = join(folder, plaintextName(name))
  try {
    const { stream: tee } = verifyingTee((bytes) => verifySnapshotStream(bytes, { label: name }))
    await pipeline(plaintext, tee, createWriteStream(path, { flags: 'wx', mode: 0o600 }), {
      signal: options.signal,
    })
  } catch (error) {
    await remove().catch(() => undefined)
    if (options.signal?.aborted)
      throw new AppError('CANCELLED', `The download of ${name} was cancelled; nothing was kept.`, {
        cause: error,
      })
    if (error instanceof AppError) throw error
    throw new AppError('FILE_UNREADABLE', `${name} could not be written to a temporary file.`, {
      hint: 'Check the free space in the temporary folder (TMPDIR); nothing was kept.',
      cause: error,
    })
  }
  return { path, remove }
}
