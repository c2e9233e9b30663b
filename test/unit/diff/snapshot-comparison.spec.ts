// Comparing two snapshot files built record by record: every kind of change is reported once
// with what differs, raft indexes and hashes are not changes, secrets never leave the service,
// and a cancelled comparison leaves no working copy behind.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SnapshotComparison } from '../../../src/main/services/diff'
import type { ChangeWire, DiffKind } from '../../../src/shared/diff-wire-types'
import {
  aclPolicyRecord,
  aclTokenRecord,
  buildStateBin,
  chunkingStateRecord,
  configEntryRecord,
  kvsRecord,
  registerCheckRecord,
  registerNodeRecord,
  registerServiceRecord,
  sessionRecord,
  writeSnapshotFile,
  type StateRecord,
} from '../../support/state-bin-writer'

let dir: string
let spillDir: string
const opened: SnapshotComparison[] = []

const node = { node: 'web-1', address: '10.0.0.1' }
const OLD_SECRET = '11111111-aaaa-4bbb-8ccc-000000000001'
const NEW_SECRET = '22222222-aaaa-4bbb-8ccc-000000000002'
const BIG = 5 * 1024 * 1024

function base(
  index: number,
  overrides: { secret?: string; rules?: string; port?: number } = {},
): StateRecord[] {
  return [
    registerNodeRecord(node),
    registerServiceRecord(node, { id: 'web', service: 'web', port: overrides.port ?? 80 }),
    registerCheckRecord(node, { checkId: 'web-http', name: 'web http', serviceId: 'web' }),
    sessionRecord({ id: 'aaaaaaaa-0000-4000-8000-000000000001', name: 'lock', node: 'web-1' }),
    aclTokenRecord({ accessorId: 'acc-1', secretId: overrides.secret ?? OLD_SECRET, description: 'ci' }),
    aclPolicyRecord({
      id: 'pol-1',
      name: 'read',
      rules: overrides.rules ?? 'key_prefix "" { policy = "read" }',
    }),
    configEntryRecord('service-defaults', {
      Name: 'web',
      Protocol: 'http',
      CreateIndex: index,
      ModifyIndex: index,
    }),
  ]
}

async function snapshot(name: string, records: StateRecord[], index: number): Promise<string> {
  const file = path.join(dir, name)
  await writeSnapshotFile(file, buildStateBin(index, [...records, chunkingStateRecord()]), index)
  return file
}

async function compare(left: string, right: string, prefix?: string): Promise<SnapshotComparison> {
  const comparison = await SnapshotComparison.open(left, right, { spillDir, prefix })
  opened.push(comparison)
  return comparison
}

