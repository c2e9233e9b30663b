import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type {
  RestorePreflight,
  RestoreProgress,
  RestoreTarget,
  SnapshotFileSummary,
} from '../../../src/shared/consul-types'
import type { ConsulConnection } from '../../../src/main/services/consul/consul-connection'
import { assessRestore } from '../../../src/main/services/consul/restore-preflight'
import { preflightRestore, restoreSnapshot } from '../../../src/main/services/consul/restore-snapshot'
import type {
  VerifiedArchive,
  VerifySnapshot,
  VerifySnapshotStream,
} from '../../../src/main/services/consul/snapshot-engine'
import { AppError } from '../../../src/shared/app-error'
import { VerifiedFiles } from '../../../src/main/services/consul/verified-files'
import { json, startLocalServer, text, type LocalServer } from './local-http-server'

const FILE_BYTES = Buffer.alloc(4 * 1024 * 1024, 3)
const archive = (over: Partial<VerifiedArchive> = {}): VerifiedArchive => ({
  meta: { id: '2-100-1', index: 100, term: 2, version: 1, size: 10 },
  stats: [{ name: 'KVS', count: 3, size: 30 }],
  totalSize: 30,
  enterpriseTypes: [],
  ...over,
})
const verifyOk: VerifySnapshot = async () => archive()

let server: LocalServer | undefined
let dir: string
let file: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-restore-'))
  file = join(dir, 'prod-dc1-1.14.8-100-20261126T010203Z.snap')
  await writeFile(file, FILE_BYTES)
})
afterEach(async () => {
  await server?.close()
  server = undefined
})

interface AgentOptions {
  leader?: string
  /** The leader's answer waits for this (to see what the client does meanwhile). */
  leaderHeld?: Promise<void>
  /** Consul's answer to an upload it turns down before reading it (no leader to forward to). */
  refuseUploadAtOnce?: { status: number; text: string }
  /** The PUT's headers arrived. */
  onUploadArrived?: () => void
  restoreStatus?: number
  /** The PUT handler sees the body as it streams (for cancellation tests). */
  onUploadChunk?: (bytes: number) => void
  /** The upload's end as the server saw it: every byte arrived, or the client went away. */
  onUploadClosed?: (upload: { bytes: number; complete: boolean }) => void
}

async function startAgent(options: AgentOptions = {}): Promise<ConsulConnection> {
  server = await startLocalServer(
    (req, res) => {
      const url = req.url ?? ''
      if (url.startsWith('/v1/status/leader')) {
        const answer = () => json(res, 200, options.leader ?? '127.0.0.1:8300')
        if (options.leaderHeld) void options.leaderHeld.then(answer)
        else answer()
        return
      }
      if (url.startsWith('/v1/agent/self'))
        return json(res, 200, {
          Config: { Version: '1.14.8', Datacenter: 'dc1', NodeName: 'n1', Server: true },
          Stats: { raft: { last_log_index: '250' } },
        })
      if (url.startsWith('/v1/operator/autopilot/health'))
        return json(res, 200, { Healthy: true, Servers: [] })
      if (url.startsWith('/v1/kv/')) return json(res, 404, null, { 'x-consul-index': '251' })
      if (req.method === 'PUT' && url.startsWith('/v1/snapshot')) {
        options.onUploadArrived?.()
        if (options.refuseUploadAtOnce) {
          const { status, text: reason } = options.refuseUploadAtOnce
          return text(res, status, reason)
        }
        let received = 0
        req.on('data', (chunk: Buffer) => {
          received += chunk.length
          options.onUploadChunk?.(received)
        })
        req.on('close', () => options.onUploadClosed?.({ bytes: received, complete: req.complete }))
        req.on('end', () =>
          text(
            res,
            options.restoreStatus ?? 200,
            options.restoreStatus === 500 ? 'failed to read snapshot file: hash check failed' : '',
          ),
        )
        return
      }
      text(res, 404, 'not found')
    },
    { streamBody: true },
  )
  return {
    name: 'prod',
    settings: { address: server.address, useTls: false, tls: { insecureSkipVerify: false } },
  }
}

const deps = { verify: verifyOk, health: { pollMs: 10, timeoutMs: 2000 } }

