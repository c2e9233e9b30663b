import { statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error'
import type {
  RestoreIssue,
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
import {
  describeRestore,
  fileIdentity,
  readRestoreTarget,
  runPreflight,
  targetBlockers,
  type FileIdentity,
  type TargetReading,
} from './restore-preflight'
import { assertRestoreAllowed } from './restore-protection'
import { readOriginClues } from './snapshot-sidecar'
import { saveSnapshot } from './save-snapshot'
import type { VerifySnapshot, VerifySnapshotStream, VerifyWrittenFile } from './snapshot-engine'
import { TransferMeter } from './transfer-meter'
import { VerificationFeed } from './verification-feed'
import { sameIdentity, type VerifiedFiles } from './verified-files'

export interface RestoreDependencies {
  verify: VerifySnapshot
  /** Verifies the bytes while they upload (the file is read once). */
  verifyStream?: VerifySnapshotStream
  /** What the safety snapshot verifies with while it downloads. */
  verifyWrittenFile?: VerifyWrittenFile
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
  /**
   * The file and target as this restore verified them, once known: before anything is sent when
   * the file was verified first, or before the upload's last byte when it is verified on the way.
   */
  onPreflight?: (preflight: RestorePreflight) => void
  /** A protected profile's second confirmation, naming what will be lost, was given. */
  lossAcknowledged?: boolean
}

const SAFETY_TEMPLATE = '{profile}-{dc}-{version}-{index}-{time}-before-restore.snap'

/**
 * Verify locally (a file that fails never reaches the cluster complete) → refuse on blockers →
 * safety snapshot of the target → PUT /v1/snapshot streaming the file, no timeout → wait for a
 * healthy cluster. Consul applies nothing before it has read the body to its end (it concludes
 * the gzip stream first), and we abort the request before the last bytes go out whenever the
 * restore must not happen: cancelled, the file changed, or its verdict says no.
 *
 * A file already verified in this process (the preview) and unchanged is not verified again.
 * Otherwise, with `verifyStream` and no safety snapshot to take first, the file is read once:
 * the bytes being uploaded are the bytes being verified, and the last ones wait for the verdict
 * and for the target's reading, which runs while the upload starts (a target with blockers stops
 * the upload and is reported as the refusal it would have been before it).
 * With a safety snapshot the file is verified before it, so a bad file costs no snapshot either.
 */
export async function restoreSnapshot(
  options: RestoreSnapshotOptions,
  deps: RestoreDependencies,
): Promise<RestoreResult> {
  const now = deps.now ?? Date.now
  const safety = options.safetySnapshot ?? { enabled: true as const, destinationDir: '' }
  assertRestoreAllowed(options.connection, 'restore', {
    safetyCopy: safety.enabled,
    lossAcknowledged: options.lossAcknowledged ?? false,
  })
  if (safety.enabled && safety.destinationDir === '') {
    throw new AppError('INVALID_ARGUMENT', 'A safety snapshot is on but no folder was chosen for it.', {
      hint: 'Choose a folder for the safety snapshot, or turn it off explicitly.',
    })
  }
  const started = now()
  return withClient(options.connection, deps.dispatcherFactory, async (client) => {
    const identity = await fileIdentity(options.path)
    const known = deps.verified?.get(options.path, identity)
    let gate: UploadGate
    if (!known && deps.verifyStream && !safety.enabled) {
      // Started first, so a verifier in a worker thread boots while the target is read.
      const feed = new VerificationFeed(deps.verifyStream, { signal: options.signal })
      // Read while the upload starts rather than before it: its answer is one of the things the
      // held-back last bytes wait for, so a target that must refuse the restore still never
      // receives the whole file. Queued behind the upload's request, which is sent first: the
      // reading has the whole upload to answer in.
      const reading = Promise.resolve().then(() => readRestoreTarget(client, options.signal))
      gate = verifyingGate(options, feed, identity, reading, deps.verified)
    } else {
      const { preflight } = await runPreflight(client, options.path, deps.verify, {
        signal: options.signal,
        onProgress: options.onProgress,
        now,
        verified: deps.verified,
      })
      options.onPreflight?.(preflight)
      refuseBlockers(preflight.blockers)
      gate = {}
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
        {
          verify: deps.verify,
          verifyWrittenFile: deps.verifyWrittenFile,
          dispatcherFactory: deps.dispatcherFactory,
          now: deps.now,
          clock: deps.clock,
        },
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
    try {
      await upload(client, options, identity, now, gate)
    } catch (error) {
      throw gate.explainFailure ? await gate.explainFailure(error) : error
    }
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

function refuseBlockers(blockers: RestoreIssue[]): void {
  const refusal = blockersRefusal(blockers)
  if (refusal) throw refusal
}

function blockersRefusal(blockers: RestoreIssue[]): AppError | null {
  if (blockers.length === 0) return null
  return new AppError(
    'RESTORE_REFUSED',
    `The restore was refused: ${blockers.map((b) => b.message).join(' ')}`,
    {
      hint: 'Nothing was restored; the cluster was not changed.',
      details: { blockers: blockers.map((b) => b.code).join(',') },
    },
  )
}

/** What the upload does besides sending: see each chunk, and decide before the last bytes. */
interface UploadGate {
  /** Every chunk read from the file, in order; a returned promise holds the upload. */
  onChunk?: (chunk: Uint8Array) => Promise<void> | undefined
  /** Runs after the file was read to its end and before the held-back tail goes out. */
  beforeTail?: () => Promise<void>
  /** Stops whatever onChunk started when the upload ends early. */
  abandon?: () => void
  /**
   * The error to report for a failed upload: what the target's reading found, when it shows the
   * restore could not go ahead (the upload's own failure is then only a consequence).
   */
  explainFailure?: (error: unknown) => Promise<unknown>
}

/**
 * Verifies the uploaded bytes as they go and holds the tail until the verdict: a file that turns
 * out bad, or holds what the target cannot take, never reaches the cluster complete.
 */
function verifyingGate(
  options: RestoreSnapshotOptions,
  feed: VerificationFeed,
  identity: FileIdentity,
  reading: Promise<TargetReading>,
  verified: VerifiedFiles | undefined,
): UploadGate {
  // Read while the bytes upload, so that once the last of them are read only the verdict and the
  // rules stand between the server and the file's end (Consul restores nothing before it).
  const clues = readOriginClues(options.path, { signal: options.signal })
  clues.catch(() => undefined)
  // Set once the target is read and says no (or could not be read): the upload stops at its next
  // chunk instead of sending the rest of the file for nothing.
  let targetProblem: unknown = null
  const target = reading.then(
    (read) => {
      targetProblem = blockersRefusal(targetBlockers(read.target))
      return read
    },
    (error: unknown) => {
      targetProblem = error
      throw error
    },
  )
  target.catch(() => undefined)
  const stopped = (error: unknown): unknown => {
    if (!(error instanceof AppError) || error.code === 'CANCELLED') return error
    // Some of the engine's messages end on a path, without a full stop.
    const said = /[.!?]$/.test(error.message) ? error.message : `${error.message}.`
    return new AppError(
      error.code,
      `${said} The upload was stopped before its end; the cluster was not changed.`,
      { hint: error.hint, details: error.details, cause: error },
    )
  }
  return {
    onChunk: (chunk) =>
      targetProblem !== null
        ? Promise.reject(targetProblem)
        : feed.push(chunk)?.catch((error: unknown) => Promise.reject(stopped(error))),
    async beforeTail() {
      const targetReading = await target
      if (targetProblem !== null) throw targetProblem
      const archive = await feed.finish().catch((error: unknown) => Promise.reject(stopped(error)))
      const preflight = describeRestore(options.path, identity, archive, targetReading, await clues)
      options.onPreflight?.(preflight)
      refuseBlockers(preflight.blockers)
      verified?.set(options.path, identity, archive)
    },
    abandon: () => feed.abort(),
    // Reported as if the target had been read first: its failure, or its refusal (no leader, which
    // also makes Consul turn the upload down), explains the restore's failure better.
    async explainFailure(error) {
      if (error instanceof AppError && error.code === 'CANCELLED') return error
      try {
        await target
      } catch (readingError) {
        return readingError
      }
      return targetProblem ?? error
    },
  }
}

async function upload(
  client: ConsulClient,
  options: RestoreSnapshotOptions,
  identity: FileIdentity,
  now: () => number,
  gate: UploadGate,
): Promise<void> {
  const started = now()
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
    assertUnchanged(options.path, identity)
    const meter = new TransferMeter({
      totalBytes: identity.size,
      now,
      onProgress: (p) => options.onProgress?.({ ...p, phase: 'uploading', elapsedMs: now() - started }),
    })
    const beforeTail = async () => {
      await gate.beforeTail?.()
      if (options.signal?.aborted) throw cancelled()
      assertUnchanged(options.path, identity)
      committed = true
    }
    // An empty file has no last bytes to hold back (its request is complete with its headers),
    // so its verdict comes before the request is sent.
    if (identity.size === 0) await beforeTail()
    const body = fileChunks(options.path, identity.size, meter, { onChunk: gate.onChunk, beforeTail })
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
    gate.abandon?.()
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
 * What waits for `beforeTail`. Consul reads the body to its very end before it restores anything,
 * so any tail would do; a small one lets the server take in almost everything meanwhile.
 */
const HELD_BACK_BYTES = 4096

/**
 * The file as an async iterable request body, 1 MiB at a time (undici pulls it at the socket's
 * pace), read once: `onChunk` sees the same bytes that are sent. The last bytes are held back
 * until `beforeTail` settles; throwing there aborts the request while the server still lacks
 * bytes, so it restores nothing.
 */
async function* fileChunks(
  path: string,
  size: number,
  meter: TransferMeter,
  hooks: { onChunk?: UploadGate['onChunk']; beforeTail: () => Promise<void> },
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
      offset += bytesRead
      const held = hooks.onChunk?.(chunk)
      if (held) await held
      if (offset < size) {
        meter.observe(chunk)
        yield chunk
        continue
      }
      const cut = Math.max(0, chunk.length - HELD_BACK_BYTES)
      if (cut > 0) {
        meter.observe(chunk.subarray(0, cut))
        yield chunk.subarray(0, cut)
      }
      await hooks.beforeTail()
      meter.observe(chunk.subarray(cut))
      yield chunk.subarray(cut)
    }
  } finally {
    await handle.close()
  }
}
