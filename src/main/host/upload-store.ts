/**
 * Snapshot files uploaded by the browser-mode page. Bodies stream straight to disk (snapshots
 * reach gigabytes) under a private folder; an upload id is random and is the only way to name
 * one later, so a page cannot make the host read a path through this door.
 *
 * Each upload keeps its original file name, in a folder of its own named by the id: the name
 * carries facts the services read from it (the Consul version of `consul snapshot save
 * -append-filename version` and of our own template), and errors name the file the user chose.
 *
 * Whoever holds the token could otherwise fill the disk: an upload has a size limit (checked
 * while it streams), only the newest few are kept, each lives a few hours, and the page can
 * delete one it no longer needs (docs/threat-model.md, "Bounded resources").
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../../shared/app-error'
import type { UploadedFile } from '../../shared/snapshot-wire-types'

export interface UploadStore {
  receive(body: Readable, name: string, signal?: AbortSignal): Promise<UploadedFile>
  /** The file behind an upload id, or null when there is no such upload (or it expired). */
  pathOf(uploadId: string): string | null
  /** Deletes one upload; false when there was no such upload. */
  remove(uploadId: string): Promise<boolean>
  /** Removes every uploaded file (host shutdown). */
  dispose(): Promise<void>
}

const uploadIdPattern = /^[a-f0-9]{32}$/

/** Keeps a name printable and short; it is shown to people, never used as a path. */
function displayName(name: string): string {
  const cleaned = Array.from(name, (char) =>
    char.charCodeAt(0) < 0x20 || char === '\u007f' || char === '/' || char === '\\' ? '_' : char,
  )
    .join('')
    .trim()
    .slice(0, 200)
  return cleaned === '' ? 'uploaded.snap' : cleaned
}

/**
 * The name the upload is stored under inside its own folder: the shown name, minus what no file
 * system takes in a name (Windows' reserved characters too, as the host may run there), never
 * `.` or `..`, and at most 255 bytes of UTF-8.
 */
function storedFileName(shown: string): string {
  let name = shown.replace(/[<>:"|?*]/g, '_')
  while (Buffer.byteLength(name, 'utf8') > 255) name = Array.from(name).slice(0, -1).join('')
  return name === '.' || name === '..' || name === '' ? 'uploaded.snap' : name
}

export interface UploadLimits {
  /** Largest upload in bytes (default 64 GiB). */
  maxBytes: number
  /** Uploads kept at once; receiving one more deletes the oldest (default 8). */
  maxUploads: number
  /** How long an upload is kept after it arrived (default 6 hours). */
  lifetimeMs: number
}

export const defaultUploadLimits: UploadLimits = {
  maxBytes: 64 * 1024 ** 3,
  maxUploads: 8,
  lifetimeMs: 6 * 60 * 60 * 1000,
}

export function uploadTooLarge(shown: string, maxBytes: number): AppError {
  return new AppError(
    'INVALID_ARGUMENT',
    `${shown} is larger than the ${Math.floor(maxBytes / 1024 ** 2)} MiB an upload may be.`,
    { hint: 'Open a file this large by its path on the host instead of uploading it.' },
  )
}

/** Passes bytes through until `limit`, then fails the pipeline. */
function byteLimit(limit: number, tooLarge: () => AppError): Transform {
  let seen = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length
      if (seen > limit) done(tooLarge())
      else done(null, chunk)
    },
  })
}

export function createUploadStore(
  directory: string,
  options: { limits?: Partial<UploadLimits>; now?: () => number } = {},
): UploadStore {
  const limits = { ...defaultUploadLimits, ...options.limits }
  const now = options.now ?? Date.now
  // Insertion order is arrival order: the first entry is the oldest.
  const uploads = new Map<string, { path: string; name: string; size: number; receivedAt: number }>()

  async function removeUpload(uploadId: string): Promise<boolean> {
    const entry = uploads.get(uploadId)
    if (entry === undefined) return false
    uploads.delete(uploadId)
    await rm(dirname(entry.path), { recursive: true, force: true })
    return true
  }

  async function removeExpired(): Promise<void> {
    for (const [uploadId, entry] of [...uploads])
      if (now() - entry.receivedAt >= limits.lifetimeMs) await removeUpload(uploadId)
  }

  return {
    async receive(body, name, signal) {
      await mkdir(directory, { recursive: true, mode: 0o700 })
      await removeExpired()
      const uploadId = randomBytes(16).toString('hex')
      const shown = displayName(name)
      const path = join(directory, uploadId, storedFileName(shown))
      try {
        await mkdir(dirname(path), { mode: 0o700 })
        await pipeline(
          body,
          byteLimit(limits.maxBytes, () => uploadTooLarge(shown, limits.maxBytes)),
          createWriteStream(path, { mode: 0o600, flags: 'wx' }),
          { signal },
        )
      } catch (error) {
        await rm(dirname(path), { recursive: true, force: true })
        if (error instanceof AppError) throw error
        if (signal?.aborted)
          throw new AppError('CANCELLED', `The upload of ${shown} was cancelled.`, {
            cause: error,
          })
        throw new AppError('FILE_UNREADABLE', `The upload of ${shown} did not complete.`, {
          hint: 'Try again; if the file is on a network drive, copy it locally first.',
          cause: error,
        })
      }
      const { size } = await stat(path)
      const entry = { path, name: shown, size, receivedAt: now() }
      uploads.set(uploadId, entry)
      while (uploads.size > limits.maxUploads) await removeUpload(uploads.keys().next().value as string)
      return { uploadId, name: entry.name, size }
    },

    pathOf(uploadId) {
      if (!uploadIdPattern.test(uploadId)) return null
      const entry = uploads.get(uploadId)
      if (entry === undefined || now() - entry.receivedAt >= limits.lifetimeMs) return null
      return entry.path
    },

    remove(uploadId) {
      return uploadIdPattern.test(uploadId) ? removeUpload(uploadId) : Promise.resolve(false)
    },

    async dispose() {
      uploads.clear()
      await rm(directory, { recursive: true, force: true })
    },
  }
}

const uploadFolderPrefix = 'snapshot-studio-uploads-'

/** A fresh private folder for one host's uploads. */
export function createUploadFolder(parent: string = tmpdir()): Promise<string> {
  return mkdtemp(join(parent, uploadFolderPrefix))
}

/**
 * Upload folders of hosts that died without cleaning up (uploaded snapshots hold KV values and
 * ACL secrets). Only our folders older than `olderThanMs` are removed; returns how many.
 */
export async function sweepStaleUploadFolders(
  parent: string = tmpdir(),
  olderThanMs = 24 * 60 * 60 * 1000,
  now = Date.now(),
): Promise<number> {
  let removed = 0
  const names = await readdir(parent).catch(() => [] as string[])
  for (const name of names) {
    if (!name.startsWith(uploadFolderPrefix)) continue
    const folder = join(parent, name)
    const info = await stat(folder).catch(() => null)
    if (info === null || now - info.mtimeMs < olderThanMs) continue
    await rm(folder, { recursive: true, force: true }).catch(() => undefined)
    removed += 1
  }
  return removed
}
