import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SnapshotCatalogue } from '../../../../src/main/services/snapshot/catalogue/snapshot-catalogue'
import { MASK_TEXT } from '../../../../src/main/services/snapshot/catalogue/secret-fields'
import { BINARY_VALUE, SECRETS, filesIn, openFixture, type OpenedFixture } from './catalogue-fixture'

let fixture: OpenedFixture
let catalogue: SnapshotCatalogue

beforeAll(async () => {
  fixture = await openFixture()
  catalogue = fixture.catalogue
})
afterAll(async () => {
  await fixture.cleanup()
})

async function exportText(prefix?: string): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  await catalogue.exportKv({ prefix, out })
  return Buffer.concat(chunks).toString('utf8')
}

describe('summary', () => {
  it('counts live keys, tombstones and every record kind', () => {
    const summary = catalogue.summary()
    expect(summary.lastIndex).toBe('99')
    expect(summary.kvKeys).toBe(8)
    expect(summary.tombstones).toBe(1)
    expect(summary.counts).toMatchObject({
      kv: 8,
      nodes: 2,
      services: 3,
      checks: 2,
      sessions: 1,
      'prepared-queries': 1,
      'acl-tokens': 2,
      'acl-policies': 2,
      'acl-roles': 1,
      'acl-binding-rules': 1,
      'acl-auth-methods': 1,
      'config-entries': 5,
      intentions: 3,
      'system-metadata': 2,
    })
    expect(summary.recordTypes).toMatchObject({
      Register: 7,
      KVS: 8,
      Tombstone: 1,
      ConfigEntry: 5,
      ChunkingState: 1,
    })
  })
})

