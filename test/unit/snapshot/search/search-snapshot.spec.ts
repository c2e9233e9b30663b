// Searching inside values, on snapshots shaped as Consul writes them: a value planted among 260k
// keys is found with its key; regex, case and hex modes; service metadata and config entries;
// secret fields never searched; cancel stops the read.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../../src/main/cli/run-cli'
import { searchSnapshotValues } from '../../../../src/main/services/snapshot/search/search-snapshot'
import {
  buildStateBin,
  chunkingStateRecord,
  configEntryRecord,
  kvsRecord,
  registerNodeRecord,
  registerServiceRecord,
  encodeGo,
  writeSnapshotFile,
} from '../../../support/state-bin-writer'
import { encodeRecord } from '../../../support/consul-snapshot-craft'

const KEYS = 260_000
const PLANTED = 137_911
const keyOf = (i: number) =>
  `apps/svc-${String(i % 500).padStart(3, '0')}/config/item-${String(i).padStart(6, '0')}`

// Each search reads the whole 260k-key file; on a loaded 2-core machine that can take seconds.
describe('searchSnapshotValues', { timeout: 60_000 }, () => {
  let dir: string
  let big: string
  let small: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ss-search-'))
    // 260k records from one encoded template (keys and values of fixed length), so the fixture
    // takes a moment rather than the full encoder's many seconds.
    const valueOf = (i: number) => `{"replicas":${i % 7},"host":"node-${String(i).padStart(6, '0')}"}`
    const template = encodeRecord(2, kvsRecord({ key: keyOf(0), value: valueOf(0) }).value)
    const keyAt = template.indexOf(keyOf(0))
    const valueAt = template.indexOf(valueOf(0))
    const parts: Buffer[] = [encodeGo({ LastIndex: KEYS })]
    for (let i = 0; i < KEYS; i++) {
      if (i === PLANTED) {
        const planted = kvsRecord({ key: keyOf(i), value: '{"db":"primary.db.internal.example.com:5432"}' })
        parts.push(encodeRecord(2, planted.value))
        continue
      }
      const record = Buffer.from(template)
      record.write(keyOf(i), keyAt, 'latin1')
      record.write(valueOf(i), valueAt, 'latin1')
      parts.push(record)
    }
    const end = chunkingStateRecord()
    parts.push(encodeRecord(end.type, end.value))
    big = join(dir, 'big.snap')
    await writeSnapshotFile(big, Buffer.concat(parts))

    const node = { node: 'web-1', address: '10.0.0.5' }
    small = join(dir, 'small.snap')
    await writeSnapshotFile(
      small,
      buildStateBin(9, [
        registerNodeRecord(node),
        registerServiceRecord(node, {
          id: 'web-1a',
          service: 'web',
          meta: { version: 'v2.14.3', owner: 'Team-Blue' },
        }),
        kvsRecord({ key: 'bin/blob', value: Buffer.from([0x00, 0xff, 0xde, 0xad, 0xbe, 0xef, 0x10]) }),
        kvsRecord({ key: 'text/motd', value: 'Welcome to Team-Blue servers' }),
        configEntryRecord('service-defaults', {
          Name: 'web',
          Protocol: 'http',
          ExternalSNI: 'web.blue.example.com',
        }),
        configEntryRecord('inline-certificate', {
          Name: 'gw',
          Certificate: 'CERT-blue',
          PrivateKey: '-----BEGIN PRIVATE KEY----- blue-secret',
        }),
        chunkingStateRecord(),
      ]),
    )
  }, 60_000)

  it('finds a value planted in one of 260k keys, with its key and an excerpt around the match', async () => {
    const result = await searchSnapshotValues(big, 'DB.INTERNAL.example')
    expect(result.valuesSearched).toBe(KEYS)
    expect(result.hits).toEqual([
      {
        kind: 'kv',
        name: keyOf(PLANTED),
        field: '',
        excerpt: '{"db":"primary.db.internal.example.com:5432"}',
        binary: false,
      },
    ])
  })

  it('searches by regular expression, and honours -prefix', async () => {
    const all = await searchSnapshotValues(big, '"host":"node-01234[0-9]"', { regex: true })
    expect(all.hits.map((h) => h.name)).toEqual(Array.from({ length: 10 }, (_, i) => keyOf(12340 + i)))
    const under = await searchSnapshotValues(big, '"host":"node-01234[0-9]"', {
      regex: true,
      prefix: 'apps/svc-341/',
    })
    expect(under.hits.map((h) => h.name)).toEqual([keyOf(12341)])
  })

  it('ignores case unless asked, and counts beyond the listing limit', async () => {
    expect((await searchSnapshotValues(small, 'team-blue')).total).toBe(2)
    expect((await searchSnapshotValues(small, 'team-blue', { caseSensitive: true })).total).toBe(0)
    const limited = await searchSnapshotValues(big, 'replicas', { limit: 3 })
    expect(limited.hits).toHaveLength(3)
    expect(limited.total).toBe(KEYS - 1)
    expect(limited.truncated).toBe(true)
  })

  it('searches service metadata and config entries, never a secret field', async () => {
    const meta = await searchSnapshotValues(small, 'v2.14')
    expect(meta.hits).toEqual([
      {
        kind: 'service-meta',
        name: 'web-1/web-1a',
        field: 'Meta.version',
        excerpt: 'v2.14.3',
        binary: false,
      },
    ])
    const entries = await searchSnapshotValues(small, 'blue', { caseSensitive: true })
    expect(entries.hits.map((h) => `${h.kind} ${h.name} ${h.field}`)).toEqual([
      'config-entry service-defaults/web ExternalSNI',
      'config-entry inline-certificate/gw Certificate',
    ])
  })

  it('searches binary values by hex', async () => {
    const result = await searchSnapshotValues(small, 'DEAD BEEF')
    expect(result.hits).toEqual([
      { kind: 'kv', name: 'bin/blob', field: '', excerpt: '00ffdeadbeef10', binary: true },
    ])
  })

  it('stops when cancelled, with CANCELLED', async () => {
    const controller = new AbortController()
    await expect(
      searchSnapshotValues(big, 'never-there', {
        signal: controller.signal,
        onProgress: () => controller.abort(),
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
  })

  it('refuses a broken regular expression with a clear error', async () => {
    await expect(searchSnapshotValues(small, 'a(b', { regex: true })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
  })

  it('CLI: prints kind, key and excerpt; exit 0 on a match, 1 on none, 2 on an error', async () => {
    const out: string[] = []
    const err: string[] = []
    const io = {
      stdout: { write: (c: string | Uint8Array) => out.push(String(c)) },
      stderr: { write: (c: string) => err.push(c) },
      env: {},
      cwd: dir,
    }
    expect(await runCli(['search', '-prefix', 'text/', 'small.snap', 'WELCOME'], io)).toBe(0)
    expect(out.join('')).toBe('kv\ttext/motd\tWelcome to Team-Blue servers\n')
    expect(await runCli(['search', 'small.snap', 'absent-value'], io)).toBe(1)
    expect(await runCli(['search', '-regex', 'small.snap', '(('], io)).toBe(2)
    expect(err.join('')).toMatch(/not a valid regular expression/)
  })
})
