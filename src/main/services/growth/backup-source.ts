import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../../../shared/app-error'
import { listAll, type BackupEntry, type Destination } from '../backups/destination'
import { LocalDestination } from '../backups/local-destination'

/**
 * Backups to analyse, wherever they are stored: the snapshot files a destination lists, each
 * readable as a local file for the inspect scanner (which reads paths). A folder hands out its
 * own files; a remote destination downloads one object at a time to a private scratch file that
 * is removed as soon as its statistics are taken.
 */
export interface BackupSource {
  readonly description: string
  list(): Promise<BackupEntry[]>
  withLocalFile<T>(name: string, signal: AbortSignal, use: (path: string) => Promise<T>): Promise<T>
}

/** Snapshot archives only: sidecars, partial downloads and other files in the folder are not backups. */
export function isSnapshotName(name: string): boolean {
  return name.endsWith('.snap') && !name.startsWith('.')
}

export async function folderSource(folder: string): Promise<BackupSource> {
  const info = await stat(folder).catch((error: NodeJS.ErrnoException) => {
    throw new AppError(
      error.code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
      error.code === 'ENOENT' ? 'The backup folder does not exist.' : 'The backup folder cannot be read.',
      {
        hint: 'Choose the folder the backups are saved in (the agent’s local_storage.path).',
        details: { folder },
      },
    )
  })
  if (!info.isDirectory())
    throw new AppError('INVALID_ARGUMENT', 'That path is a file, not a folder of backups.', {
      hint: 'Choose the folder that holds the .snap files; to look at one file, open it in Inspect.',
      details: { folder },
    })
  const destination = new LocalDestination(folder)
  return {
    description: folder,
    list: async () => (await listAll(destination)).filter((entry) => isSnapshotName(entry.name)),
    withLocalFile: (name, _signal, use) => use(join(folder, name)),
  }
}

export function destinationSource(destination: Destination, scratchDir: string): BackupSource {
  return {
    description: destination.description,
    list: async () => (await listAll(destination)).filter((entry) => isSnapshotName(entry.name)),
    async withLocalFile(name, signal, use) {
      await mkdir(scratchDir, { recursive: true, mode: 0o700 })
      // Backups hold every secret of the cluster: the copy is private and never outlives its use.
      const path = join(scratchDir, `.growth-${randomBytes(8).toString('hex')}.snap`)
      try {
        await pipeline(
          await destination.openRead(name),
          createWriteStream(path, { flags: 'wx', mode: 0o600 }),
          {
            signal,
          },
        )
        return await use(path)
      } finally {
        await unlink(path).catch(() => undefined)
      }
    },
  }
}
