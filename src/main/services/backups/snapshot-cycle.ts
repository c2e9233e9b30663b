import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { AppError, toErrorPayload, type AppErrorPayload } from '../../../shared/app-error'
import type { SaveResult } from '../../../shared/consul-types'
import type { ConsulConnection } from '../consul/consul-connection'
import type { SaveSnapshotOptions } from '../consul/save-snapshot'
import { encryptFile } from '../encryption/age-stream'
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
  ok: boolean
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
  const report: CycleReport = {
    ok: false,
    id: String(id),
    name: null,
    startedAt: startedAt.toISOString(),
    endedAt: startedAt.toISOString(),
    durationMs: 0,
    size: null,
    index: null,
    sha256: null,
    consulVersion: null,
    datacenter: null,
    destinations: [],
    retention: [],
    error: null,
  }
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
    const upload = await sealed(saved, options)
    const name = basename(upload.path)
    report.name = name

    // Every destination or none.
    const stored: Destination[] = []
    for (const destination of deps.destinations) {
      try {
        options.signal?.throwIfAborted()
        const { location } = await destination.put(
          name,
          { path: upload.path, size: upload.size, sidecarPath: saved.sidecarPath },
          options.signal,
        )
        stored.push(destination)
        report.destinations.push({ destination: destination.description, ok: true, location })
      } catch (error) {
        report.destinations.push({
          destination: destination.description,
          ok: false,
          error: toErrorPayload(error),
        })
        for (const done of stored) {
          await done.delete(name).catch((undo: unknown) =>
            deps.logger.error('Could not take back a partly stored snapshot', {
              destination: done.description,
              name,
              error: toErrorPayload(undo).message,
            }),
          )
        }
        throw error
      }
    }
    report.ok = true
    deps.logger.info(`Saved snapshot ${report.id}`, { name, index: saved.index, size: saved.size })
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
  for (const destination of deps.destinations) {
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
 * The file the destinations get: the verified snapshot itself, or its age encryption written
 * beside it in the scratch folder (streamed; removed with the folder).
 */
async function sealed(saved: SaveResult, options: CycleOptions): Promise<{ path: string; size: number }> {
  if (!options.encryption) return { path: saved.path, size: saved.size }
  const path = `${saved.path}.age`
  const { bytes } = await encryptFile(saved.path, path, encryptionTarget(options.encryption), options.signal)
  return { path, size: bytes }
}

function scratchError(path: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error'
  return new AppError('FILE_UNREADABLE', `The scratch folder ${path} cannot be used (${code}).`, {
    hint: 'Point local_scratch_path (or -local-scratch-path) at a folder the agent may write to.',
    cause: error,
  })
}
