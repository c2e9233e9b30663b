import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { access, open, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../../../shared/app-error'
import type { StoredBackupDownload } from '../../../shared/stored-backup-types'
import type { Destination } from '../backups/destination'
import { fileExists, publishFile } from '../consul/publish-file'
import { ageErrors } from '../encryption/age-errors'
import type { DecryptionKeys } from '../encryption/age-keys'
import { decryptStream } from '../encryption/age-stream'
import { verifySnapshotStream } from '../snapshot'
import { openStoredObject } from './stored-object'
import { verifyingTee } from './verifying-tee'

/**
 * Copies a stored backup into `folder` under its own name, as stored (an encrypted backup stays
 * encrypted), verified while it downloads: the archive (the plaintext, for an encrypted one)
 * goes through the engine's full verification on the way. The bytes land in a private `.part`
 * file (0600) that takes the final name only once verified and synced, and never replaces a file;
 * on any failure nothing is left.
 */
export async function downloadStoredBackup(
  destination: Destination,
  name: string,
  folder: string,
  keys: DecryptionKeys | null,
  work: { signal?: AbortSignal; onBytes?: (bytes: number) => void } = {},
): Promise<StoredBackupDownload> {
  const folderInfo = await stat(folder).catch(() => null)
  if (!folderInfo?.isDirectory())
    throw new AppError('FILE_NOT_FOUND', `There is no folder ${folder} to download ${name} into.`, {
      hint: 'Choose an existing folder.',
    })
  const target = join(folder, name)
  if (await exists(target)) throw fileExists(target)
  const object = await openStoredObject(destination, name, work.onBytes)
  if (object.encrypted && keys === null) {
    object.close()
    throw ageErrors.keyRequired(name)
  }
  const part = join(folder, `.${name}.${randomBytes(6).toString('hex')}.part`)
  const { stream: tee, verdict } = verifyingTee((bytes) =>
    object.encrypted
      ? decryptStream(bytes, keys, name).then((plaintext) => verifySnapshotStream(plaintext, { label: name }))
      : verifySnapshotStream(bytes, { label: name }),
  )
  try {
    await pipeline(
      Readable.from(object.bytes, { objectMode: false }),
      tee,
      createWriteStream(part, { flags: 'wx', mode: 0o600 }),
      { signal: work.signal },
    )
    const inspection = await verdict
    const size = await syncFile(part)
    await publishFile(part, target, false)
    return { path: target, size, index: inspection.meta.index.toString() }
  } catch (error) {
    object.close()
    await unlink(part).catch(() => undefined)
    if (work.signal?.aborted && !(error instanceof AppError && error.code !== 'CANCELLED'))
      throw new AppError('CANCELLED', `The download of ${name} was cancelled; nothing was kept.`, {
        cause: error,
      })
    if (error instanceof AppError) throw error
    throw new AppError('FILE_UNREADABLE', `${name} could not be written to ${folder} (${errnoOf(error)}).`, {
      hint: 'Check that the folder exists, that you may write to it, and that it has room; nothing was kept.',
      cause: error,
    })
  }
}

/** Makes the written copy durable before it takes its name; answers its size. */
async function syncFile(path: string): Promise<number> {
  const handle = await open(path, 'r+')
  try {
    await handle.sync()
    return (await handle.stat()).size
  } finally {
    await handle.close()
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error'
}
