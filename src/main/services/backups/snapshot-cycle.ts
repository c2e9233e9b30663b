import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { AppError, toErrorPayload, type AppErrorPayload } from '../../../shared/app-error'
import type { SaveResult } from '../../../shared/consul-types'
import type { ConsulConnection } from '../consul/consul-connection'
import type { SaveSnapshotOptions } from '../consul/save-snapshot'
import { encryptFile, openEncryptedFile } from '../encryption/age-stream'
import { encryptionTarget, type AgentEncryption } from './agent-encryption'
import type { AgentLogger } from './agent-logger'
import { listAll, type Destination } from './destination'
import {
  enterpriseNamePattern,
  planRetention,
  templateNamePattern,
  type BackupNamePattern,
  type RetentionPolicy,
} from './retention'
import { enterpriseSnapshotName, SnapshotIdSource } from './snapshot-id'
import { unstoredCycleReport } from './unstored-cycle-report'

/**
 * One cycle of the agent, as the Enterprise agent runs it: save (`GET /v1/snapshot`, `?stale`,
 * `?dc`) into a private scratch folder through the app's save service, which verifies the whole
 * archive while it downloads; hand the verified file to every destination; remove the scratch
 * folder; then apply retention to each destination. A cycle that fails stores nothing: a
 * destination that already took the file gives it back.
 */
export interface CycleOptions {
  connection: ConsulConnection
  datacenter: string | null
  stale: boolean
  /** A private folder is made under it per cycle and removed on every path. */
  scratchPath: string
  /** null: `consul-<unix ns>.snap`. */
  nameTemplate: string | null
  retention: RetentionPolicy
  /** Encrypt the verified snapshot once, in the scratch folder, and store `<name>.age` instead. */
  encryption?: AgentEncryption | null
  /**
   * Per destination (same order as the destinations): its own recipients, replacing `encryption`
   * for it. The snapshot is encrypted once per distinct set of recipients.
   */
  destinationEncryption?: (AgentEncryption | undefined)[]
  signal?: AbortSignal
}

/** The save service's public function, injected so tests can stand in a fake Consul. */
export type SaveFunction = (options: SaveSnapshotOptions) => Promise<SaveResult>

export interface CycleDependencies {
  save: SaveFunction
  destinations: Destination[]
  clock: () => Date
  /** Monotonic milliseconds, for durations. */
  now: () => number
  ids?: SnapshotIdSource
  logger: AgentLogger
}

export interface DestinationResult {
  destination: string
  ok: boolean
  location?: string
  error?: AppErrorPayload
}

export interface RetentionResult {
  destination: string
  deleted: string[]
  deferred: number
  error?: AppErrorPayload
}

export interface CycleReport {
  /** Stored in every destination. */
  ok: boolean
  /**
   * Stored in some destinations but not all: the backup exists, and `error` names the ones that
   * failed (each also has its own entry in `destinations`).
   */
  partial: boolean
  /** The Enterprise-style ID (Unix ns) of this cycle. */
  id: string
  name: string | null
  startedAt: string
  endedAt: string
  durationMs: number
  size: number | null
  index: number | null
  sha256: string | null
  consulVersion: string | null
  datacenter: string | null
  destinations: DestinationResult[]
  retention: RetentionResult[]
  error: AppErrorPayload | null
}

