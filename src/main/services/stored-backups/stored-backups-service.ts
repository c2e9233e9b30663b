import { mkdir } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { PassThrough } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError, toErrorPayload } from '../../../shared/app-error'
import type { ByteProgress } from '../../../shared/progress'
import type { SourceDecryption, UploadedFile } from '../../../shared/snapshot-wire-types'
import type {
  StoredBackupCheck,
  StoredBackupDownload,
  StoredBackupList,
  StoredBackupVerifyReport,
  StoredVerifyProgress,
} from '../../../shared/stored-backup-types'
import { listAll, type Destination } from '../backups/destination'
import { plaintextName } from '../encryption/encrypted-snapshot'
import { inspectSnapshotStream, verifySnapshotStream, type SnapshotInspection } from '../snapshot'
import { keysFromPrompt } from './decryption-keys'
import { downloadStoredBackup } from './download-stored-backup'
import { listStoredBackups, type NamingHints } from './list-stored-backups'
import { openStoredSnapshot } from './stored-backup-reader'
import { verifyingTee } from './verifying-tee'

/** Which destination of which plan. */
export interface StoredBackupsRef {
  planId: string
  destinationIndex: number
}

/** A plan's destination, opened: the store, and how the plan names what it writes there. */
export interface OpenedDestination {
  destination: Destination
  hints: NamingHints
}

/**
 * Where a backup fetched for a restore is put: the host's upload area, so the restore wizard reads
 * it as it reads an uploaded file. Copies there are private and expire; `remove` ends one early.
 */
export interface ScratchArea {
  receive(body: Readable, name: string, signal?: AbortSignal): Promise<UploadedFile>
  remove(uploadId: string): Promise<boolean>
}

export interface StoredBackupsDependencies {
  /** Resolves a plan's destination (PLAN_NOT_FOUND, or INVALID_ARGUMENT for a missing index). */
  open(ref: StoredBackupsRef): Promise<OpenedDestination>
  scratch: ScratchArea
  /** Where downloads go when the request names no folder. */
  defaultFolder: string
}

export interface Work<P> {
  signal: AbortSignal
  onProgress(progress: P): void
}

export interface InspectChoices {
  kvDetails: boolean
  kvDepth: number
  kvFilter: string
}

/**
 * The Backups view's operations on backups where they are stored. Reading is streamed from the
 * store (inspect and verify write nothing; download and restore write only what was verified),
 * and an encrypted backup is read with the key from the request, never kept.
 */
export class StoredBackupsService {
  /** Object sizes from the latest listing of each destination, for progress against a total. */
  private readonly sizes = new Map<string, number>()

  constructor(private readonly deps: StoredBackupsDependencies) {}

  async list(ref: StoredBackupsRef, signal?: AbortSignal): Promise<StoredBackupList> {
    const { destination, hints } = await this.deps.open(ref)
    const backups = await listStoredBackups(destination, hints, signal)
    for (const backup of backups) this.sizes.set(sizeKey(destination, backup.name), backup.size)
    return { destination: destination.description, backups }
  }

  async inspect(
    ref: StoredBackupsRef,
    name: string,
    choices: InspectChoices,
    decryption: SourceDecryption | undefined,
    work: Work<ByteProgress>,
  ): Promise<SnapshotInspection> {
    const keys = keysFromPrompt(decryption)
    const { destination } = await this.deps.open(ref)
    const totalBytes = this.sizes.get(sizeKey(destination, name)) ?? null
    const plaintext = await openStoredSnapshot(destination, name, keys, (bytes) =>
      work.onProgress({ bytes, totalBytes }),
    )
    // The download ends with the read, whichever way it ends (a reader that never started too).
    return cancellable(name, work.signal, () =>
      inspectSnapshotStream(plaintext, { ...choices, signal: work.signal, label: name }),
    ).finally(() => plaintext.destroy())
  }

  async download(
    ref: StoredBackupsRef,
    name: string,
    folder: string | undefined,
    decryption: SourceDecryption | undefined,
    work: Work<ByteProgress>,
  ): Promise<StoredBackupDownload> {
    const keys = keysFromPrompt(decryption)
    const { destination } = await this.deps.open(ref)
    const totalBytes = this.sizes.get(sizeKey(destination, name)) ?? null
    // The default save folder is the app's to make; a folder the operator named must exist.
    if (folder === undefined) await mkdir(this.deps.defaultFolder, { recursive: true })
    return downloadStoredBackup(destination, name, folder ?? this.deps.defaultFolder, keys, {
      signal: work.signal,
      onBytes: (bytes) => work.onProgress({ bytes, totalBytes }),
    })
  }

