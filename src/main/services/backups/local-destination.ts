import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { link, mkdir, open, readdir, stat, unlink } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { join } from 'node:path'
import { AppError } from '../../../shared/app-error'
import { fsyncDirectory } from '../consul/publish-file'
import type { BackupEntry, Destination, ListPage, PutSource } from './destination'

const SIDECAR_SUFFIX = '.json'
const TEMP_PREFIX = '.snapshot-studio-put-'

/**
 * A folder on this machine. Writes are atomic: the file is linked into place when the source is
 * on the same filesystem (the scratch folder defaults to the destination, so a cycle copies
 * nothing), otherwise copied to a hidden temporary name, fsynced, and linked into place. A
 * link, unlike a rename, refuses to replace an existing name.
 */
export class LocalDestination implements Destination {
  readonly description: string

  constructor(readonly path: string) {
    this.description = `local:${path}`
  }

  async put(name: string, source: PutSource, signal?: AbortSignal): Promise<{ location: string }> {
    assertPlainName(name)
    await this.ensureFolder()
    const target = join(this.path, name)
    await this.place(source.path, target, signal)
    if (source.sidecarPath) {
      try {
        await this.place(source.sidecarPath, target + SIDECAR_SUFFIX, signal)
      } catch (error) {
        // The pair is stored whole or not at all.
        await unlink(target).catch(() => undefined)
        throw error
      }
    }
    await fsyncDirectory(this.path)
    return { location: target }
  }

  async list(options: { cursor?: string | null; limit?: number } = {}): Promise<ListPage> {
    const limit = options.limit ?? 1000
    let names: string[]
    try {
      names = (await readdir(this.path, { withFileTypes: true }))
        .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
        .map((entry) => entry.name)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], next: null }
      throw writeError(this.path, error)
    }
    const present = new Set(names)
    const sidecarOf = (name: string) =>
      name.endsWith(SIDECAR_SUFFIX) && present.has(name.slice(0, -SIDECAR_SUFFIX.length))
    const listed = names.filter((name) => !sidecarOf(name)).sort()
    const start = options.cursor ? listed.findIndex((name) => name > (options.cursor as string)) : 0
    const slice = start < 0 ? [] : listed.slice(start, start + limit)
    const entries: BackupEntry[] = []
    for (const name of slice) {
      const info = await stat(join(this.path, name)).catch(() => null)
      if (!info) continue
      entries.push({
        name,
        size: info.size,
        modifiedAt: info.mtime,
        hasSidecar: present.has(name + SIDECAR_SUFFIX),
      })
    }
    const last = slice.at(-1)
    const more = start >= 0 && start + limit < listed.length
    return { entries, next: more && last !== undefined ? last : null }
  }

  async delete(name: string): Promise<void> {
    assertPlainName(name)
    // Sidecar first: a crash in between leaves a snapshot without sidecar (still valid), never an
    // orphan sidecar that no rule would ever remove.
    await unlinkIfPresent(join(this.path, name + SIDECAR_SUFFIX))
    await unlinkIfPresent(join(this.path, name))
    await fsyncDirectory(this.path)
  }

  async openRead(name: string): Promise<Readable> {
    assertPlainName(name)
    const path = join(this.path, name)
    await stat(path).catch((error: unknown) => {
      throw new AppError('FILE_NOT_FOUND', `${path} is not in the destination.`, { cause: error })
    })
    return createReadStream(path)
  }

  /** A folder holds no connection. */
  async close(): Promise<void> {}

  private async ensureFolder(): Promise<void> {
    try {
      await mkdir(this.path, { recursive: true })
    } catch (error) {
      throw writeError(this.path, error)
    }
  }

  private async place(from: string, to: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    try {
      await link(from, to)
      return
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EEXIST') throw exists(to, error)
      if (!['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(code ?? ''))
        throw writeError(this.path, error)
    }
    const temp = join(this.path, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}.tmp`)
    try {
      const handle = await open(temp, 'wx', 0o640)
      try {
        await pipeline(createReadStream(from), handle.createWriteStream({ autoClose: false }), { signal })
        await handle.sync()
      } finally {
        await handle.close()
      }
      await link(temp, to)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw exists(to, error)
      throw signal?.aborted
        ? new AppError('CANCELLED', 'The backup was cancelled; nothing was stored.', { cause: error })
        : writeError(this.path, error)
    } finally {
      await unlink(temp).catch(() => undefined)
    }
  }
}

function assertPlainName(name: string): void {
  if (name === '' || name.startsWith('.') || /[/\\]/.test(name))
    throw new AppError('INVALID_ARGUMENT', `"${name}" is not a backup name.`)
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

function exists(path: string, cause: unknown): AppError {
  return new AppError('FILE_EXISTS', `${path} already exists in the destination; it was left untouched.`, {
    hint: 'Two agents wrote the same name: check that they share one lock key.',
    cause,
  })
}

export function writeError(path: string, error: unknown): AppError {
  if (error instanceof AppError) return error
  const code = (error as NodeJS.ErrnoException).code ?? 'error'
  const hint =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'Free some space in the destination or lower the retention.'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'Give the agent write access to the folder (systemd: ReadWritePaths=).'
        : 'Check the destination folder.'
  return new AppError('FILE_UNREADABLE', `The destination ${path} cannot be written (${code}).`, {
    hint,
    cause: error,
  })
}
