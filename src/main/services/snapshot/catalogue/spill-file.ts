// The decompressed state.bin of an opened snapshot, on disk, so records can be fetched by offset
// without holding the snapshot in memory. Created with owner-only permissions (KV values and ACL
// secrets are in there) and removed on close.
import {
  closeSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statfsSync,
  statSync,
  writeSync,
} from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { AppError } from '../../../../shared/app-error'

const DIR_PREFIX = 'snapshot-studio-catalogue-'

/**
 * Removes working copies left behind by a process that died before closing its catalogues: they
 * hold KV values and ACL secrets, so they must not linger. Call once at start-up; only folders
 * of ours older than `olderThanMs` (default a day) are touched. Returns how many were removed.
 */
export function sweepStaleSpillFiles(
  spillDir: string = tmpdir(),
  olderThanMs = 24 * 60 * 60 * 1000,
  now = Date.now(),
): number {
  let removed = 0
  let names: string[]
  try {
    names = readdirSync(spillDir)
  } catch {
    return 0
  }
  for (const name of names) {
    if (!name.startsWith(DIR_PREFIX)) continue
    const dir = path.join(spillDir, name)
    try {
      if (now - statSync(dir).mtimeMs < olderThanMs) continue
      rmSync(dir, { recursive: true, force: true })
      removed++
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
  return removed
}

/** Left free for everything else on the disk when a working copy grows. */
const FREE_SPACE_RESERVE = 512 * 1024 * 1024

/**
 * How large a working copy may grow in `dir`: the space free there now, less a reserve. A small
 * archive can expand a thousandfold (600 KB to 600 MB and beyond), and filling the disk would
 * take down far more than this app (docs/threat-model.md, "Bounded resources").
 */
export function spillCapacity(dir: string): number {
  try {
    const info = statfsSync(dir)
    return Math.max(0, info.bavail * info.bsize - FREE_SPACE_RESERVE)
  } catch {
    return Number.MAX_SAFE_INTEGER
  }
}

export class SpillFile {
  readonly path: string
  private readonly dir: string
  private fd: number | undefined
  private reader: FileHandle | undefined
  private removed = false
  size = 0
  /** The most bytes this working copy may hold (see spillCapacity). */
  readonly capacity: number

  constructor(spillDir?: string, options: { maxBytes?: number } = {}) {
    try {
      this.dir = mkdtempSync(path.join(spillDir ?? tmpdir(), DIR_PREFIX))
      this.path = path.join(this.dir, 'state.bin')
      // Read and write: an export reads back what it wrote while it is still writing.
      this.fd = openSync(this.path, 'wx+', 0o600)
      this.capacity = Math.min(options.maxBytes ?? Number.MAX_SAFE_INTEGER, spillCapacity(this.dir))
    } catch (cause) {
      throw new AppError(
        'FILE_UNREADABLE',
        `Cannot create a working file for browsing the snapshot in ${spillDir ?? tmpdir()}.`,
        {
          hint: 'Free some disk space or choose a writable temporary folder.',
          cause,
        },
      )
    }
  }

  /** Appends in the caller's turn: the reader waits for the disk, which bounds memory. */
  append(chunk: Uint8Array): void {
    this.writeAt(this.size, chunk)
  }

  /**
   * Writes `chunk` at `position`, over what is there; the copy grows to hold it. For a writer that
   * keeps only the bytes it may still need, again and again from the start of the file.
   */
  writeAt(position: number, chunk: Uint8Array): void {
    if (this.fd === undefined) throw new Error('spill file is not open for writing')
    if (position < 0 || position > this.size)
      throw new AppError(
        'INTERNAL',
        `Cannot write the working copy at ${position} (it holds ${this.size} bytes).`,
      )
    if (position + chunk.length > this.capacity) {
      throw new AppError(
        'FILE_UNREADABLE',
        `The snapshot expands to more than the ${Math.floor(this.capacity / 1024 ** 2)} MiB that can be used for its working copy in ${path.dirname(this.dir)}.`,
        {
          hint: 'Free disk space there (or point TMPDIR at a larger disk) and open the snapshot again; inspecting its summary needs no working copy.',
        },
      )
    }
    let done = 0
    while (done < chunk.length) {
      try {
        done += writeSync(this.fd, chunk, done, chunk.length - done, position + done)
      } catch (cause) {
        throw new AppError(
          'FILE_UNREADABLE',
          'Writing the working copy of the snapshot failed (is the disk full?).',
          {
            hint: 'Free some disk space in the temporary folder and open the snapshot again.',
            cause,
          },
        )
      }
    }
    this.size = Math.max(this.size, position + chunk.length)
  }

  /**
   * Drops the bytes from `size` on: the next append writes there. For a writer that takes back
   * what it wrote last (an entry replaced by the next one).
   */
  truncate(size: number): void {
    if (this.fd === undefined) throw new Error('spill file is not open for writing')
    if (size < 0 || size > this.size)
      throw new AppError('INTERNAL', `Cannot cut the working copy to ${size} bytes.`)
    this.size = size
  }

  /** Ends writing; reads become possible. */
  async seal(): Promise<void> {
    if (this.fd !== undefined) {
      ftruncateSync(this.fd, this.size) // whatever truncate() dropped
      closeSync(this.fd)
    }
    this.fd = undefined
    this.reader = await open(this.path, 'r')
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const reader = this.checkRead(offset, length)
    const out = Buffer.allocUnsafe(length)
    let done = 0
    while (done < length) {
      const { bytesRead } = await reader.read(out, done, length - done, offset + done)
      if (bytesRead === 0) throw cutShort()
      done += bytesRead
    }
    return out
  }

  /**
   * The same read in the caller's turn. For a reader that goes through the whole copy in order
   * (an export): the bytes were just written, so they come from the page cache, and a read that
   * waits for its turn on the event loop costs more than the copy itself. With `into`, the
   * bytes land in that buffer (at least `length` long) and a view of it is returned.
   */
  readSync(offset: number, length: number, into?: Buffer): Buffer {
    // While it is written, the writer's own descriptor reads what it appended.
    const fd = this.fd === undefined ? this.checkRead(offset, length).fd : this.fd
    if (this.fd !== undefined) checkRange(offset, length, this.size)
    const out = into === undefined ? Buffer.allocUnsafe(length) : into.subarray(0, length)
    let done = 0
    while (done < length) {
      const bytesRead = readSync(fd, out, done, length - done, offset + done)
      if (bytesRead === 0) throw cutShort()
      done += bytesRead
    }
    return out
  }

  private checkRead(offset: number, length: number): FileHandle {
    if (this.reader === undefined)
      throw new AppError('INVALID_ARGUMENT', 'This snapshot catalogue is closed.', {
        hint: 'Open the snapshot again.',
      })
    checkRange(offset, length, this.size)
    return this.reader
  }

  async remove(): Promise<void> {
    if (this.removed) return
    this.removed = true
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
    const reader = this.reader
    this.reader = undefined
    await reader?.close()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

function checkRange(offset: number, length: number, size: number): void {
  if (offset < 0 || offset + length > size)
    throw new AppError('INTERNAL', `Read outside the working copy (${offset}+${length} of ${size}).`)
}

const cutShort = (): AppError =>
  new AppError('FILE_UNREADABLE', 'The working copy of the snapshot was cut short.', {
    hint: 'Open the snapshot again.',
  })