  /** Deletes a backup (and its sidecar) only when `confirmation` is its name, typed. */
  async delete(ref: StoredBackupsRef, name: string, confirmation: string): Promise<void> {
    if (confirmation !== name)
      throw new AppError(
        'INVALID_ARGUMENT',
        `${name} was not deleted: the confirmation does not match its name.`,
        {
          hint: 'Type the backup\u2019s name exactly to delete it.',
        },
      )
    const { destination } = await this.deps.open(ref)
    await this.requireListed(destination, name)
    await destination.delete(name)
    this.sizes.delete(sizeKey(destination, name))
  }

  /**
   * Streams each chosen backup (every one in the destination when `names` is absent, newest
   * first) through full verification, one after another; nothing is written. A damaged or
   * unreadable backup is reported by name and the others still run; only a cancel stops them.
   */
  async verify(
    ref: StoredBackupsRef,
    names: string[] | undefined,
    decryption: SourceDecryption | undefined,
    work: Work<StoredVerifyProgress>,
  ): Promise<StoredBackupVerifyReport> {
    const keys = keysFromPrompt(decryption)
    const { destination, hints } = await this.deps.open(ref)
    const listing = await listStoredBackups(destination, hints, work.signal)
    const sizes = new Map(listing.map((backup) => [backup.name, backup.size]))
    const chosen = names ?? listing.map((backup) => backup.name)
    const checks: StoredBackupCheck[] = []
    for (const [done, name] of chosen.entries()) {
      work.signal.throwIfAborted()
      const totalBytes = sizes.get(name) ?? null
      work.onProgress({ done, total: chosen.length, name, bytes: 0, totalBytes })
      try {
        if (!sizes.has(name)) throw notListed(destination, name)
        const plaintext = await openStoredSnapshot(destination, name, keys, (bytes) =>
          work.onProgress({ done, total: chosen.length, name, bytes, totalBytes }),
        )
        const inspection = await cancellable(name, work.signal, () =>
          verifySnapshotStream(plaintext, { signal: work.signal, label: name }),
        ).finally(() => plaintext.destroy())
        checks.push({ name, ok: true, index: inspection.meta.index.toString(), code: null, message: null })
      } catch (error) {
        if (work.signal.aborted) throw cancelled(name, error)
        const payload = toErrorPayload(error)
        checks.push({ name, ok: false, index: null, code: payload.code, message: payload.message })
      }
    }
    work.onProgress({ done: chosen.length, total: chosen.length, name: '', bytes: 0, totalBytes: null })
    const sound = checks.filter((check) => check.ok).length
    return { checks, sound, damaged: checks.length - sound }
  }

  /**
   * Fetches a backup for the restore wizard: its plaintext, verified while it streams into the
   * scratch area, which keeps it only when the verdict is in and sound (the area removes a failed
   * copy itself). The wizard then runs all of its own checks on the copy, as for an upload.
   */
  async prepareRestore(
    ref: StoredBackupsRef,
    name: string,
    decryption: SourceDecryption | undefined,
    work: Work<ByteProgress>,
  ): Promise<UploadedFile> {
    const keys = keysFromPrompt(decryption)
    const { destination } = await this.deps.open(ref)
    const totalBytes = this.sizes.get(sizeKey(destination, name)) ?? null
    const plaintext = await openStoredSnapshot(destination, name, keys, (bytes) =>
      work.onProgress({ bytes, totalBytes }),
    )
    const { stream: tee } = verifyingTee((bytes) => verifySnapshotStream(bytes, { label: name }))
    const body = new PassThrough()
    // Errors reach the scratch area through `body` (pipeline destroys it with them).
    pipeline(plaintext, tee, body, { signal: work.signal }).catch(() => undefined)
    return cancellable(name, work.signal, () =>
      this.deps.scratch.receive(body, plaintextName(name), work.signal),
    ).finally(() => body.destroy())
  }

  discardPrepared(uploadId: string): Promise<boolean> {
    return this.deps.scratch.remove(uploadId)
  }

  private async requireListed(destination: Destination, name: string): Promise<void> {
    const entries = await listAll(destination)
    if (!entries.some((entry) => entry.name === name)) throw notListed(destination, name)
  }
}

function sizeKey(destination: Destination, name: string): string {
  return `${destination.description}\0${name}`
}

function notListed(destination: Destination, name: string): AppError {
  return new AppError('STORAGE_NOT_FOUND', `${name} is not in ${destination.description}.`, {
    hint: 'It may have been deleted or rotated out by retention; reload the list.',
  })
}

function cancelled(name: string, cause: unknown): AppError {
  if (cause instanceof AppError && cause.code === 'CANCELLED') return cause
  return new AppError('CANCELLED', `Reading ${name} was cancelled.`, { cause })
}

/** Runs a read; a failure caused by the cancel is reported as the cancel, not as damage. */
async function cancellable<T>(name: string, signal: AbortSignal, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (signal.aborted) throw cancelled(name, error)
    throw error
  }
}

/** What the API handlers use of the service. */
export type StoredBackupsPort = Pick<
  StoredBackupsService,
  'list' | 'inspect' | 'download' | 'delete' | 'verify' | 'prepareRestore' | 'discardPrepared'
>