describe('KV tree', () => {
  it('lists the root as folders with counts and keys with sizes, in byte order', () => {
    const root = catalogue.kvList({ prefix: '' })
    expect(root.total).toBe(5)
    expect(root.children).toEqual([
      {
        type: 'folder',
        prefix: 'app/',
        name: 'app/',
        keyCount: 4,
        hasFolderKey: true,
        totalSize: 27 + 7 + 24,
      },
      { type: 'folder', prefix: 'bin/', name: 'bin/', keyCount: 1, hasFolderKey: false, totalSize: 5 },
      { type: 'key', key: 'empty', name: 'empty', size: 0, flags: '0' },
      { type: 'folder', prefix: 'html/', name: 'html/', keyCount: 1, hasFolderKey: false, totalSize: 1 },
      { type: 'key', key: 'top', name: 'top', size: 5, flags: '0' },
    ])
  })

  it('lists a folder without repeating the folder key itself', () => {
    const app = catalogue.kvList({ prefix: 'app/' })
    expect(app.children.map((c) => (c.type === 'folder' ? c.prefix : c.key))).toEqual([
      'app/config.json',
      'app/db/',
    ])
    expect(app.children[0]).toMatchObject({ name: 'config.json', size: 27, flags: '42' })
  })

  it('pages through children with offset and limit while reporting the total', () => {
    const page = catalogue.kvList({ prefix: '', offset: 2, limit: 2 })
    expect(page.total).toBe(5)
    expect(page.offset).toBe(2)
    expect(page.children.map((c) => c.name)).toEqual(['empty', 'html/'])
  })

  it('gives a flat, paged range of keys for a virtualised list', () => {
    expect(catalogue.kvRange({ start: 0, limit: 3 })).toEqual({
      prefix: '',
      total: 8,
      start: 0,
      entries: [
        { index: 0, key: 'app/', size: 0, flags: '0' },
        { index: 1, key: 'app/config.json', size: 27, flags: '42' },
        { index: 2, key: 'app/db/password', size: 7, flags: '0' },
      ],
    })
    const db = catalogue.kvRange({ prefix: 'app/db/', start: 1, limit: 10 })
    expect(db.total).toBe(2)
    expect(db.entries).toEqual([{ index: 1, key: 'app/db/url', size: 24, flags: '0' }])
  })

  it('rejects nonsense paging with a typed error', () => {
    expect(() => catalogue.kvList({ offset: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(() => catalogue.kvRange({ limit: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
  })
})

describe('KV values', () => {
  it('returns a JSON value with its metadata, 64-bit numbers as strings', async () => {
    const entry = await catalogue.kvGet('app/config.json')
    expect(entry).toEqual({
      key: 'app/config.json',
      flags: '42',
      session: '',
      lockIndex: '0',
      createIndex: '21',
      modifyIndex: '25',
      size: 27,
      value: Buffer.from('{"debug": true, "level": 3}').toString('base64'),
      kind: 'json',
      truncated: false,
    })
  })

  it('shows the lock session and lock index of a locked key', async () => {
    const entry = await catalogue.kvGet('app/db/password')
    expect(entry).toMatchObject({
      session: 'aaaaaaaa-0000-0000-0000-000000000001',
      lockIndex: '1',
      kind: 'text',
    })
  })

  it('marks binary values and keeps flags beyond 2^53 exact', async () => {
    const entry = await catalogue.kvGet('bin/blob')
    expect(entry.kind).toBe('binary')
    expect(Buffer.from(entry.value, 'base64')).toEqual(BINARY_VALUE)
    expect(entry.flags).toBe('18446744073709551615')
  })

  it('cuts a value at maxBytes but reports its whole size', async () => {
    const entry = await catalogue.kvGet('app/db/url', { maxBytes: 8 })
    expect(Buffer.from(entry.value, 'base64').toString()).toBe('postgres')
    expect(entry).toMatchObject({ size: 24, truncated: true })
  })

  it('says which key is missing rather than returning nothing', async () => {
    await expect(catalogue.kvGet('app/deleted')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('app/deleted'),
    })
  })
})

describe('catalog records', () => {
  it('groups services and checks under their nodes', async () => {
    const result = await catalogue.nodes()
    expect(result.total).toBe(2)
    const [web, db] = result.nodes
    expect(web).toMatchObject({
      node: 'web-1',
      id: '11111111-1111-1111-1111-111111111111',
      address: '10.0.0.1',
      datacenter: 'dc1',
      meta: { rack: 'r1' },
    })
    expect(web?.services.map((s) => (s as { Service: string }).Service)).toEqual(['web', 'web-sidecar-proxy'])
    expect(web?.checks.map((c) => (c as { CheckID: string }).CheckID)).toEqual(['serfHealth', 'web-http'])
    expect(db?.services).toHaveLength(1)
    expect(db?.checks).toHaveLength(0)
  })

  it('masks health-check headers unless revealed', async () => {
    const masked = await catalogue.nodes()
    expect(JSON.stringify(masked)).not.toContain(SECRETS.authHeader)
    const check = masked.nodes[0]?.checks[1] as { Definition: { Header: Record<string, unknown> } }
    expect(check.Definition.Header['Authorization']).toEqual({ masked: true, text: MASK_TEXT })
    const revealed = await catalogue.nodes({ reveal: true })
    expect(JSON.stringify(revealed)).toContain(SECRETS.authHeader)
  })

  it('lists sessions and prepared queries, the query token masked', async () => {
    const sessions = await catalogue.sessions()
    expect(sessions).toEqual([
      expect.objectContaining({ Name: 'leader-lock', Node: 'web-1', TTL: '15s', LockDelay: 15_000_000_000 }),
    ])
    const queries = await catalogue.preparedQueries()
    expect(queries[0]).toMatchObject({ Name: 'nearest-web', Token: { masked: true, text: MASK_TEXT } })
    expect(JSON.stringify(queries)).not.toContain(SECRETS.queryToken)
    expect((await catalogue.preparedQueries({ reveal: true }))[0]).toMatchObject({
      Token: SECRETS.queryToken,
    })
  })
})

describe('ACL contents', () => {
  it('lists tokens with accessor IDs and masked SecretIDs, binary times as ISO text', async () => {
    const acl = await catalogue.acl()
    expect(acl.tokens).toHaveLength(2)
    expect(acl.tokens[1]).toMatchObject({
      AccessorID: 'bbbbbbbb-0000-0000-0000-000000000001',
      Description: 'deploy pipeline',
      SecretID: { masked: true, text: MASK_TEXT },
      CreateTime: '2026-01-02T03:04:05.678Z',
      Policies: [{ ID: 'cccccccc-0000-0000-0000-000000000001', Name: 'kv-writer' }],
    })
    expect(acl.policies.map((p) => (p as { Name: string }).Name)).toEqual(['global-management', 'kv-writer'])
    expect(acl.roles).toHaveLength(1)
    expect(acl.bindingRules).toHaveLength(1)
    expect(acl.authMethods[0]).toMatchObject({
      Name: 'k8s',
      Config: { Host: { masked: true }, ServiceAccountJWT: { masked: true } },
    })
  })

  it('never lets a secret through unless the request reveals', async () => {
    const text = JSON.stringify(await catalogue.acl())
    for (const secret of [SECRETS.tokenSecret, SECRETS.jwt]) expect(text).not.toContain(secret)
    const revealed = JSON.stringify(await catalogue.acl({ reveal: true }))
    for (const secret of [SECRETS.tokenSecret, SECRETS.jwt]) expect(revealed).toContain(secret)
  })

  it('reveals one secret field of one record on request', async () => {
    const page = await catalogue.records('acl-tokens', { limit: 10 })
    expect(page.items[1]?.maskedPaths).toEqual([['SecretID']])
    await expect(
      catalogue.revealSecret('acl-tokens', 'bbbbbbbb-0000-0000-0000-000000000001', ['SecretID']),
    ).resolves.toBe(SECRETS.tokenSecret)
  })
})

describe('config entries and intentions', () => {
  it('unwraps config entries into kind, name and entry, big hashes as decimal strings', async () => {
    const entries = await catalogue.configEntries()
    expect(entries.map((e) => `${e.kind}/${e.name}`)).toEqual([
      'proxy-defaults/global',
      'service-defaults/web',
      'service-intentions/postgres',
      'inline-certificate/gw-cert',
      'service-resolver/big-hash',
    ])
    expect(entries[1]?.entry).toMatchObject({ Kind: 'service-defaults', Name: 'web', Protocol: 'http' })
    expect(entries[4]?.entry).toMatchObject({ Hash: '18208480688038965425' })
  })

  it('reads entries that marshal themselves (proxy-defaults) like any other', async () => {
    const [proxyDefaults] = await catalogue.configEntries()
    expect(proxyDefaults?.entry).toEqual({
      Kind: 'proxy-defaults',
      Name: 'global',
      Config: { protocol: 'http' },
    })
  })

  it('masks an inline certificate private key', async () => {
    const entries = await catalogue.configEntries()
    expect(entries[3]?.entry).toMatchObject({ PrivateKey: { masked: true, text: MASK_TEXT } })
    expect(JSON.stringify(entries)).not.toContain('PRIVATE KEY')
    expect(JSON.stringify(await catalogue.configEntries({ reveal: true }))).toContain('PRIVATE KEY')
  })

  it('lists intentions from service-intentions entries and legacy records', async () => {
    const intentions = await catalogue.intentions()
    expect(
      intentions.map(({ source, destination, action, precedence, origin }) => ({
        source,
        destination,
        action,
        precedence,
        origin,
      })),
    ).toEqual([
      { source: 'legacy-src', destination: 'legacy-dst', action: 'deny', precedence: 9, origin: 'legacy' },
      { source: 'web', destination: 'postgres', action: 'allow', precedence: 9, origin: 'config-entry' },
      { source: '*', destination: 'postgres', action: 'deny', precedence: 8, origin: 'config-entry' },
    ])
  })

  it('masks the server management token in system metadata', async () => {
    const metadata = await catalogue.systemMetadata()
    expect(metadata).toEqual([
      expect.objectContaining({ Key: 'intention-format', Value: 'config-entry' }),
      expect.objectContaining({ Key: 'server-management-token', Value: { masked: true, text: MASK_TEXT } }),
    ])
    expect(JSON.stringify(await catalogue.systemMetadata({ reveal: true }))).toContain(
      SECRETS.managementToken,
    )
  })
})

describe('search', () => {
  it('finds keys and record names case-insensitively', () => {
    const result = catalogue.search('WEB')
    expect(result.hits).toEqual(
      expect.arrayContaining([
        { kind: 'nodes', id: 'web-1', name: 'web-1', context: '10.0.0.1' },
        { kind: 'services', id: 'web-1/web', name: 'web', context: 'web on web-1' },
        { kind: 'config-entries', id: 'service-defaults/web', name: 'web', context: 'service-defaults' },
        {
          kind: 'prepared-queries',
          id: 'ffffffff-0000-0000-0000-000000000001',
          name: 'nearest-web',
          context: 'web',
        },
      ]),
    )
    expect(
      catalogue
        .search('DB/')
        .hits.filter((h) => h.kind === 'kv')
        .map((h) => h.id),
    ).toEqual(['app/db/password', 'app/db/url'])
  })

  it('finds tokens by description and policies by name, never by secret', () => {
    expect(catalogue.search('pipeline').hits).toEqual([
      {
        kind: 'acl-tokens',
        id: 'bbbbbbbb-0000-0000-0000-000000000001',
        name: 'deploy pipeline',
        context: 'bbbbbbbb-0000-0000-0000-000000000001',
      },
    ])
    expect(catalogue.search('kv-writer').hits.map((h) => h.kind)).toEqual(['acl-policies'])
    expect(catalogue.search(SECRETS.tokenSecret).hits).toEqual([])
    expect(catalogue.search('hunter2').hits).toEqual([])
  })

  it('stops at the limit and says so', () => {
    const result = catalogue.search('a', { limit: 3 })
    expect(result.hits).toHaveLength(3)
    expect(result.truncated).toBe(true)
  })
})

describe('KV export', () => {
  it('writes consul kv export JSON: tab indent, key/flags/value, Go escaping, sorted, no tombstones', async () => {
    const text = await exportText()
    const expectedEntries = [
      ['app/', '0', ''],
      ['app/config.json', '42', Buffer.from('{"debug": true, "level": 3}').toString('base64')],
      ['app/db/password', '0', Buffer.from('hunter2').toString('base64')],
      ['app/db/url', '0', Buffer.from('postgres://db-1:5432/app').toString('base64')],
      ['bin/blob', '18446744073709551615', BINARY_VALUE.toString('base64')],
      ['empty', '0', ''],
      ['html/\\u003ctag\\u003e\\u0026amp', '0', 'eA=='],
      ['top', '0', Buffer.from('level').toString('base64')],
    ]
    const body = expectedEntries
      .map(([k, f, v]) => `\t{\n\t\t"key": "${k}",\n\t\t"flags": ${f},\n\t\t"value": "${v}"\n\t}`)
      .join(',\n')
    expect(text).toBe(`[\n${body}\n]\n`)
    expect(text).not.toContain('app/deleted')
  })

  it('exports only the keys under a prefix, dropping a leading slash like the CLI', async () => {
    expect(await exportText('/app/db/')).toBe(
      `[\n\t{\n\t\t"key": "app/db/password",\n\t\t"flags": 0,\n\t\t"value": "aHVudGVyMg=="\n\t},\n\t{\n\t\t"key": "app/db/url",\n\t\t"flags": 0,\n\t\t"value": "${Buffer.from('postgres://db-1:5432/app').toString('base64')}"\n\t}\n]\n`,
    )
  })

  it('writes an empty array when nothing matches', async () => {
    expect(await exportText('nothing/')).toBe('[]\n')
  })
})

describe('lifecycle', () => {
  it('removes its spill file on close and refuses further requests', async () => {
    const opened = await openFixture()
    expect(filesIn(opened.spillDir).some((f) => f.endsWith('state.bin'))).toBe(true)
    await opened.catalogue.close()
    expect(filesIn(opened.spillDir)).toEqual([])
    expect(() => opened.catalogue.kvList()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    await opened.cleanup()
  })
})
