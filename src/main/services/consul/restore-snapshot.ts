import { statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error'
import type {
  RestorePreflight,
  RestoreProgress,
  RestoreResult,
  SaveResult,
} from '../../../shared/consul-types'
import { waitForHealthyCluster, type WaitForHealthOptions } from './cluster-health'
import { withClient, type ConsulClient } from './consul-client'
import type { ConsulConnection } from './consul-connection'
import type { DispatcherFactory } from './consul-dispatcher'
import { mapTransportError } from './consul-errors'
import { runPreflight, type FileIdentity } from './restore-preflight'
import { saveSnapshot } from './save-snapshot'
import type { VerifySnapshot } from './snapshot-engine'
import { TransferMeter } from './transfer-meter'
import { sameIdentity, type VerifiedFiles } from './verified-files'

export interface RestoreDependencies {
  verify: VerifySnapshot
  dispatcherFactory?: DispatcherFactory
  now?: () => number
  clock?: () => Date
  /** Overrides for the wait after the restore (tests shorten it). */
  health?: Omit<WaitForHealthOptions, 'signal'>
  /** Shared between preview and restore so an untouched file is verified once. */
  verified?: VerifiedFiles
}

export interface PreflightRestoreOptions {
  connection: ConsulConnection
  path: string
  signal?: AbortSignal
  onProgress?: (progress: RestoreProgress) => void
}

/** Verifies the file and describes it and the target, with warnings and blockers. Changes nothing. */
export async function preflightRestore(
  options: PreflightRestoreOptions,
  deps: RestoreDependencies,
): Promise<RestorePreflight> {
  return withClient(options.connection, deps.dispatcherFactory, async (client) => {
    const outcome = await runPreflight(client, options.path, deps.verify, {
      signal: options.signal,
      onProgress: options.onProgress,
      now: deps.now,
      verified: deps.verified,
    })
    return outcome.preflight
  })
}

export interface RestoreSnapshotOptions extends PreflightRestoreOptions {
  /** On by default: save the target before replacing its state. */
  safetySnapshot?: { enabled: false } | { enabled: true; destinationDir: string; template?: string }
}

const SAFETY_TEMPLATE = '{profile}-{dc}-{version}-{index}-{time}-before-restore.snap'

/**
 * Verify locally (a file that fails is never uploaded) → refuse on blockers → safety snapshot of
 * the target → PUT /v1/snapshot streaming the file, no timeout → wait for a healthy cluster.
 * Cancelling before the last byte leaves the cluster untouched: the server only restores a
 * complete, verified upload, and we abort the request before its last chunk goes out.
 */
export async function restoreSnapshot(
  options: RestoreSnapshotOptions,
  deps: RestoreDependencies,
): Promise<RestoreResult> {
  const now = deps.now ?? Date.now
  const safety = options.safetySnapshot ?? { enabled: true as const, destinationDir: '' }
  if (safety.enabled && safety.destinationDir === '') {
    throw new AppError('INVALID_ARGUMENT', 'A safety snapshot is on but no folder was chosen for it.', {
      hint: 'Choose a folder for the safety snapshot, or turn it off explicitly.',
    })
  }
  const started = now()
  return withClient(options.connection, deps.dispatcherFactory, async (client) => {
    const { preflight, identity } = await runPreflight(client, options.path, deps.verify, {
      signal: options.signal,
      onProgress: options.onProgress,
      now,
      verified: deps.verified,
    })
    if (preflight.blockers.length > 0) {
      throw new AppError(
        'RESTORE_REFUSED',
        `The restore was refused: ${preflight.blockers.map((b) => b.message).join(' ')}`,
        {
          hint: 'Nothing was sent to the cluster.',
          details: { blockers: preflight.blockers.map((b) => b.code).join(',') },
        },
      )
    }
    let safetySnapshot: SaveResult | null = null
    if (safety.enabled) {
      safetySnapshot = await saveSnapshot(
        {
          connection: options.connection,
          destinationDir: safety.destinationDir,
          template: safety.template ?? SAFETY_TEMPLATE,
          signal: options.signal,
          onProgress: (p) => options.onProgress?.({ ...p, phase: 'safety-snapshot' }),
        },
        { verify: deps.verify, dispatcherFactory: deps.dispatcherFactory, now: deps.now, clock: deps.clock },
      ).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'CANCELLED') throw error
        const payload = error instanceof AppError ? error : mapTransportError(error, client.where)
        throw new AppError(
          payload.code,
          `The safety snapshot of the target failed, so nothing was restored: ${payload.message}`,
          { hint: payload.hint, details: payload.details, cause: error },
        )
      })
    }
    await upload(client, options, identity, now)
    options.onProgress?.({
      phase: 'waiting-for-cluster',
      bytes: identity.size,
      totalBytes: identity.size,
      bytesPerSecond: 0,
      elapsedMs: now() - started,
    })
    // Past the upload, cancelling cannot undo anything; the wait still honours it.
    const health = await waitForHealthyCluster(client, { ...deps.health, now, signal: options.signal })
    return { path: options.path, bytes: identity.size, durationMs: now() - started, safetySnapshot, health }
  })
}

