import { constants } from 'node:fs'
import { copyFile, link, open, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { AppError } from '../../../shared/app-error'

/**
 * Moves a finished temporary file to its final name. Without `overwrite` the move is exclusive:
 * a hard link fails if the name exists (even when another process created it a moment ago),
 * so a race can never clobber a file; filesystems without hard links fall back to an exclusive copy.
 * The folder is synced afterwards unless `syncFolder` is false: for a caller that publishes a
 * second file into the same folder right after, whose folder sync makes both names durable.
 */
export async function publishFile(
  from: string,
  to: string,
  overwrite: boolean,
  options: { syncFolder?: boolean } = {},
): Promise<void> {
  if (overwrite) {
    await rename(from, to)
  } else {
    try {
      await link(from, to)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EEXIST') throw fileExists(to, error)
      if (
        code !== 'EPERM' &&
        code !== 'ENOTSUP' &&
        code !== 'EOPNOTSUPP' &&
        code !== 'EXDEV' &&
        code !== 'ENOSYS'
      )
        throw error
      try {
        await copyFile(from, to, constants.COPYFILE_EXCL)
      } catch (copyError) {
        if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') throw fileExists(to, copyError)
        throw copyError
      }
    }
    await unlink(from)
  }
  if (options.syncFolder ?? true) await fsyncDirectory(dirname(to))
}

export function fileExists(path: string, cause?: unknown): AppError {
  return new AppError('FILE_EXISTS', `${path} already exists; it was left untouched.`, {
    hint: 'Choose another name or folder, or allow overwriting explicitly (--overwrite).',
    details: { path },
    cause,
  })
}

/** Makes a rename durable; some platforms cannot open folders, which is harmless to skip. */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch {
    // Windows and some network filesystems refuse to fsync a folder.
  } finally {
    await handle?.close()
  }
}
