import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConsulConnection } from '../../../src/main/services/consul/consul-connection'
import { saveSnapshot } from '../../../src/main/services/consul/save-snapshot'
import type { VerifySnapshot } from '../../../src/main/services/consul/snapshot-engine'
import { readSnapshotOrigin, writeSidecar } from '../../../src/main/services/consul/snapshot-sidecar'
import { json, startLocalServer, type LocalServer } from './local-http-server'
import {
  buildSnapshotArchive,
  buildStateBin,
  chunkingStateRecord,
  registerNodeRecord,
  registerServiceRecord,
  type NodeInput,
  type StateRecord,
} from '../../support/state-bin-writer'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snapshot-origin-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const INDEX = 100

function servers(...nodes: NodeInput[]): StateRecord[] {
  return nodes.flatMap((node) => [
    registerNodeRecord(node),
    registerServiceRecord(node, { id: 'consul', service: 'consul', port: 8300 }),
  ])
}

/** A snapshot file, and its size and index as the preflight knows them. */
async function snapshot(name: string, records: StateRecord[]): Promise<{ path: string; size: number }> {
  const archive = await buildSnapshotArchive(buildStateBin(INDEX, [...records, chunkingStateRecord()]), INDEX)
  const path = join(dir, name)
  await writeFile(path, archive)
  return { path, size: archive.length }
}

async function sidecar(path: string, size: number, consulVersion: string, datacenter = 'dc1'): Promise<void> {
  await writeSidecar(path, {
    size,
    sha256: '0'.repeat(64),
    index: INDEX,
    term: 2,
    consulVersion,
    datacenter,
    profile: 'prod',
    savedAt: '2026-01-01T00:00:00.000Z',
  })
}

describe('readSnapshotOrigin', () => {
  it('reads the version from the servers inside the file when there is no sidecar and the name says nothing', async () => {
    const { path, size } = await snapshot(
      '3f9a2c.snap',
      servers({ node: 's1', datacenter: 'eu-west', meta: { 'consul-version': '1.14.8' } }),
    )

    expect(await readSnapshotOrigin(path, { size, index: INDEX })).toEqual({
      consulVersion: '1.14.8',
      datacenter: 'eu-west',
      source: 'snapshot',
    })
  })

  it('prefers the servers inside the file to the sidecar and the name', async () => {
    const { path, size } = await snapshot(
      'prod-dc1-v1.13.0.snap',
      servers({ node: 's1', meta: { 'consul-version': '1.15.2' } }),
    )
    await sidecar(path, size, '1.14.8')

    expect(await readSnapshotOrigin(path, { size, index: INDEX })).toMatchObject({
      consulVersion: '1.15.2',
      source: 'snapshot',
    })
  })

  it('takes the newest server version during a rolling upgrade', async () => {
    const { path, size } = await snapshot(
      'mixed.snap',
      servers(
        { node: 's1', meta: { 'consul-version': '1.14.8' } },
        { node: 's2', id: '00000000-0000-0000-0000-000000000002', meta: { 'consul-version': '1.15.2' } },
        { node: 's3', id: '00000000-0000-0000-0000-000000000003', meta: { 'consul-version': '1.14.10' } },
      ),
    )

    expect((await readSnapshotOrigin(path, { size, index: INDEX })).consulVersion).toBe('1.15.2')
  })

  it('falls back to the sidecar, then to the name, when the servers carry no version', async () => {
    const withSidecar = await snapshot('a-v1.13.0.snap', servers({ node: 's1' }))
    await sidecar(withSidecar.path, withSidecar.size, '1.14.8', 'dc9')
    const nameOnly = await snapshot('b-v1.13.0.snap', servers({ node: 's1' }))

    expect(await readSnapshotOrigin(withSidecar.path, { size: withSidecar.size, index: INDEX })).toEqual({
      consulVersion: '1.14.8',
      datacenter: 'dc1',
      source: 'sidecar',
    })
    expect(await readSnapshotOrigin(nameOnly.path, { size: nameOnly.size, index: INDEX })).toMatchObject({
      consulVersion: '1.13.0',
      source: 'file-name',
    })
  })

  it('says unknown for a file that is not a readable snapshot and has no other clue', async () => {
    const path = join(dir, 'noise.snap')
    await writeFile(path, 'not a snapshot')

    expect(await readSnapshotOrigin(path, { size: 14, index: INDEX })).toEqual({
      consulVersion: null,
      datacenter: null,
      source: 'unknown',
    })
  })
})

