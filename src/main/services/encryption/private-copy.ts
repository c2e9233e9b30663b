import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../../../shared/app-error'

/** A file in a private folder of its own, for a command that must read it more than once. */
export interface PrivateCopy {
  path: string
  /** Removes the copy and its private folder; safe to call more than once. */
  remove(): Promise<void>
}

export interface PrivateCopyOptions {
  /** Names the folder (`<prefix>XXXXXX`) so a leftover says where it came from. */
  folderPrefix: string
  fileName: string
  /** What the copy is, for the error when no folder can be made ("the decrypted copy"). */
  what: string
  scratchDir?: string
  signal?: AbortSignal
  /** Makes a stage the bytes pass through on the way (a verifier that fails the write). */
  through?: () => Transform
  /** What to throw when writing failed; the folder is already gone then. */
  failure(error: unknown, cancelled: boolean): unknown
}

/**
 * Writes `bytes` to a new private folder (0700, under `scratchDir` or the OS temp folder), the file
 * created exclusively with 0600. The copy is returned only when every byte was written (and passed
 * `through`); on any failure the folder and whatever was written are removed first. The decrypted
 * copy of an encrypted file and the fetched copy of a stored backup both come from here, so both
 * keep the same promise: no partial or unverified plaintext is ever left behind.
 */
export async function writePrivateCopy(bytes: Readable, options: PrivateCopyOptions): Promise<PrivateCopy> {
  let folder: string
  try {
    folder = await mkdtemp(join(options.scratchDir ?? tmpdir(), options.folderPrefix))
  } catch (error) {
    bytes.destroy()
    throw new AppError('FILE_UNREADABLE', `No private folder could be made for ${options.what}.`, {
      hint: 'Check that the temporary folder (TMPDIR) exists and is writable.',
      cause: error,
    })
  }
  const remove = () => rm(folder, { recursive: true, force: true })
  const path = join(folder, options.fileName)
  const file = createWriteStream(path, { flags: 'wx', mode: 0o600 })
  try {
    const stages = { signal: options.signal }
    if (options.through) await pipeline(bytes, options.through(), file, stages)
    else await pipeline(bytes, file, stages)
  } catch (error) {
    await remove().catch(() => undefined)
    throw options.failure(error, options.signal?.aborted === true)
  }
  return { path, remove }
}
