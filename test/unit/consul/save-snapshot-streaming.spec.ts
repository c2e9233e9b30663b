import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import type { SaveProgress } from '../../../src/shared/consul-types'
import type { ConsulConnection } from '../../../src/main/services/consul/consul-connection'
import { createDispatcherFactory } from '../../../src/main/services/consul/consul-dispatcher'
import { saveSnapshot, type SaveDependencies } from '../../../src/main/services/consul/save-snapshot'
import type { VerifySnapshot, VerifySnapshotStream } from '../../../src/main/services/consul/snapshot-engine'
import {
  verifyStreamWithEngine,
  verifyWrittenFileWithEngine,
} from '../../../src/main/services/consul/verify-with-engine'
import { verifyWrittenFileWith } from '../../../src/main/services/consul/written-file-verification'
import { buildSnapshot } from '../../support/snapshot-builder'
import { buildStateBin, chunkingStateRecord, kvsRecord } from '../../support/state-bin-writer'
import { json, startLocalServer, type LocalServer } from './local-http-server'

// Save with `verifyStream` checks the archive while it downloads; the file-based check must then
// not run at all, so it fails loudly if called.
const ARCHIVE = buildSnapshot()
const notFromFile: VerifySnapshot = () =>
  Promise.reject(new Error('the finished file was verified a second time'))
const deps: SaveDependencies = {
  verify: notFromFile,
  verifyWrittenFile: verifyWrittenFileWithEngine,
  clock: () => new Date('2026-11-26T01:02:03Z'),
}

let server: LocalServer | undefined
let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-save-stream-'))
})
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** A 200 whose body is `body`, written in 64 KiB pieces and ended cleanly (chunked encoding). */
async function startAgent(body: Buffer): Promise<ConsulConnection> {
  server = await startLocalServer((req, res) => {
    if (req.url?.startsWith('/v1/agent/self'))
      return json(res, 200, {
        Config: { Version: '1.14.8', Datacenter: 'dc1', NodeName: 'n1', Server: true },
        Stats: {},
      })
    res.writeHead(200, {
      'x-consul-index': '13',
      'x-consul-knownleader': 'true',
      'x-consul-lastcontact': '0',
      'content-type': 'application/x-gzip',
    })
    for (let offset = 0; offset < body.length; offset += 64 * 1024)
      res.write(body.subarray(offset, offset + 64 * 1024))
    res.end()
  })
  return {
    name: 'prod',
    settings: { address: server.address, useTls: false, tls: { insecureSkipVerify: false } },
  }
}