const BODY = Buffer.from('a snapshot body the stand-in verifier accepts')
const verify: VerifySnapshot = async () => ({
  meta: { id: '2-42-1', index: 42, term: 2, version: 1, size: 100 },
  stats: [],
  totalSize: 100,
  enterpriseTypes: [],
})
const deps = { verify, clock: () => new Date('2026-11-26T01:02:03Z') }
const record = {
  size: 1,
  sha256: 'a'.repeat(64),
  index: 42,
  term: 2,
  consulVersion: '1.14.8',
  datacenter: 'dc1',
  profile: 'prod',
  savedAt: '2026-11-26T01:02:03.000Z',
}
const theirs = '{"someone":"else\'s file"}\n'

describe('the sidecar written beside a saved snapshot', () => {
  let server: LocalServer | undefined
  let snapshotRequests: number

  async function agent(): Promise<ConsulConnection> {
    snapshotRequests = 0
    server = await startLocalServer((req, res) => {
      if (req.url?.startsWith('/v1/agent/self'))
        return json(res, 200, { Config: { Version: '1.14.8', Datacenter: 'dc1', NodeName: 'n1' }, Stats: {} })
      snapshotRequests += 1
      res.writeHead(200, { 'x-consul-index': '42', 'content-type': 'application/x-gzip' })
      res.end(BODY)
    })
    return {
      name: 'prod',
      settings: { address: server.address, useTls: false, tls: { insecureSkipVerify: false } },
    }
  }

  afterEach(async () => {
    await server?.close()
  })

  it('is private to its owner (it names the profile and the cluster)', async () => {
    const path = await writeSidecar(join(dir, 'a.snap'), record)

    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ file: 'a.snap', index: 42 })
  })

  it('never replaces an existing file of its name, unless overwriting was asked for', async () => {
    await writeFile(join(dir, 'a.snap.json'), theirs)

    const refused = await writeSidecar(join(dir, 'a.snap'), record).catch((error: unknown) => error)

    expect(refused).toMatchObject({ code: 'FILE_EXISTS' })
    expect(await readFile(join(dir, 'a.snap.json'), 'utf8')).toBe(theirs)
    expect(await readdir(dir)).toEqual(['a.snap.json'])
    await writeSidecar(join(dir, 'a.snap'), record, { overwrite: true })
    expect(await readFile(join(dir, 'a.snap.json'), 'utf8')).not.toBe(theirs)
  })

  it('stops a named save before the download when its name is taken', async () => {
    const connection = await agent()
    await writeFile(join(dir, 'backup.snap.json'), theirs)

    const refused = await saveSnapshot(
      { connection, destinationDir: dir, fileName: 'backup.snap' },
      deps,
    ).catch((error: unknown) => error)

    expect(refused).toMatchObject({ code: 'FILE_EXISTS', details: { path: join(dir, 'backup.snap.json') } })
    expect(snapshotRequests).toBe(0)
    expect(await readdir(dir)).toEqual(['backup.snap.json'])
    expect(await readFile(join(dir, 'backup.snap.json'), 'utf8')).toBe(theirs)
  })

  it('stops a save named from the template, keeping neither file, when only the sidecar name is taken', async () => {
    const connection = await agent()
    const name = 'prod-dc1-1.14.8-42-20261126T010203Z.snap'
    await writeFile(join(dir, `${name}.json`), theirs)

    const refused = await saveSnapshot({ connection, destinationDir: dir }, deps).catch(
      (error: unknown) => error,
    )

    expect(refused).toMatchObject({ code: 'FILE_EXISTS' })
    expect(await readdir(dir)).toEqual([`${name}.json`])
    expect(await readFile(join(dir, `${name}.json`), 'utf8')).toBe(theirs)
  })
})