describe('preflightRestore', () => {
  it('describes the file and the target, with the version read from the file name', async () => {
    const connection = await startAgent()
    const preflight = await preflightRestore({ connection, path: file }, deps)
    expect(preflight.file).toMatchObject({
      index: 100,
      consulVersion: '1.14.8',
      consulVersionSource: 'file-name',
      stats: [{ name: 'KVS', count: 3, size: 30 }],
    })
    expect(preflight.target).toMatchObject({
      leader: '127.0.0.1:8300',
      consulVersion: '1.14.8',
      datacenter: 'dc1',
      currentIndex: 250,
    })
    expect(preflight.blockers).toEqual([])
    expect(preflight.warnings.map((w) => w.code)).toEqual(['TARGET_INDEX_AHEAD'])
  })

  it('lets a failed verification through as the engine\u2019s error and sends nothing', async () => {
    const connection = await startAgent()
    const broken: VerifySnapshot = async () => {
      throw new AppError('SNAPSHOT_CHECKSUM_MISMATCH', 'state.bin does not match SHA256SUMS')
    }
    await expect(
      restoreSnapshot(
        { connection, path: file, safetySnapshot: { enabled: false } },
        { ...deps, verify: broken },
      ),
    ).rejects.toMatchObject({ code: 'SNAPSHOT_CHECKSUM_MISMATCH' })
    expect(server?.requests.filter((r) => r.method === 'PUT')).toEqual([])
  })
})

describe('assessRestore', () => {
  const fileSummary = (over: Partial<SnapshotFileSummary> = {}): SnapshotFileSummary => ({
    path: 'x.snap',
    size: 1,
    id: 'id',
    index: 100,
    term: 2,
    formatVersion: 1,
    stats: [],
    totalSize: 1,
    enterpriseTypes: [],
    consulVersion: '1.14.8',
    consulVersionSource: 'sidecar',
    datacenter: 'dc1',
    ...over,
  })
  const target = (over: Partial<RestoreTarget> = {}): RestoreTarget => ({
    endpoint: 'http://x',
    leader: 'l:8300',
    consulVersion: '1.14.8',
    datacenter: 'dc1',
    nodeName: 'n',
    currentIndex: 50,
    ...over,
  })
  const codes = (r: ReturnType<typeof assessRestore>) => ({
    warnings: r.warnings.map((w) => w.code),
    blockers: r.blockers.map((b) => b.code),
  })

  it('has nothing to say about a same-version, same-datacenter restore', () => {
    expect(codes(assessRestore(fileSummary(), target(), { enterprise: false }))).toEqual({
      warnings: [],
      blockers: [],
    })
  })

  it('warns when the file comes from a newer Consul than the target', () => {
    expect(
      codes(assessRestore(fileSummary({ consulVersion: '1.16.0' }), target(), { enterprise: false }))
        .warnings,
    ).toEqual(['VERSION_NEWER_THAN_TARGET'])
  })

  it('warns when the datacenters differ', () => {
    expect(
      codes(assessRestore(fileSummary({ datacenter: 'dc2' }), target(), { enterprise: false })).warnings,
    ).toEqual(['DATACENTER_DIFFERS'])
  })

  it('refuses Enterprise record types for a Community Edition target, and when the edition is unknown', () => {
    const ent = fileSummary({ enterpriseTypes: [65, 69] })
    const refused = assessRestore(ent, target(), { enterprise: false })
    expect(codes(refused).blockers).toEqual(['ENTERPRISE_RECORDS_ON_CE'])
    expect(refused.blockers[0]?.message).toMatch(/65, 69/)
    expect(codes(assessRestore(ent, target(), null)).blockers).toEqual(['ENTERPRISE_RECORDS_ON_CE'])
    expect(codes(assessRestore(ent, target(), { enterprise: true })).blockers).toEqual([])
  })

  it('refuses a target without a leader', () => {
    expect(
      codes(assessRestore(fileSummary(), target({ leader: null }), { enterprise: false })).blockers,
    ).toEqual(['NO_LEADER'])
  })

  it('warns when the file\u2019s version is unknown', () => {
    expect(
      codes(assessRestore(fileSummary({ consulVersion: null }), target(), { enterprise: false })).warnings,
    ).toEqual(['VERSION_UNKNOWN'])
  })
})