async function upload(
  client: ConsulClient,
  options: RestoreSnapshotOptions,
  identity: FileIdentity,
  now: () => number,
): Promise<void> {
  const started = now()
  assertUnchanged(options.path, identity)
  const requestAbort = new AbortController()
  let committed = false
  const cancelled = () =>
    new AppError(
      'CANCELLED',
      'The restore was cancelled before the upload completed; the cluster was not changed.',
    )
  const onAbort = () => {
    if (!committed) requestAbort.abort(cancelled())
  }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    options.signal?.throwIfAborted()
    const meter = new TransferMeter({
      totalBytes: identity.size,
      now,
      onProgress: (p) => options.onProgress?.({ ...p, phase: 'uploading', elapsedMs: now() - started }),
    })
    const body = fileChunks(options.path, identity.size, meter, () => {
      if (options.signal?.aborted) throw cancelled()
      assertUnchanged(options.path, identity)
      committed = true
    })
    let response
    try {
      response = await client.send({
        method: 'PUT',
        path: '/v1/snapshot',
        useDatacenter: true,
        body,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(identity.size) },
        signal: requestAbort.signal,
        headersTimeoutMs: 0,
        bodyTimeoutMs: 0,
        operation: 'snapshot-restore',
      })
    } catch (error) {
      if (
        !committed &&
        (options.signal?.aborted || (error instanceof AppError && error.code === 'CANCELLED'))
      )
        throw cancelled()
      throw error
    }
    await response.body.dump()
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
  }
}

function assertUnchanged(path: string, identity: FileIdentity): void {
  let now: FileIdentity
  try {
    const info = statSync(path)
    now = { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino }
  } catch (error) {
    throw new AppError('FILE_UNREADABLE', `The snapshot file ${path} disappeared during the restore.`, {
      hint: 'Nothing was restored; keep the file in place and retry.',
      cause: error,
    })
  }
  if (!sameIdentity(now, identity)) {
    throw new AppError('FILE_UNREADABLE', `The snapshot file ${path} changed after it was verified.`, {
      hint: 'Nothing was restored. Make sure no other program writes to the file, then retry (it will be verified again).',
    })
  }
}

const UPLOAD_CHUNK_BYTES = 1024 * 1024

/**
 * The file as an async iterable request body, 1 MiB at a time (undici pulls it at the socket's
 * pace). `beforeLast` runs before the chunk that completes the file is handed over; throwing
 * there aborts the request while the server still lacks bytes, so it restores nothing.
 */
async function* fileChunks(
  path: string,
  size: number,
  meter: TransferMeter,
  beforeLast: () => void,
): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r')
  try {
    let offset = 0
    while (offset < size) {
      const buffer = Buffer.allocUnsafe(Math.min(UPLOAD_CHUNK_BYTES, size - offset))
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset)
      if (bytesRead === 0)
        throw new AppError(
          'FILE_UNREADABLE',
          `The snapshot file ${path} became shorter during the restore.`,
          { hint: 'Nothing was restored; keep the file unchanged and retry.' },
        )
      const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead)
      if (offset + bytesRead >= size) beforeLast()
      meter.observe(chunk)
      offset += bytesRead
      yield chunk
    }
  } finally {
    await handle.close()
  }
}
