import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalogueFromStateStream } from '../../../../src/main/services/snapshot/catalogue/catalogue-sink'
import type { SnapshotCatalogue } from '../../../../src/main/services/snapshot/catalogue/snapshot-catalogue'
import {
  buildStateBin,
  encodeGo,
  kvsRecord,
  MessageType,
  registerNodeRecord,
  registerServiceRecord,
  type StateRecord,
} from '../../../support/state-bin-writer'
import { chunked, filesIn } from './catalogue-fixture'

let spillDir: string
beforeAll(() => {
  spillDir = mkdtempSync(path.join(tmpdir(), 'catalogue-edges-'))
})
afterAll(() => rmSync(spillDir, { recursive: true, force: true }))

function open(records: StateRecord[]): Promise<SnapshotCatalogue> {
  return catalogueFromStateStream(chunked(buildStateBin(1, records), 17), { spillDir })
}

describe('KV tree edge cases', () => {
  let catalogue: SnapshotCatalogue
  beforeAll(async () => {
    catalogue = await open(
      ['a', 'a/', 'a//double', 'a/b', 'ab', 'x::y::z', 'x::w', 'ünï/cødé'].map((key) =>
        kvsRecord({ key, value: key }),
      ),
    )
  })
  afterAll(() => catalogue.close())

  it('treats a prefix without a trailing delimiter as a plain prefix', () => {
    const listing = catalogue.kvList({ prefix: 'a' })
    expect(
      listing.children.map((c) => (c.type === 'folder' ? `folder ${c.prefix}` : `key ${c.key}`)),
    ).toEqual(['key a', 'folder a/', 'key ab'])
  })

  it('shows an empty path segment as its own folder', () => {
    const listing = catalogue.kvList({ prefix: 'a/' })
    expect(listing.children).toEqual([
      { type: 'folder', prefix: 'a//', name: '/', keyCount: 1, hasFolderKey: false, totalSize: 9 },
      { type: 'key', key: 'a/b', name: 'b', size: 3, flags: '0' },
    ])
  })

  it('accepts a multi-character delimiter', () => {
    const listing = catalogue.kvList({ prefix: 'x::', delimiter: '::' })
    expect(listing.children.map((c) => c.name)).toEqual(['w', 'y::'])
  })

  it('lists and fetches non-ASCII keys in byte order', async () => {
    const root = catalogue.kvList({ prefix: '' })
    expect(root.children.at(-1)).toMatchObject({ type: 'folder', prefix: 'ünï/' })
    expect(Buffer.from((await catalogue.kvGet('ünï/cødé')).value, 'base64').toString()).toBe('ünï/cødé')
  })

  it('refuses an empty delimiter', () => {
    expect(() => catalogue.kvList({ delimiter: '' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
  })
})

describe('peered nodes', () => {
  it('keeps a node imported from a peer apart from a local node of the same name', async () => {
    const local = { node: 'web-1' }
    const imported = { node: 'web-1', peerName: 'east' }
    const catalogue = await open([
      registerNodeRecord(local),
      registerServiceRecord(local, { id: 'web', service: 'web' }),
      registerNodeRecord(imported),
      registerServiceRecord(imported, { id: 'web', service: 'web' }),
      registerServiceRecord(imported, { id: 'api', service: 'api' }),
    ])
    try {
      const { nodes } = await catalogue.nodes()
      expect(nodes.map((n) => [n.node, n.peerName, n.services.length])).toEqual([
        ['web-1', '', 1],
        ['web-1', 'east', 2],
      ])
      expect((await catalogue.records('nodes')).items.map((i) => i.id)).toEqual([
        'web-1',
        'web-1 (peer east)',
      ])
    } finally {
      await catalogue.close()
    }
  })
})

describe('damaged records', () => {
  it('accepts a KVS record that is not a key/value map, as inspect does, and lists no key for it', async () => {
    const catalogue = await open([
      { type: MessageType.KVS, value: ['not', 'a', 'map'] },
      kvsRecord({ key: 'real', value: 'yes' }),
    ])
    try {
      expect(catalogue.summary()).toMatchObject({ kvKeys: 1, recordTypes: { KVS: 2 } })
      expect(catalogue.kvRange().entries.map((e) => e.key)).toEqual(['real'])
    } finally {
      await catalogue.close()
    }
  })

  it('refuses a record cut short and leaves no working file', async () => {
    const before = filesIn(spillDir).length
    const whole = buildStateBin(1, [kvsRecord({ key: 'a', value: 'x' })])
    await expect(
      catalogueFromStateStream(chunked(whole.subarray(0, whole.length - 2), 5), { spillDir }),
    ).rejects.toMatchObject({
      code: 'SNAPSHOT_STATE_INVALID',
    })
    expect(filesIn(spillDir).length).toBe(before)
  })

  it('keeps browsing when a config entry is not in the documented wrapper', async () => {
    const catalogue = await open([
      { type: MessageType.ConfigEntry, value: Buffer.from([0xc1, 0xc1]) },
      kvsRecord({ key: 'still/here', value: 'yes' }),
    ])
    try {
      expect(await catalogue.configEntries()).toEqual([])
      expect(catalogue.summary()).toMatchObject({
        kvKeys: 1,
        counts: expect.objectContaining({ 'config-entries': 0 }),
      })
      const other = await catalogue.records('other')
      expect(other.items.map((i) => i.title)).toEqual(['ConfigEntry'])
    } finally {
      await catalogue.close()
    }
  })

  it('shows record types it has no view for under "other", by their Consul names', async () => {
    const catalogue = await open([
      { type: 9, value: { CleanupDeadServers: true, MaxTrailingLogs: 250 } },
      { type: 99, value: encodeGo('x') },
    ])
    try {
      const other = await catalogue.records('other')
      expect(other.items.map((i) => [i.title, i.record])).toEqual([
        ['Autopilot', { CleanupDeadServers: true, MaxTrailingLogs: 250 }],
        ['Unknown(99)', { binary: encodeGo('x').toString('base64') }],
      ])
    } finally {
      await catalogue.close()
    }
  })
})