export async function runSnapshotCycle(options: CycleOptions, deps: CycleDependencies): Promise<CycleReport> {
  const ids = deps.ids ?? new SnapshotIdSource(deps.clock)
  const startedAt = deps.clock()
  const started = deps.now()
  const id = ids.next()
  const report = unstoredCycleReport(String(id), startedAt, startedAt, null)
  const finish = (): CycleReport => {
    report.endedAt = deps.clock().toISOString()
    report.durationMs = deps.now() - started
    return report
  }

  let scratch: string | null = null
  try {
    await mkdir(options.scratchPath, { recursive: true }).catch((error: unknown) => {
      throw scratchError(options.scratchPath, error)
    })
    scratch = await mkdtemp(join(options.scratchPath, '.snapshot-studio-cycle-')).catch((error: unknown) => {
      throw scratchError(options.scratchPath, error)
    })
    const saveOptions: SaveSnapshotOptions = {
      connection: options.connection,
      destinationDir: scratch,
      stale: options.stale,
      signal: options.signal,
    }
    if (options.datacenter) saveOptions.datacenter = options.datacenter
    if (options.nameTemplate === null) saveOptions.fileName = enterpriseSnapshotName(id)
    else saveOptions.template = options.nameTemplate
    const saved = await deps.save(saveOptions)
    Object.assign(report, {
      name: basename(saved.path),
      size: saved.size,
      index: saved.index,
      sha256: saved.sha256,
      consulVersion: saved.consulVersion,
      datacenter: saved.datacenter,
    })
    const uploads = await sealedPerDestination(saved, options, deps.destinations)
    const names = uploads.map((upload) => basename(upload.path))
    const name = names[0] ?? basename(saved.path)
    report.name = name

    // Each destination on its own: one that fails does not cost the others their copy.
    const stored = await Promise.all(
      deps.destinations.map(async (destination, index): Promise<DestinationResult> => {
        const upload = uploads[index]!
        try {
          options.signal?.throwIfAborted()
          const { location } =
            upload.sealOnTheWay !== undefined
              ? await putSealed(
                  destination,
                  basename(upload.path),
                  saved,
                  upload.sealOnTheWay,
                  options.signal,
                )
              : await destination.put(
                  basename(upload.path),
                  { path: upload.path, size: upload.size, sidecarPath: saved.sidecarPath },
                  options.signal,
                )
          return { destination: destination.description, ok: true, location }
        } catch (error) {
          return { destination: destination.description, ok: false, error: toErrorPayload(error) }
        }
      }),
    )
    report.destinations = stored
    if (options.signal?.aborted) {
      // A cancelled cycle stores nothing: copies that completed in the meantime are taken back.
      await takeBack(deps, stored, names)
      throw new AppError('CANCELLED', 'The cycle was cancelled; nothing was stored.')
    }
    const failed = stored.filter((result) => !result.ok)
    for (const result of failed)
      deps.logger.error('Could not store the snapshot', {
        destination: result.destination,
        error: result.error?.message ?? 'unknown',
      })
    if (failed.length === stored.length) throw firstError(failed)
    report.partial = failed.length > 0
    report.ok = !report.partial
    if (report.partial) report.error = partialError(stored).toPayload()
    deps.logger.info(`Saved snapshot ${report.id}`, {
      name,
      index: saved.index,
      size: saved.size,
      ...(report.partial
        ? { storedIn: `${stored.length - failed.length} of ${stored.length} destinations` }
        : {}),
    })
  } catch (error) {
    report.error = toErrorPayload(
      options.signal?.aborted && !(error instanceof AppError && error.code === 'CANCELLED')
        ? new AppError('CANCELLED', 'The cycle was cancelled; nothing was stored.', { cause: error })
        : error,
    )
    return finish()
  } finally {
    if (scratch !== null) await rm(scratch, { recursive: true, force: true }).catch(() => undefined)
  }

  const pattern: BackupNamePattern =
    options.nameTemplate === null
      ? enterpriseNamePattern()
      : templateNamePattern(options.nameTemplate, { profile: options.connection.name })
  // Rotation only where this cycle's snapshot landed: the newest good backup is then always there.
  const storedIn = new Set(report.destinations.filter((d) => d.ok).map((d) => d.destination))
  for (const destination of deps.destinations) {
    if (!storedIn.has(destination.description)) continue
    report.retention.push(await applyRetention(destination, options.retention, pattern, deps))
  }
  return finish()
}

/** Lists a destination, plans, deletes what the plan says; the first failed deletion stops it. */
export async function applyRetention(
  destination: Destination,
  policy: RetentionPolicy,
  pattern: BackupNamePattern,
  deps: Pick<CycleDependencies, 'clock' | 'logger'>,
): Promise<RetentionResult> {
  const result: RetentionResult = { destination: destination.description, deleted: [], deferred: 0 }
  try {
    const plan = planRetention(await listAll(destination), policy, deps.clock(), pattern)
    result.deferred = plan.deferred.length
    for (const doomed of plan.delete) {
      await destination.delete(doomed.name)
      result.deleted.push(doomed.name)
      deps.logger.debug('Deleted snapshot', { name: doomed.name, reason: doomed.reason })
    }
  } catch (error) {
    result.error = toErrorPayload(error)
    deps.logger.error('Rotation stopped for this cycle', {
      destination: destination.description,
      error: result.error.message,
    })
  }
  return result
}

