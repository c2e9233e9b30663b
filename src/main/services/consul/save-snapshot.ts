import { randomBytes } from 'node:crypto'
import { stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../../shared/app-error'
import type { SaveProgress, SaveResult } from '../../../shared/consul-types'
import { readAgentSelf, type AgentSelf } from './agent-info'
import { headerNumber, headerValue, withClient } from './consul-client'
import type { ConsulConnection } from './consul-connection'
import type { DispatcherFactory } from './consul-dispatcher'
import { downloadToFile } from './download-to-file'
import { mapTransportError } from './consul-errors'
import { fileExists, publishFile } from './publish-file'
import type {
  VerifiedArchive,
  VerifySnapshot,
  VerifyWrittenFile,
  WrittenFileVerification,
} from './snapshot-engine'
import { DEFAULT_FILE_NAME_TEMPLATE, renderFileName, validateFileNameTemplate } from './snapshot-file-name'
import { sidecarPathFor, writeSidecar } from './snapshot-sidecar'
import { TransferMeter } from './transfer-meter'

export interface SaveSnapshotOptions {
  connection: ConsulConnection
  destinationDir: string
  /** An exact file name (the CLI's FILE); otherwise `template` names the file. */
  fileName?: string
  template?: string
  /** Replace an existing file of the same name. Without it an existing file is never touched. */
  overwrite?: boolean
  /** `?stale`: any server answers from its own state (for clusters without a leader). */
  stale?: boolean
  /** Overrides the connection's datacenter. */
  datacenter?: string
  signal?: AbortSignal
  onProgress?: (progress: SaveProgress) => void
}

export interface SaveDependencies {
  verify: VerifySnapshot
  /**
   * Verifies the archive while it downloads, reading the `.part` file behind the writes (one
   * pass, so save costs about the download alone). Without it the finished `.part` file is
   * verified with `verify` (e.g. in a worker thread).
   */
  verifyWrittenFile?: VerifyWrittenFile
  dispatcherFactory?: DispatcherFactory
  /** Monotonic-ish milliseconds for durations and rates. */
  now?: () => number
  /** Wall clock for file names and the sidecar. */
  clock?: () => Date
}

/** The server first builds the whole snapshot, then sends headers: allow for big clusters. */
const SNAPSHOT_HEADERS_TIMEOUT_MS = 30 * 60_000
/** A pause this long in the middle of the body means the transfer is stuck. */
const SNAPSHOT_IDLE_TIMEOUT_MS = 2 * 60_000

/**
 * GET /v1/snapshot → `.part` file (SHA-256, progress and, given `verifyStream`, the full
 * verification on the way, its verdict awaited alongside the fsync; otherwise full verification
 * of the file after) → exclusive rename to the final name → sidecar. Any failure or cancellation
 * removes the `.part` file; an existing file is replaced only with `overwrite`.
 */
export async function saveSnapshot(
  options: SaveSnapshotOptions,
  deps: SaveDependencies,
): Promise<SaveResult> {
  const now = deps.now ?? Date.now
  const clock = deps.clock ?? (() => new Date())
  const template = options.template ?? DEFAULT_FILE_NAME_TEMPLATE
  if (options.fileName === undefined) validateFileNameTemplate(template)
  else if (options.fileName === '' || /[/\\]/.test(options.fileName)) {
    throw new AppError('INVALID_ARGUMENT', `"${options.fileName}" is not a file name.`, {
      hint: 'Give a file name without folders; choose the folder separately.',
    })
  }
  await assertDirectory(options.destinationDir)
  if (options.fileName !== undefined && !options.overwrite) {
    // Both names are checked before the download: the sidecar must not be what gets replaced.
    const target = join(options.destinationDir, options.fileName)
    for (const name of [target, sidecarPathFor(target)]) if (await exists(name)) throw fileExists(name)
  }
  options.signal?.throwIfAborted()
  const started = now()
  const emit = (phase: SaveProgress['phase'], bytes: number, bytesPerSecond: number) =>
    options.onProgress?.({ phase, bytes, totalBytes: null, bytesPerSecond, elapsedMs: now() - started })

  return withClient(options.connection, deps.dispatcherFactory, async (client) => {
    emit('requesting', 0, 0)
    // The snapshot request goes out first: the server builds the whole archive before it answers
    // (seconds on a big cluster), and everything else here fits inside that wait.
    const sent = client.send({
      method: 'GET',
      path: '/v1/snapshot',
      query: { dc: options.datacenter, stale: options.stale ? true : undefined },
      useDatacenter: true,
      signal: options.signal,
      operation: 'snapshot-save',
      headersTimeoutMs: SNAPSHOT_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: SNAPSHOT_IDLE_TIMEOUT_MS,
    })
    // Awaited below; marked handled now, so a failure before that await is not an unhandled one.
    sent.catch(() => undefined)
    // Version and datacenter name the file; a token without agent:read still saves, named "unknown".
    const agentSelf: Promise<AgentSelf | null> = readAgentSelf(client, options.signal).catch(() => null)
    // A verifier in a worker thread boots while the server builds the snapshot, not after the
    // first byte arrives.
    let verifiedBytes = 0
    let verification: WrittenFileVerification | null = null
    let response
    try {
      verification =
        deps.verifyWrittenFile?.({
          signal: options.signal,
          onProgress: (p) => {
            verifiedBytes = p.bytes
          },
        }) ?? null
      response = await sent
    } catch (error) {
      await verification?.abort()
      throw error
    }
    const partPath = join(
      options.destinationDir,
      `.snapshot-studio-${randomBytes(6).toString('hex')}.snap.part`,
    )
    let published = false
    const verifyFile = async (path: string): Promise<VerifiedArchive> => {
      emit('verifying', 0, 0)
      return deps.verify(path, { signal: options.signal, onProgress: (p) => emit('verifying', p.bytes, 0) })
    }
    try {
      const meter = new TransferMeter({
        totalBytes: null,
        hash: true,
        now,
        onProgress: (p) => options.onProgress?.({ ...p, phase: 'downloading', elapsedMs: now() - started }),
      })
      let streamed: VerifiedArchive | null = null
      const following = verification
      try {
        await downloadToFile(
          response.body,
          partPath,
          meter,
          following
            ? {
                // The download runs at the network's pace; the verifier reads the file behind it.
                onCreated: (file) => following.follow({ path: partPath, ...file }),
                onWritten: (bytes) => following.grown(bytes),
                // Syncing a file that may yet be rejected costs nothing extra: it is deleted then.
                whileSyncing: async () => {
                  emit('verifying', verifiedBytes, 0)
                  following.end(meter.bytes)
                  streamed = await following.verdict
                  emit('verifying', meter.bytes, 0)
                },
              }
            : undefined,
        )
      } catch (error) {
        if (options.signal?.aborted)
          throw new AppError('CANCELLED', 'The save was cancelled; nothing was kept.', { cause: error })
        if (error instanceof AppError) throw error
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS' || code === 'EDQUOT') {
          throw new AppError(
            'FILE_UNREADABLE',
            `The snapshot could not be written to ${options.destinationDir} (${code}).`,
            {
              hint: 'Free some space or choose a folder you may write to.',
              cause: error,
            },
          )
        }
        throw mapTransportError(error, client.where)
      }
      const sha256 = meter.digest()
      const size = meter.bytes

      const archive = streamed ?? (await verifyFile(partPath))
      options.signal?.throwIfAborted()

      emit('finishing', size, 0)
      const self = await agentSelf
      const datacenter =
        options.datacenter ?? options.connection.settings.datacenter ?? self?.datacenter ?? null
      const consulVersion = self?.version || null
      const savedAt = clock()
      const fileName =
        options.fileName ??
        renderFileName(template, {
          profile: options.connection.name,
          dc: datacenter,
          version: consulVersion,
          index: archive.meta.index,
          term: archive.meta.term,
          time: savedAt,
        })
      const finalPath = join(options.destinationDir, fileName)
      // Sidecar first, exclusively: a name taken by someone else's file stops the save before the
      // snapshot is published, so nothing of theirs is replaced and nothing half-kept remains.
      const sidecarPath = await writeSidecar(
        finalPath,
        {
          size,
          sha256,
          index: archive.meta.index,
          term: archive.meta.term,
          consulVersion,
          datacenter,
          profile: options.connection.name,
          savedAt: savedAt.toISOString(),
        },
        // The snapshot is published into the same folder next; that folder sync covers both.
        { overwrite: options.overwrite, syncFolder: false },
      )
      try {
        await publishFile(partPath, finalPath, options.overwrite ?? false)
      } catch (error) {
        await unlink(sidecarPath).catch(() => undefined)
        throw error
      }
      published = true
      const lastContact = headerNumber(response.headers, 'x-consul-lastcontact')
      const knownLeader = headerValue(response.headers, 'x-consul-knownleader')
      return {
        path: finalPath,
        sidecarPath,
        size,
        sha256,
        index: archive.meta.index,
        term: archive.meta.term,
        consulVersion,
        datacenter,
        knownLeader: knownLeader === undefined ? null : knownLeader === 'true',
        lastContactMs: lastContact,
        durationMs: now() - started,
      }
    } catch (error) {
      if (
        !published &&
        options.signal?.aborted &&
        !(error instanceof AppError && error.code === 'CANCELLED')
      ) {
        throw new AppError('CANCELLED', 'The save was cancelled; nothing was kept.', { cause: error })
      }
      throw error
    } finally {
      if (!published) {
        // Nothing may still read the file when it is removed (Windows refuses, elsewhere a
        // reader would go on with a nameless file).
        await verification?.abort()
        await unlink(partPath).catch(() => undefined)
      }
      // Drain what is left of the body if we stopped early, so the socket is released.
      response.body.destroy()
    }
  })
}

async function assertDirectory(dir: string): Promise<void> {
  try {
    if ((await stat(dir)).isDirectory()) return
  } catch {
    // reported below
  }
  throw new AppError('FILE_NOT_FOUND', `The destination folder ${dir} does not exist.`, {
    hint: 'Choose an existing folder for the snapshot.',
    details: { path: dir },
  })
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}