describe('saveSnapshot verifying while it downloads', () => {
  it('saves a valid archive with the result and progress of a file-verified save', async () => {
    const connection = await startAgent(ARCHIVE)
    const progress: SaveProgress[] = []

    const result = await saveSnapshot(
      { connection, destinationDir: dir, onProgress: (p) => progress.push(p) },
      deps,
    )

    expect(result).toMatchObject({
      size: ARCHIVE.length,
      index: 13,
      term: 2,
      consulVersion: '1.14.8',
      datacenter: 'dc1',
    })
    expect(result.sha256).toBe(createHash('sha256').update(ARCHIVE).digest('hex'))
    expect((await readFile(result.path)).equals(ARCHIVE)).toBe(true)
    const phases = progress.map((p) => p.phase).filter((phase, i, all) => phase !== all[i - 1])
    expect(phases).toEqual(['requesting', 'downloading', 'verifying', 'finishing'])
    expect(progress.filter((p) => p.phase === 'verifying').at(-1)?.bytes).toBe(ARCHIVE.length)
  })

  it('asks for the snapshot before anything else, so the rest starts while the server builds it', async () => {
    const connection = await startAgent(ARCHIVE)
    const order: string[] = []
    const recording: SaveDependencies = {
      ...deps,
      // Records what is dispatched, in order, and what the verifier's start comes after.
      dispatcherFactory: async (resolved) => {
        const agent = await createDispatcherFactory()(resolved)
        const dispatch = agent.dispatch.bind(agent)
        agent.dispatch = (request, handler) => {
          order.push(`${request.method} ${request.path.split('?')[0]}`)
          return dispatch(request, handler)
        }
        return agent
      },
      verifyWrittenFile: (options) => {
        order.push('verifier started')
        return verifyWrittenFileWithEngine(options)
      },
    }

    await saveSnapshot({ connection, destinationDir: dir, fileName: 'a.snap' }, recording)

    expect(order[0]).toBe('GET /v1/snapshot')
    expect(order.slice(1).sort()).toEqual(['GET /v1/agent/self', 'verifier started'])
  })

  it('syncs the data and the sidecar, and the folder once, after both names are in place', async () => {
    // FileHandle is not exported; its prototype is reached through an open handle.
    const probe = await open(join(dir, '.probe'), 'w')
    const prototype = Object.getPrototypeOf(probe) as FileHandle
    await probe.close()
    await unlink(join(dir, '.probe'))
    const synced: string[] = []
    const sync = prototype.sync
    const spy = vi.spyOn(prototype, 'sync').mockImplementation(async function (this: FileHandle) {
      synced.push((await this.stat()).isDirectory() ? 'folder' : 'file')
      return sync.call(this)
    })
    try {
      const connection = await startAgent(ARCHIVE)
      await saveSnapshot({ connection, destinationDir: dir, fileName: 'a.snap' }, deps)
    } finally {
      spy.mockRestore()
    }
    expect(synced).toEqual(['file', 'file', 'folder'])
    expect((await readdir(dir)).sort()).toEqual(['a.snap', 'a.snap.json'])
  })

  it('reports a body that ends early behind a 200 as a truncated snapshot and leaves nothing behind', async () => {
    const connection = await startAgent(ARCHIVE.subarray(0, Math.floor(ARCHIVE.length / 2)))
    const error = await saveSnapshot({ connection, destinationDir: dir }, deps).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'SNAPSHOT_TRUNCATED' })
    expect(await readdir(dir)).toEqual([])
  })

  it('reports a corrupt archive with the engine’s error and leaves nothing behind', async () => {
    const connection = await startAgent(
      buildSnapshot({ sums: `${'0'.repeat(64)}  meta.json\n${'0'.repeat(64)}  state.bin\n` }),
    )
    const error = await saveSnapshot({ connection, destinationDir: dir }, deps).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'SNAPSHOT_CHECKSUM_MISMATCH' })
    expect(await readdir(dir)).toEqual([])
  })

  it('stops the download when the verifier fails, passes its error on and removes the .part file', async () => {
    const big = Buffer.alloc(32 * 1024 * 1024, 1)
    let verifierFailed!: () => void
    const failed = new Promise<void>((resolve) => (verifierFailed = resolve))
    // The first 2 MiB, then the rest only once the verifier has failed: the download must stop.
    server = await startLocalServer(async (req, res) => {
      if (req.url?.startsWith('/v1/agent/self')) return json(res, 200, { Config: {}, Stats: {} })
      res.writeHead(200, { 'content-type': 'application/x-gzip' })
      res.write(big.subarray(0, 2 * 1024 * 1024))
      await failed
      for (let offset = 2 * 1024 * 1024; offset < big.length && !res.destroyed; offset += 64 * 1024)
        res.write(big.subarray(offset, offset + 64 * 1024))
      res.end()
    })
    const connection: ConsulConnection = {
      name: 'prod',
      settings: { address: server.address, useTls: false, tls: { insecureSkipVerify: false } },
    }
    const failsEarly: VerifySnapshotStream = async (source) => {
      let taken = 0
      for await (const chunk of source) {
        taken += chunk.length
        if (taken >= 1024 * 1024) {
          verifierFailed()
          throw new AppError('SNAPSHOT_GZIP_CORRUPT', 'The snapshot is not valid gzip.')
        }
      }
      throw new Error('the verifier saw the whole body')
    }
    const progress: SaveProgress[] = []

    const error = await saveSnapshot(
      { connection, destinationDir: dir, onProgress: (p) => progress.push(p) },
      { ...deps, verifyWrittenFile: verifyWrittenFileWith(failsEarly) },
    ).catch((e: unknown) => e)

    expect(error).toMatchObject({ code: 'SNAPSHOT_GZIP_CORRUPT' })
    expect(await readdir(dir)).toEqual([])
    const downloaded = progress.filter((p) => p.phase === 'downloading').at(-1)?.bytes ?? 0
    expect(downloaded).toBeLessThan(big.length)
  })

  it('downloads at the network\u2019s pace: the verifier reads the file behind the download', async () => {
    // A verifier that takes nothing until the server has sent the whole body: a download that
    // waited for its verifier would never end.
    // 24 MB that gzip cannot shrink: more than every buffer between the server and a verifier.
    const records = Array.from({ length: 1200 }, (_, i) =>
      kvsRecord({ key: `k${i}`, value: randomBytes(20_000) }),
    )
    const body = buildSnapshot({ stateBin: buildStateBin(3, [...records, chunkingStateRecord()]) })
    let bodySent!: () => void
    const sent = new Promise<void>((resolve) => (bodySent = resolve))
    server = await startLocalServer((req, res) => {
      if (req.url?.startsWith('/v1/agent/self')) return json(res, 200, { Config: {}, Stats: {} })
      res.writeHead(200, { 'content-type': 'application/x-gzip' })
      res.end(body, () => bodySent())
    })
    const connection: ConsulConnection = {
      name: 'prod',
      settings: { address: server.address, useTls: false, tls: { insecureSkipVerify: false } },
    }
    const late: VerifySnapshotStream = async (source, options) => {
      await sent
      return verifyStreamWithEngine(source, options)
    }

    const result = await saveSnapshot(
      { connection, destinationDir: dir, fileName: 'late.snap' },
      { ...deps, verifyWrittenFile: verifyWrittenFileWith(late) },
    )

    expect(result.size).toBe(body.length)
    expect((await readFile(join(dir, 'late.snap'))).equals(body)).toBe(true)
  })
})