/**
 * The file each destination gets: the verified snapshot itself, or its age encryption written in
 * the scratch folder (streamed; removed with the folder), made once per distinct set of
 * recipients and shared by the destinations that use that set. A destination that takes bytes
 * made on the way (putStream: S3) gets the encryption as it is made instead, overlapping the
 * cipher with the upload; its `path` then only names the object.
 */
async function sealedPerDestination(
  saved: SaveResult,
  options: CycleOptions,
  destinations: Destination[],
): Promise<{ path: string; size: number; sealOnTheWay?: AgentEncryption }[]> {
  const made = new Map<string, { path: string; size: number }>()
  const out: { path: string; size: number; sealOnTheWay?: AgentEncryption }[] = []
  for (const [index, destination] of destinations.entries()) {
    const encryption = options.destinationEncryption?.[index] ?? options.encryption ?? null
    if (encryption !== null && destination.putStream !== undefined) {
      out.push({ path: `${saved.path}.age`, size: 0, sealOnTheWay: encryption })
      continue
    }
    const key = encryption === null ? '' : [...encryption.recipients].sort().join('\n')
    let upload = made.get(key)
    if (upload === undefined) {
      upload =
        encryption === null
          ? { path: saved.path, size: saved.size }
          : await sealed(saved, encryption, made.size, options.signal)
      made.set(key, upload)
    }
    out.push(upload)
  }
  return out
}

/** Encrypts the verified snapshot into a destination while it uploads (see EncryptedFile). */
async function putSealed(
  destination: Destination,
  name: string,
  saved: SaveResult,
  encryption: AgentEncryption,
  signal: AbortSignal | undefined,
): Promise<{ location: string }> {
  const sealed = await openEncryptedFile(saved.path, encryptionTarget(encryption))
  try {
    return await destination.putStream!(
      name,
      { size: sealed.size, pieces: sealed.pieces(), label: name, sidecarPath: saved.sidecarPath },
      signal,
    )
  } finally {
    await sealed.close().catch(() => undefined)
  }
}

async function sealed(
  saved: SaveResult,
  encryption: AgentEncryption,
  nth: number,
  signal: AbortSignal | undefined,
): Promise<{ path: string; size: number }> {
  // Same name in every destination; a folder of its own per set of recipients.
  const folder = join(dirname(saved.path), `sealed-${nth}`)
  await mkdir(folder, { mode: 0o700 })
  const path = join(folder, `${basename(saved.path)}.age`)
  const { bytes } = await encryptFile(saved.path, path, encryptionTarget(encryption), signal)
  return { path, size: bytes }
}

function scratchError(path: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error'
  return new AppError('FILE_UNREADABLE', `The scratch folder ${path} cannot be used (${code}).`, {
    hint: 'Point local_scratch_path (or -local-scratch-path) at a folder the agent may write to.',
    cause: error,
  })
}

async function takeBack(
  deps: Pick<CycleDependencies, 'destinations' | 'logger'>,
  results: DestinationResult[],
  names: string[],
): Promise<void> {
  for (const [index, result] of results.entries()) {
    const destination = deps.destinations[index]
    const name = names[index]
    if (!result.ok || destination === undefined || name === undefined) continue
    await destination.delete(name).catch((undo: unknown) =>
      deps.logger.error('Could not take back a stored snapshot', {
        destination: destination.description,
        name,
        error: toErrorPayload(undo).message,
      }),
    )
    result.ok = false
  }
}

function firstError(failed: DestinationResult[]): AppError {
  const first = failed[0]?.error
  if (first === undefined) return new AppError('INTERNAL', 'No destination took the snapshot.')
  if (failed.length === 1) return AppError.fromPayload(first)
  return new AppError(
    first.code,
    `No destination took the snapshot: ${failed.map((f) => `${f.destination}: ${f.error?.message ?? 'failed'}`).join('; ')}`,
    first.hint !== undefined ? { hint: first.hint } : {},
  )
}

function partialError(results: DestinationResult[]): AppError {
  const failed = results.filter((r) => !r.ok)
  const first = failed[0]?.error
  return new AppError(
    first?.code ?? 'INTERNAL',
    `Stored in ${results.length - failed.length} of ${results.length} destinations; failed: ${failed
      .map((f) => `${f.destination}: ${f.error?.message ?? 'failed'}`)
      .join('; ')}`,
    {
      hint: 'The snapshot is safe in the other destinations; fix the failed one before the next cycle.',
      details: { partial: true, failed: failed.map((f) => f.destination).join(', ') },
    },
  )
}