async function all(comparison: SnapshotComparison): Promise<ChangeWire[]> {
  const out: ChangeWire[] = []
  for await (const change of comparison.allChanges()) out.push(change)
  return out
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'diff-spec-'))
})
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('SnapshotComparison', () => {
  beforeAll(() => {
    spillDir = mkdtempSync(path.join(dir, 'spill-'))
  })

  it('finds nothing between two snapshots that differ only in raft indexes', async () => {
    const left = await snapshot(
      'same-a.snap',
      [kvsRecord({ key: 'a', value: '1', modifyIndex: 3 }), ...base(3)],
      30,
    )
    const right = await snapshot(
      'same-b.snap',
      [kvsRecord({ key: 'a', value: '1', modifyIndex: 9 }), ...base(9)],
      90,
    )
    const comparison = await compare(left, right)
    expect(comparison.summary().total).toBe(0)
    expect(await all(comparison)).toEqual([])
    expect(comparison.summary()).toMatchObject({
      left: { label: 'same-a.snap', index: '30' },
      right: { index: '90' },
    })
  })

  it('reports the raft indexes that differ when asked to include them', async () => {
    const left = await snapshot(
      'idx-a.snap',
      [kvsRecord({ key: 'a', value: '1', modifyIndex: 3 }), ...base(3)],
      30,
    )
    const right = await snapshot(
      'idx-b.snap',
      [kvsRecord({ key: 'a', value: '1', modifyIndex: 9 }), ...base(9)],
      90,
    )
    const comparison = await SnapshotComparison.open(left, right, { spillDir, includeIndexes: true })
    opened.push(comparison)
    const changes = await all(comparison)
    expect(changes.map((c) => [c.kind, c.kind === 'kv' ? c.key : c.id, c.fields])).toEqual([
      ['kv', 'a', ['indexes']],
      [
        'config-entries',
        'service-defaults/web',
        [
          { path: 'CreateIndex', secret: false, before: 3, after: 9 },
          { path: 'ModifyIndex', secret: false, before: 3, after: 9 },
        ],
      ],
    ])
  })

  it('reports added, removed and changed keys with what changed in each', async () => {
    const left = await snapshot(
      'kv-a.snap',
      [
        kvsRecord({ key: 'app/flags', value: 'x', flags: 1 }),
        kvsRecord({ key: 'app/gone', value: 'bye' }),
        kvsRecord({ key: 'app/lock', value: 'l' }),
        kvsRecord({ key: 'app/same', value: 'same' }),
        kvsRecord({ key: 'app/value', value: '{"a":1}' }),
        kvsRecord({ key: 'other/changed', value: 'a' }),
      ],
      10,
    )
    const right = await snapshot(
      'kv-b.snap',
      [
        kvsRecord({ key: 'app/flags', value: 'x', flags: 2 }),
        kvsRecord({ key: 'app/lock', value: 'l', session: 'aaaaaaaa-0000-4000-8000-000000000001' }),
        kvsRecord({ key: 'app/new', value: 'hi' }),
        kvsRecord({ key: 'app/same', value: 'same', modifyIndex: 7 }),
        kvsRecord({ key: 'app/value', value: '{"a":2}' }),
        kvsRecord({ key: 'other/changed', value: 'b' }),
      ],
      11,
    )
    const comparison = await compare(left, right)
    const changes = await all(comparison)
    expect(changes.map((c) => [c.op, c.kind === 'kv' ? c.key : c.id, c.fields])).toEqual([
      ['changed', 'app/flags', ['flags']],
      ['removed', 'app/gone', []],
      ['changed', 'app/lock', ['session']],
      ['added', 'app/new', []],
      ['changed', 'app/value', ['value']],
      ['changed', 'other/changed', ['value']],
    ])
    expect(changes[2]).toMatchObject({
      before: { session: '', size: 1 },
      after: { session: 'aaaaaaaa-0000-4000-8000-000000000001', size: 1 },
    })
    expect(comparison.summary().counts.kv).toEqual({ added: 1, removed: 1, changed: 4 })

    const values = await comparison.kvValues('app/value')
    expect(Buffer.from(values.before?.valueBase64 ?? '', 'base64').toString()).toBe('{"a":1}')
    expect(Buffer.from(values.after?.valueBase64 ?? '', 'base64').toString()).toBe('{"a":2}')
    expect((await comparison.kvValues('app/new')).before).toBeNull()

    const underApp = await compare(left, right, 'app/')
    expect((await all(underApp)).map((c) => (c.kind === 'kv' ? c.key : c.id))).not.toContain('other/changed')
    expect(underApp.summary()).toMatchObject({ prefix: 'app/', counts: { kv: { changed: 3 } } })
  })

  it('compares values too large to read whole, by slices, down to the last byte', async () => {
    const value = Buffer.alloc(BIG, 0x61)
    const changed = Buffer.from(value)
    changed[BIG - 1] = 0x62
    const left = await snapshot(
      'big-a.snap',
      [kvsRecord({ key: 'big', value }), kvsRecord({ key: 'big2', value })],
      5,
    )
    const right = await snapshot(
      'big-b.snap',
      [kvsRecord({ key: 'big', value: changed }), kvsRecord({ key: 'big2', value, modifyIndex: 4 })],
      6,
    )
    const changes = await all(await compare(left, right))
    expect(changes.map((c) => (c.kind === 'kv' ? [c.key, c.fields] : c.id))).toEqual([['big', ['value']]])
  })

  it('reports record changes by field, and a changed token secret without either secret', async () => {
    const left = await snapshot('rec-a.snap', base(3), 20)
    const right = await snapshot(
      'rec-b.snap',
      [
        ...base(8, { secret: NEW_SECRET, rules: 'key_prefix "" { policy = "write" }', port: 8080 }),
        registerNodeRecord({ node: 'web-2', address: '10.0.0.2' }),
      ],
      21,
    )
    const comparison = await compare(left, right)
    const changes = await all(comparison)
    const byKind = (kind: DiffKind) => changes.filter((c) => c.kind === kind)
    expect(byKind('nodes')).toEqual([{ kind: 'nodes', op: 'added', id: 'web-2', title: 'web-2', fields: [] }])
    expect(byKind('services')).toEqual([
      {
        kind: 'services',
        op: 'changed',
        id: 'web-1/web',
        title: 'web',
        fields: [{ path: 'Port', secret: false, before: 80, after: 8080 }],
      },
    ])
    expect(byKind('acl-policies')).toMatchObject([
      { op: 'changed', id: 'pol-1', fields: [{ path: 'Rules', secret: false }] },
    ])
    expect(byKind('acl-tokens')).toEqual([
      {
        kind: 'acl-tokens',
        op: 'changed',
        id: 'acc-1',
        title: 'ci',
        fields: [{ path: 'SecretID', secret: true }],
      },
    ])
    expect(comparison.summary().total).toBe(4)
    const wire = JSON.stringify(changes)
    expect(wire).not.toContain(OLD_SECRET)
    expect(wire).not.toContain(NEW_SECRET)
  })

  it('stops when cancelled and leaves no working copy behind', async () => {
    const left = await snapshot('c-a.snap', base(1), 1)
    const right = await snapshot('c-b.snap', base(2), 2)
    const cancelDir = mkdtempSync(path.join(dir, 'cancel-'))
    const controller = new AbortController()
    controller.abort()
    await expect(
      SnapshotComparison.open(left, right, { spillDir: cancelDir, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(readdirSync(cancelDir)).toEqual([])
  })

  it('refuses a damaged file with the reader’s typed error and keeps nothing open', async () => {
    const left = await snapshot('ok.snap', base(1), 1)
    const brokenDir = mkdtempSync(path.join(dir, 'broken-'))
    await expect(
      SnapshotComparison.open(left, path.join(dir, 'missing.snap'), { spillDir: brokenDir }),
    ).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
    expect(readdirSync(brokenDir)).toEqual([])
  })
})
