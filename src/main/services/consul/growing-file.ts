import { constants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error'

/** Which file a reader must find at the path: the one the writer created (device and inode). */
export interface FollowedFile {
  path: string
  dev: bigint
  ino: bigint
}

/**
 * Read-only, and never waiting on what someone may have put at the path: a FIFO would block the
 * open until a writer came, a symbolic link would lead elsewhere (both refused after the open by
 * the inode check, or by the open itself). The flags are 0 where the platform lacks them.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0)

/** Bytes taken from the file at once: a fresh buffer each time, since readers keep them. */
const READ_BYTES = 1024 * 1024

/**
 * A file read while someone else writes it, as an async iterable of its bytes: the writer says
 * how far the file is written (`grown`), then where it ends (`end`), and the reader takes the
 * bytes from the page cache behind it. Save verifies its download this way, so the download runs
 * at the network's pace instead of waiting for the verifier, and no byte is copied between
 * threads or held in memory for the verifier.
 *
 * The file is opened by path and must be the writer's own (same device and inode): a file put
 * in its place in a shared folder is refused rather than verified in its stead.
 */
export class GrowingFile implements AsyncIterable<Uint8Array> {
  private available = 0
  private ended = false
  private stopped: { error: unknown } | null = null
  private wake: (() => void) | null = null
  private closed: Promise<void> | null = null
  /** Bytes handed out so far. */
  read = 0

  private constructor(private readonly handle: FileHandle) {}

  static async open(file: FollowedFile): Promise<GrowingFile> {
    let handle: FileHandle
    try {
      handle = await open(file.path, OPEN_FLAGS)
    } catch (error) {
      throw replaced(file.path, error)
    }
    const found = await handle.stat({ bigint: true }).catch((error: unknown) => {
      void handle.close()
      throw replaced(file.path, error)
    })
    // A removed file's inode number may be given to whatever is made next at the path.
    if (!found.isFile() || found.dev !== file.dev || found.ino !== file.ino) {
      await handle.close()
      throw replaced(file.path)
    }
    return new GrowingFile(handle)
  }

  /** The writer has written this many bytes (a count that only grows). */
  grown(bytes: number): void {
    if (bytes > this.available) this.available = bytes
    this.notify()
  }

  /** The writer is done: the file ends at `bytes`. */
  end(bytes: number): void {
    this.grown(bytes)
    this.ended = true
    this.notify()
  }

  /** Stops the reading; a reader waiting for bytes gets `error`. */
  abort(error: unknown): void {
    this.stopped ??= { error }
    this.notify()
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        if (this.stopped !== null) throw this.stopped.error
        if (this.read < this.available) {
          const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, this.available - this.read))
          const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.read)
          // The writer said these bytes were written: finding fewer means the file was cut.
          if (bytesRead === 0) throw shrunk()
          this.read += bytesRead
          yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead)
          continue
        }
        if (this.ended) return
        await new Promise<void>((resolve) => (this.wake = resolve))
      }
    } finally {
      await this.close()
    }
  }

  /** Closes the file (once; reading ends with it), whether or not it was read to its end. */
  close(): Promise<void> {
    this.closed ??= this.handle.close().catch(() => undefined)
    return this.closed
  }

  private notify(): void {
    this.wake?.()
    this.wake = null
  }
}

function replaced(path: string, cause?: unknown): AppError {
  return new AppError(
    'FILE_UNREADABLE',
    `The file being saved at ${path} could not be read back for its verification: it was removed or replaced while the snapshot was downloading.`,
    { hint: 'Save into a folder that no other user or program writes to.', cause },
  )
}

function shrunk(): AppError {
  return new AppError(
    'FILE_UNREADABLE',
    'The file being saved became shorter while it was written: another program changed it.',
    { hint: 'Save into a folder that no other user or program writes to.' },
  )
}
