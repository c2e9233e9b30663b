import { AppError } from '../../../shared/app-error'
import { GrowingFile, type FollowedFile } from './growing-file'
import type {
  VerifiedArchive,
  VerifySnapshotStream,
  VerifyWrittenFile,
  WrittenFileVerification,
} from './snapshot-engine'

/**
 * The verification of a file being written, in this thread: the stream verification reading the
 * file behind its writer (GrowingFile). The worker thread runs this very code; unit tests and
 * builds without the worker entry run it in-process.
 */
export function verifyWrittenFileWith(verifyStream: VerifySnapshotStream): VerifyWrittenFile {
  return (options) => new FollowingVerification(verifyStream, options)
}

class FollowingVerification implements WrittenFileVerification {
  readonly verdict: Promise<VerifiedArchive>
  private settleVerdict!: { resolve: (archive: VerifiedArchive) => void; reject: (error: unknown) => void }
  private file: GrowingFile | null = null
  private following: Promise<void> | null = null
  private written = 0
  private ended: number | null = null
  private stopped = false
  private failure: { error: unknown } | null = null

  constructor(
    private readonly verifyStream: VerifySnapshotStream,
    private readonly options: Parameters<VerifyWrittenFile>[0],
  ) {
    this.verdict = new Promise<VerifiedArchive>((resolve, reject) => {
      this.settleVerdict = { resolve, reject }
    })
    this.verdict.catch((error: unknown) => {
      this.failure ??= { error }
    })
  }

  follow(target: FollowedFile): void {
    if (this.following !== null) throw new Error('A written-file verification follows one file.')
    this.following = this.run(target)
  }

  grown(bytes: number): void {
    if (this.failure !== null) throw this.failure.error
    this.written = Math.max(this.written, bytes)
    this.file?.grown(bytes)
  }

  end(bytes: number): void {
    this.ended = bytes
    this.file?.end(bytes)
  }

  async abort(): Promise<void> {
    this.stopped = true
    this.file?.abort(cancelled())
    this.settleVerdict.reject(cancelled())
    await this.following
  }

  private async run(target: FollowedFile): Promise<void> {
    let file: GrowingFile | null = null
    try {
      file = await GrowingFile.open(target)
      this.file = file
      if (this.stopped) throw cancelled()
      file.grown(this.written)
      if (this.ended !== null) file.end(this.ended)
      this.settleVerdict.resolve(await this.verifyStream(file, this.options))
    } catch (error) {
      this.settleVerdict.reject(error)
    } finally {
      // A verifier that never read (a cancelled signal) leaves the file open otherwise.
      await file?.close()
    }
  }
}

function cancelled(): AppError {
  return new AppError('CANCELLED', 'The operation was cancelled.')
}
