import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import type { SaveProgress } from '../../../src/shared/consul-types'
import type { ConsulConnection } from '../../../src/main/services/consul/consul-connection'
import { saveSnapshot } from '../../../src/main/services/consul/save-snapshot'
import type { VerifySnapshot } from '../../../src/main/services/consul/snapshot-engine'
import { json, startLocalServer, type LocalServer } from './local-http-server'

// The archive engine is injected: this stand-in accepts exactly the bytes the server meant to send,
// so what is under test is the transfer (streaming, cleanup, naming), not the archive format.
const BODY = Buffer.concat([Buffer.from('SNAP'), Buffer.alloc(3 * 1024 * 1024, 7)])
const verifyExact: VerifySnapshot = async (path) => {
  const bytes = await readFile(path)
  if (bytes.length !== BODY.length)
    throw new AppError('SNAPSHOT_TRUNCATED', `The snapshot is truncated (${bytes.length} bytes).`)
  if (!bytes.equals(BODY)) throw new AppError('SNAPSHOT_CHECKSUM_MISMATCH', 'The snapshot is corrupt.')
  return {
    meta: { id: '2-42-1', index: 42, term: 2, version: 1, size: 100 },
    stats: [],
    totalSize: 100,
    enterpriseTypes: [],
  }
}
const deps = { verify: verifyExact, clock: () => new Date('2026-11-26T01:02:03Z') }

let server: LocalServer | undefined
let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-save-'))
})
afterEach(async () => {
  await server?.close()
  server = undefined
})

type SnapshotBehaviour = 'complete' | 'truncated' | 'stall'

async function startAgent(behaviour: SnapshotBehaviour): Promise<ConsulConnection> {
  server = await startLocalServer((req, res) => {
    if (req.url?.startsWith('/v1/agent/self'))
      return json(res, 200, {
        Config: { Version: '1.14.8', Datacenter: 'dc1', NodeName: 'n1', Server: true },
        Stats: {},
      })
    res.writeHead(200, {
      'x-consul-index': '42',
      'x-consul-knownleader': 'true',
      'x-consul-lastcontact': '0',
      'content-type': 'application/x-gzip',
    })
    if (behaviour === 'complete') return void res.end(BODY)
    // Headers and a first part arrive, then the connection dies: a 200 with a short body.
    res.write(BODY.subarray(0, 1024 * 1024))
    if (behaviour === 'truncated') setImmediate(() => res.socket?.destroy())
  })
  return {
    name: 'prod',
    settings: { address: server.address, useTls: false, tls: { insecureSkipVerify: false } },
  }
}

describe('saveSnapshot', () => {
  it('streams the body to a verified file named from the template, with a sidecar and checksum', async () => {
    const connection = await startAgent('complete')
    const progress: SaveProgress[] = []
    const result = await saveSnapshot(
      { connection, destinationDir: dir, onProgress: (p) => progress.push(p) },
      deps,
    )

    expect(result.path).toBe(join(dir, 'prod-dc1-1.14.8-42-20261126T010203Z.snap'))
    expect((await readFile(result.path)).equals(BODY)).toBe(true)
    expect(result).toMatchObject({
      size: BODY.length,
      index: 42,
      term: 2,
      consulVersion: '1.14.8',
      datacenter: 'dc1',
      knownLeader: true,
      lastContactMs: 0,
    })
    expect(result.sha256).toBe(createHash('sha256').update(BODY).digest('hex'))
    expect(JSON.parse(await readFile(result.sidecarPath, 'utf8'))).toMatchObject({
      consulVersion: '1.14.8',
      index: 42,
      sha256: result.sha256,
    })
    expect(progress.map((p) => p.phase)).toEqual(
      expect.arrayContaining(['requesting', 'downloading', 'verifying', 'finishing']),
    )
    expect(progress.filter((p) => p.phase === 'downloading').at(-1)?.bytes).toBe(BODY.length)
    expect((await readdir(dir)).sort()).toEqual([
      `prod-dc1-1.14.8-42-20261126T010203Z.snap`,
      `prod-dc1-1.14.8-42-20261126T010203Z.snap.json`,
    ])
  })

  it('catches a truncated body behind a 200 and leaves nothing behind', async () => {
    const connection = await startAgent('truncated')
    const error = await saveSnapshot({ connection, destinationDir: dir }, deps).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect(['CONSUL_UNREACHABLE', 'SNAPSHOT_TRUNCATED']).toContain((error as AppError).code)
    expect(await readdir(dir)).toEqual([])
  })

  it('removes the .part file when cancelled mid-download', async () => {
    const connection = await startAgent('stall')
    const controller = new AbortController()
    const error = await saveSnapshot(
      {
        connection,
        destinationDir: dir,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'downloading' && p.bytes > 0) controller.abort()
        },
      },
      deps,
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CANCELLED' })
    expect(await readdir(dir)).toEqual([])
  })

  it('never overwrites an existing file without overwrite, and replaces it with overwrite', async () => {
    const connection = await startAgent('complete')
    await writeFile(join(dir, 'mine.snap'), 'precious')
    const refused = await saveSnapshot(
      { connection, destinationDir: dir, fileName: 'mine.snap' },
      deps,
    ).catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'FILE_EXISTS' })
    expect(await readFile(join(dir, 'mine.snap'), 'utf8')).toBe('precious')

    const replaced = await saveSnapshot(
      { connection, destinationDir: dir, fileName: 'mine.snap', overwrite: true },
      deps,
    )
    expect((await readFile(replaced.path)).equals(BODY)).toBe(true)
  })

  it('refuses to publish over a file that appeared during the download', async () => {
    const connection = await startAgent('complete')
    const racing: VerifySnapshot = async (path, options) => {
      const result = await verifyExact(path, options)
      await writeFile(join(dir, 'raced.snap'), 'someone else')
      return result
    }
    const error = await saveSnapshot(
      { connection, destinationDir: dir, fileName: 'raced.snap' },
      { ...deps, verify: racing },
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'FILE_EXISTS' })
    expect(await readFile(join(dir, 'raced.snap'), 'utf8')).toBe('someone else')
    expect(await readdir(dir)).toEqual(['raced.snap'])
  })

  it('refuses a missing destination folder before contacting Consul', async () => {
    const connection = await startAgent('complete')
    await expect(saveSnapshot({ connection, destinationDir: join(dir, 'nope') }, deps)).rejects.toMatchObject(
      { code: 'FILE_NOT_FOUND' },
    )
    expect(server?.requests).toEqual([])
  })
})
