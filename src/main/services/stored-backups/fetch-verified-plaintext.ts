import { AppError } from '../../../shared/app-error'
import type { Destination } from '../backups/destination'
import type { DecryptionKeys } from '../encryption/age-keys'
import { plaintextName } from '../encryption/encrypted-snapshot'
import { writePrivateCopy, type PrivateCopy } from '../encryption/private-copy'
import { verifySnapshotStream } from '../snapshot'
import { openStoredSnapshot } from './stored-backup-reader'
import { verifyingTee } from './verifying-tee'

export type FetchedCopy = PrivateCopy

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
  return writePrivateCopy(plaintext, {
    folderPrefix: 'snapshot-studio-fetched-',
    fileName: plaintextName(name),
    what: 'the downloaded backup',
    scratchDir: options.scratchDir,
    signal: options.signal,
    through: () => verifyingTee((bytes) => verifySnapshotStream(bytes, { label: name })).stream,
    failure: (error, cancelled) => {
      if (cancelled)
        return new AppError('CANCELLED', `The download of ${name} was cancelled; nothing was kept.`, {
          cause: error,
        })
      if (error instanceof AppError) return error
      return new AppError('FILE_UNREADABLE', `${name} could not be written to a temporary file.`, {
        hint: 'Check the free space in the temporary folder (TMPDIR); nothing was kept.',
        cause: error,
      })
    },
  })
}