describe('restoreSnapshot', () => {
  it('streams the file as application/octet-stream with its Content-Length, then waits for a healthy cluster', async () => {
    const connection = await startAgent()
    const progress: RestoreProgress[] = []
    const result = await restoreSnapshot(
      { connection, path: file, safetySnapshot: { enabled: false }, onProgress: (p) => progress.push(p) },
      deps,
    )

    const put = server?.requests.find((r) => r.method === 'PUT')
    expect(put?.headers['content-type']).toBe('application/octet-stream')
    expect(put?.headers['content-length']).toBe(String(FILE_BYTES.length))
    expect(result.health).toMatchObject({
      healthy: true,
      leader: '127.0.0.1:8300',
      autopilotHealthy: true,
      readIndex: 251,
    })
    expect(progress.filter((p) => p.phase === 'uploading').at(-1)?.bytes).toBe(FILE_BYTES.length)
  })

  it('refuses blockers before uploading anything', async () => {
    const connection = await startAgent({ leader: '' })
    await expect(
      restoreSnapshot({ connection, path: file, safetySnapshot: { enabled: false } }, deps),
    ).rejects.toMatchObject({ code: 'RESTORE_REFUSED' })
    expect(server?.requests.filter((r) => r.method === 'PUT')).toEqual([])
  })

  it('aborts before the last byte when cancelled mid-upload, so the server never gets the whole file', async () => {
    const controller = new AbortController()
    let serverSaw = 0
    const connection = await startAgent({
      onUploadChunk: (bytes) => {
        serverSaw = bytes
        if (bytes > 1024 * 1024) controller.abort()
      },
    })
    const error = await restoreSnapshot(
      { connection, path: file, safetySnapshot: { enabled: false }, signal: controller.signal },
      deps,
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CANCELLED' })
    expect((error as AppError).message).toMatch(/cluster was not changed/)
    expect(serverSaw).toBeLessThan(FILE_BYTES.length)
  })

  it('reports Consul\u2019s refusal text', async () => {
    const connection = await startAgent({ restoreStatus: 500 })
    const error = await restoreSnapshot(
      { connection, path: file, safetySnapshot: { enabled: false } },
      deps,
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CONSUL_HTTP' })
    expect((error as AppError).message).toMatch(/refused the snapshot: .*hash check failed/)
  })

  it('needs a folder when the safety snapshot is on', async () => {
    const connection = await startAgent()
    await expect(restoreSnapshot({ connection, path: file }, deps)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
  })

  it('verifies once for a preview and the restore that follows, and again when the file changed in between', async () => {
    const connection = await startAgent()
    let verifications = 0
    const counting: VerifySnapshot = async () => {
      verifications++
      return archive()
    }
    const shared = { ...deps, verify: counting, verified: new VerifiedFiles() }
    await preflightRestore({ connection, path: file }, shared)
    await restoreSnapshot({ connection, path: file, safetySnapshot: { enabled: false } }, shared)
    expect(verifications).toBe(1)

    await writeFile(file, FILE_BYTES)
    await restoreSnapshot({ connection, path: file, safetySnapshot: { enabled: false } }, shared)
    expect(verifications).toBe(2)
  })
})

describe('restoreSnapshot verifying while it uploads', () => {
  /** A stream verifier that reads every byte it is given, then answers `verdict(bytes)`. */
  function streamVerifier(verdict: (seen: Buffer) => Promise<VerifiedArchive>): {
    verifyStream: VerifySnapshotStream
    seen: () => Buffer
  } {
    const chunks: Buffer[] = []
    return {
      seen: () => Buffer.concat(chunks),
      verifyStream: async (source) => {
        for await (const chunk of source) chunks.push(Buffer.from(chunk))
        return verdict(Buffer.concat(chunks))
      },
    }
  }
  /**
   * The leader's answer held until `event` (an upload's start), or a second at most: a client
   * that waits for that answer before uploading still finishes, only in the other order.
   */
  function heldUntil(event: Promise<void>): Promise<void> {
    return Promise.race([event, new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())])
  }
  const fileNeverReadToVerify: VerifySnapshot = () =>
    Promise.reject(new Error('the file was read a second time to verify it'))

  it('reads the file once: the verifier sees exactly the bytes uploaded, and the file is not verified apart', async () => {
    let uploaded = 0
    const connection = await startAgent({ onUploadChunk: (bytes) => (uploaded = bytes) })
    const verifier = streamVerifier(async () => archive())
    const shown: RestorePreflight[] = []
    const result = await restoreSnapshot(
      {
        connection,
        path: file,
        safetySnapshot: { enabled: false },
        onPreflight: (preflight) => shown.push(preflight),
      },
      { ...deps, verify: fileNeverReadToVerify, verifyStream: verifier.verifyStream },
    )
    expect(result.bytes).toBe(FILE_BYTES.length)
    expect(uploaded).toBe(FILE_BYTES.length)
    expect(verifier.seen().equals(FILE_BYTES)).toBe(true)
    expect(shown.map((p) => p.file.stats)).toEqual([[{ name: 'KVS', count: 3, size: 30 }]])
  })

  it('holds the last bytes back until the verdict, and a file that fails at its end never arrives whole', async () => {
    let closed: (upload: { bytes: number; complete: boolean }) => void = () => undefined
    const serverSide = new Promise<{ bytes: number; complete: boolean }>((resolve) => (closed = resolve))
    const connection = await startAgent({ onUploadClosed: (upload) => closed(upload) })
    const verifier = streamVerifier(async () => {
      throw new AppError('SNAPSHOT_CHECKSUM_MISMATCH', 'state.bin does not match SHA256SUMS.')
    })
    const error = await restoreSnapshot(
      { connection, path: file, safetySnapshot: { enabled: false } },
      { ...deps, verify: fileNeverReadToVerify, verifyStream: verifier.verifyStream },
    ).catch((e: unknown) => e)

    expect(error).toMatchObject({ code: 'SNAPSHOT_CHECKSUM_MISMATCH' })
    expect((error as AppError).message).toMatch(/stopped before its end; the cluster was not changed/)
    // The verdict came from the whole file, yet the server never received all of it.
    expect(verifier.seen().length).toBe(FILE_BYTES.length)
    const upload = await serverSide
    expect(upload.complete).toBe(false)
    expect(upload.bytes).toBeLessThan(FILE_BYTES.length)
  })

  it('refuses what the verdict reveals the target cannot take (Enterprise records on CE) before the last bytes', async () => {
    let serverSaw = 0
    const connection = await startAgent({ onUploadChunk: (bytes) => (serverSaw = bytes) })
    const verifier = streamVerifier(async () => archive({ enterpriseTypes: [65] }))
    const error = await restoreSnapshot(
      { connection, path: file, safetySnapshot: { enabled: false } },
      { ...deps, verify: fileNeverReadToVerify, verifyStream: verifier.verifyStream },
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'RESTORE_REFUSED',
      details: { blockers: 'ENTERPRISE_RECORDS_ON_CE' },
    })
    expect(serverSaw).toBeLessThan(FILE_BYTES.length)
  })

  it('reads the file\u2019s origin while it uploads: after the verdict only the rules stand before the last bytes', async () => {
    // The sidecar names another version than the file name; it is gone by the time of the
    // verdict, so it can only count if it was read during the upload.
    await writeFile(
      `${file}.json`,
      JSON.stringify({
        kind: 'snapshot-studio/save-record',
        version: 1,
        file: 'x.snap',
        size: FILE_BYTES.length,
        sha256: '0'.repeat(64),
        index: 100,
        term: 2,
        consulVersion: '1.15.0',
        datacenter: 'dc1',
        profile: 'prod',
        savedAt: '2026-11-26T01:02:03.000Z',
      }),
    )
    const connection = await startAgent()
    const verifier = streamVerifier(async () => {
      await rm(`${file}.json`)
      return archive()
    })
    const shown: RestorePreflight[] = []
    await restoreSnapshot(
      {
        connection,
        path: file,
        safetySnapshot: { enabled: false },
        onPreflight: (preflight) => shown.push(preflight),
      },
      { ...deps, verify: fileNeverReadToVerify, verifyStream: verifier.verifyStream },
    )
    expect(shown.map((p) => [p.file.consulVersion, p.file.consulVersionSource])).toEqual([
      ['1.15.0', 'sidecar'],
    ])
  })

  it('starts the upload while the target is read: the leader\u2019s answer is not waited for before the first bytes', async () => {
    const order: string[] = []
    let uploadStarted: () => void = () => undefined
    const connection = await startAgent({
      leaderHeld: heldUntil(new Promise<void>((resolve) => (uploadStarted = resolve))).then(() => {
        order.push('leader answered')
      }),
      onUploadChunk: () => {
        if (!order.includes('upload bytes arrived')) order.push('upload bytes arrived')
        uploadStarted()
      },
    })
    const verifier = streamVerifier(async () => archive())
    const result = await restoreSnapshot(
      { connection, path: file, safetySnapshot: { enabled: false } },
      { ...deps, verify: fileNeverReadToVerify, verifyStream: verifier.verifyStream },
    )
    expect(result.health.healthy).toBe(true)
    expect(order).toEqual(['upload bytes arrived', 'leader answered'])
  })

  it('refuses a target without a leader before the last bytes, even though the upload started meanwhile', async () => {
    let closed: (upload: { bytes: number; complete: boolean }) => void = () => undefined
    const serverSide = new Promise<{ bytes: number; complete: boolean }>((resolve) => (closed = resolve))
    let uploadStarted: () => void = () => undefined
    const connection = await startAgent({
      leader: '',
      leaderHeld: heldUntil(new Promise<void>((resolve) => (uploadStarted = resolve))),
      onUploadChunk: () => uploadStarted(),
      onUploadClosed: (upload) => closed(upload),
    })
    const verifier = streamVerifier(async () => archive())
    const error = await restoreSnapshot(
      { connection, path: file, safetySnapshot: { enabled: false } },
      { ...deps, verify: fileNeverReadToVerify, verifyStream: verifier.verifyStream },
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'RESTORE_REFUSED', details: { blockers: 'NO_LEADER' } })
    expect(server?.requests.filter((r) => r.method === 'PUT')).toHaveLength(1)
    const upload = await serverSide
    expect(upload.complete).toBe(false)
    expect(upload.bytes).toBeLessThan(FILE_BYTES.length)
  })

  it('reports the missing leader, not the turned-down upload, when Consul refuses the upload before the target was read', async () => {
    // The PUT is answered as soon as it arrives, the leader only after that.
    let uploadArrived: () => void = () => undefined
    const connection = await startAgent({
      leader: '',
      leaderHeld: heldUntil(new Promise<void>((resolve) => (uploadArrived = resolve))),
      onUploadArrived: () => uploadArrived(),
      refuseUploadAtOnce: { status: 500, text: 'No cluster leader' },
    })
    const verifier = streamVerifier(async () => archive())
    const error = await restoreSnapshot(
      { connection, path: file, safetySnapshot: { enabled: false } },
      { ...deps, verify: fileNeverReadToVerify, verifyStream: verifier.verifyStream },
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'RESTORE_REFUSED', details: { blockers: 'NO_LEADER' } })
  })

  it('refuses an empty file before sending anything: it has no last bytes to hold back', async () => {
    await writeFile(file, '')
    const connection = await startAgent()
    const verifier = streamVerifier(async (seen) => {
      if (seen.length === 0)
        throw new AppError('SNAPSHOT_EMPTY', 'The snapshot file is empty (0 bytes): the snapshot stream')
      return archive()
    })
    const error = await restoreSnapshot(
      { connection, path: file, safetySnapshot: { enabled: false } },
      { ...deps, verify: fileNeverReadToVerify, verifyStream: verifier.verifyStream },
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'SNAPSHOT_EMPTY' })
    expect((error as AppError).message).toMatch(
      /stream\. The upload was stopped before its end; the cluster was not changed\.$/,
    )
    expect(server?.requests.filter((r) => r.method === 'PUT')).toEqual([])
  })

  it('with a safety snapshot to take, verifies the file first so a bad file costs no snapshot', async () => {
    const connection = await startAgent()
    const broken: VerifySnapshot = async () => {
      throw new AppError('SNAPSHOT_CHECKSUM_MISMATCH', 'state.bin does not match SHA256SUMS')
    }
    const verifier = streamVerifier(async () => archive())
    await expect(
      restoreSnapshot(
        { connection, path: file, safetySnapshot: { enabled: true, destinationDir: dir } },
        { ...deps, verify: broken, verifyStream: verifier.verifyStream },
      ),
    ).rejects.toMatchObject({ code: 'SNAPSHOT_CHECKSUM_MISMATCH' })
    expect(server?.requests.filter((r) => r.url.startsWith('/v1/snapshot'))).toEqual([])
  })
})
