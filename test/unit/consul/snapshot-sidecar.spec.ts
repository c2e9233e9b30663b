import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readSnapshotOrigin, writeSidecar } from '../../../src/main/services/consul/snapshot-sidecar'
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
