import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readRegisteredServers } from '../../../src/main/services/snapshot'
import {
  buildSnapshotArchive,
  buildStateBin,
  chunkingStateRecord,
  kvsRecord,
  registerNodeRecord,
  registerServiceRecord,
  type NodeInput,
  type StateRecord,
} from '../../support/state-bin-writer'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'registered-servers-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A server as the leader registers it: the node, then the `consul` service on it. */
function server(node: NodeInput, serviceMeta: Record<string, string> = {}): StateRecord[] {
  return [
    registerNodeRecord(node),
    registerServiceRecord(node, { id: 'consul', service: 'consul', port: 8300, meta: serviceMeta }),
  ]
}

async function snapshotFile(records: StateRecord[], name = 'plain.snap'): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, await buildSnapshotArchive(buildStateBin(100, [...records, chunkingStateRecord()])))
  return path
}

describe('readRegisteredServers', () => {
  it('names every server with the Consul version in its node metadata', async () => {
    const path = await snapshotFile([
      ...server({ node: 'server-1', datacenter: 'eu-west', meta: { 'consul-version': '1.15.2' } }),
      ...server({ node: 'server-2', datacenter: 'eu-west', meta: { 'consul-version': '1.15.3' } }),
      kvsRecord({ key: 'app/config', value: 'x' }),
    ])

    expect(await readRegisteredServers(path)).toEqual([
      { node: 'server-1', datacenter: 'eu-west', consulVersion: '1.15.2' },
      { node: 'server-2', datacenter: 'eu-west', consulVersion: '1.15.3' },
    ])
  })

  it('reads the consul service\u2019s version meta, where Consul 1.14 keeps it', async () => {
    const path = await snapshotFile(server({ node: 'old-server' }, { version: '1.9.17', raft_version: '3' }))

    expect(await readRegisteredServers(path)).toEqual([
      { node: 'old-server', datacenter: 'dc1', consulVersion: '1.9.17' },
    ])
  })

  it('ignores client agents and servers imported from a peered cluster', async () => {
    const client: NodeInput = { node: 'client-1', meta: { 'consul-version': '1.99.0' } }
    const peered: NodeInput = { node: 'far-server', peerName: 'other', meta: { 'consul-version': '1.98.0' } }
    const path = await snapshotFile([
      ...server({ node: 'server-1', meta: { 'consul-version': '1.15.2' } }),
      registerNodeRecord(client),
      registerServiceRecord(client, { id: 'web', service: 'web', meta: { owner: 'consul' } }),
      ...server(peered),
    ])

    expect((await readRegisteredServers(path)).map((s) => s.node)).toEqual(['server-1'])
  })

  it('finds no server in a snapshot without registrations', async () => {
    const path = await snapshotFile([kvsRecord({ key: 'a', value: 'b' })])

    expect(await readRegisteredServers(path)).toEqual([])
  })

  it('reads only up to the end of the registrations: a file cut off in its KV data still names its servers', async () => {
    const kv = Array.from({ length: 64 }, (_, i) =>
      kvsRecord({ key: `blob/${i}`, value: randomBytes(16 * 1024) }),
    )
    const archive = await buildSnapshotArchive(
      buildStateBin(100, [...server({ node: 'server-1', meta: { 'consul-version': '1.14.8' } }), ...kv]),
    )
    const path = join(dir, 'cut.snap')
    await writeFile(path, archive.subarray(0, Math.floor(archive.length / 2)))

    expect(await readRegisteredServers(path)).toEqual([
      { node: 'server-1', datacenter: 'dc1', consulVersion: '1.14.8' },
    ])
  })

  it('stops with CANCELLED when the caller cancels', async () => {
    const path = await snapshotFile(server({ node: 'server-1', meta: { 'consul-version': '1.14.8' } }))
    const cancelled = new AbortController()
    cancelled.abort()

    await expect(readRegisteredServers(path, { signal: cancelled.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    })
  })
})
