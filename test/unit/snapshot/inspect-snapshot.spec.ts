import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { AppError, type AppErrorCode } from '../../../src/shared/app-error'
import {
  formatInspectJson,
  inspectSnapshot,
  verifySnapshot,
  type ScannedRecord,
} from '../../../src/main/services/snapshot'
import {
  buildSnapshot,
  metaJson,
  sha256Hex,
  snapshotTar,
  tarArchive,
  WORKED_EXAMPLE_STATE_BIN,
} from '../../support/snapshot-builder'
import { header, mp, stateBin } from '../../support/msgpack-forms'
import { rmSync } from 'node:fs'
import { execFileSync } from 'node:child_process'

const dir = mkdtempSync(join(tmpdir(), 'inspect-snapshot-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let fileCount = 0
function file(bytes: Uint8Array, name = `f${fileCount++}.snap`): string {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected a failure')
}

async function expectCode(bytes: Uint8Array, code: AppErrorCode): Promise<AppError> {
  const error = await failure(inspectSnapshot(file(bytes)))
  expect(error.code).toBe(code)
  return error
}

const kv = (key: string, value: string) =>
  mp.fixmap(
    [mp.fixstr('CreateIndex'), mp.fixint(5)],
    [mp.fixstr('Flags'), mp.fixint(0)],
    [mp.fixstr('Key'), key.length < 32 ? mp.fixstr(key) : mp.str16(key)],
    [mp.fixstr('LockIndex'), mp.fixint(0)],
    [mp.fixstr('ModifyIndex'), mp.fixint(6)],
    [mp.fixstr('Session'), mp.fixstr('')],
    [mp.fixstr('Value'), value.length < 32 ? mp.fixstr(value) : mp.str16(value)],
  )
const chunking = mp.fixmap([mp.fixstr('ChunkMap'), mp.fixmap()])

describe('inspectSnapshot', () => {
  describe('on a valid archive', () => {
    it('totals 0, as Consul does, for a state.bin that holds only its header (not its 14 bytes)', async () => {
      const inspection = await inspectSnapshot(file(buildSnapshot({ stateBin: stateBin(header(13), []) })))
      expect(inspection.stats).toEqual([])
      expect(inspection.totalSize).toBe(0)
    })

    it('counts the worked example of docs/snapshot-format.md §12 as Consul does: KVS 85, Index 17, ChunkingState 12', async () => {
      const bytes = buildSnapshot()
      const inspection = await inspectSnapshot(file(bytes))

      expect(inspection.stats).toEqual([
        { name: 'KVS', count: 1, sum: 85 },
        { name: 'Index', count: 1, sum: 17 },
        { name: 'ChunkingState', count: 1, sum: 12 },
      ])
      expect(inspection.totalSize).toBe(114)
      expect(inspection.kvStats).toBeNull()
      expect(inspection.lastIndex).toBe(13n)
      expect(inspection.archiveBytes).toBe(bytes.length)
      expect(inspection.enterpriseTypes).toEqual([])
      expect(inspection.meta).toMatchObject({
        id: '2-13-1602222343947',
        size: 114n,
        index: 13n,
        term: 2n,
        version: 1,
        configurationIndex: 1n,
      })
      expect(inspection.meta.servers).toEqual([
        { suffrage: 0, id: 'a577b288-b354-770e-e909-da0972eb20e8', address: '127.0.0.1:8300' },
      ])
    })

    it('reports the SHA-256 of meta.json and state.bin as verified', async () => {
      const meta = metaJson(WORKED_EXAMPLE_STATE_BIN)
      const { integrity } = await inspectSnapshot(file(buildSnapshot({ meta })))

      expect(integrity.verified).toBe(true)
      expect(integrity.files).toEqual([
        { name: 'meta.json', expected: sha256Hex(meta), actual: sha256Hex(meta) },
        {
          name: 'state.bin',
          expected: sha256Hex(WORKED_EXAMPLE_STATE_BIN),
          actual: sha256Hex(WORKED_EXAMPLE_STATE_BIN),
        },
      ])
    })

    it('accepts the entries and the checksum lines in any order', async () => {
      const meta = metaJson(WORKED_EXAMPLE_STATE_BIN)
      const bytes = buildSnapshot({
        sums: `${sha256Hex(WORKED_EXAMPLE_STATE_BIN)}  state.bin\n${sha256Hex(meta).toUpperCase()}  meta.json\n`,
        entries: (d) => [d.sums!, d.state, d.meta],
      })
      expect((await inspectSnapshot(file(bytes))).totalSize).toBe(114)
    })

    it('accepts concatenated gzip members, like Go', async () => {
      const tar = snapshotTar()
      const bytes = Buffer.concat([gzipSync(tar.subarray(0, 700)), gzipSync(tar.subarray(700))])
      expect((await inspectSnapshot(file(bytes))).stats).toHaveLength(3)
    })

    it('groups KV bytes by key prefix with kvDetails, depth and filter', async () => {
      const state = stateBin(header(20), [
        [2, kv('vault/logical/a/1', 'x')],
        [2, kv('vault/logical/a/2', 'y')],
        [2, kv('vault/sys/b', 'z'.repeat(40))],
        [2, kv('top', '')],
        [5, mp.fixmap([mp.fixstr('Key'), mp.fixstr('vault/dead')])],
        [29, chunking],
      ])
      const path = file(buildSnapshot({ stateBin: state }))

      const byTwo = await inspectSnapshot(path, { kvDetails: true })
      expect(byTwo.kvStats?.map((s) => [s.name, s.count])).toEqual([
        ['vault/logical', 2],
        ['vault/sys', 1],
        ['top', 1],
      ])
      expect(byTwo.totalSizeKV).toBe(byTwo.stats.find((s) => s.name === 'KVS')?.sum)

      const filtered = await inspectSnapshot(path, { kvDetails: true, kvDepth: 3, kvFilter: 'vault/logical' })
      expect(filtered.kvStats).toEqual([{ name: 'vault/logical/a', count: 2, sum: expect.any(Number) }])

      const none = await inspectSnapshot(path, { kvDetails: true, kvFilter: 'nothing' })
      expect(none.kvStats).toBeNull()
      expect(none.totalSizeKV).toBe(0)
    })

    it('keeps KV keys that are not valid UTF-8 apart and orders them by their bytes, as Go does', async () => {
      const rawKv = (key: Buffer) =>
        mp.fixmap([mp.fixstr('Key'), mp.fixstr(key)], [mp.fixstr('Value'), mp.fixstr('v')])
      const state = stateBin(header(9), [
        [16, mp.fixmap([mp.fixstr('Key'), mp.fixstr('kvs')])], // takes the header bytes
        [2, rawKv(Buffer.from('bin/\xff\xfe/a', 'latin1'))],
        [2, rawKv(Buffer.from('bin/\xfe\xff/a', 'latin1'))],
        [2, rawKv(Buffer.from('bin/\u00e9/a', 'utf8'))],
        [29, chunking],
      ])
      const { kvStats } = await inspectSnapshot(file(buildSnapshot({ stateBin: state })), {
        kvDetails: true,
        kvDepth: 2,
      })

      expect(kvStats?.map((s) => [s.name, s.nameBytes && Buffer.from(s.nameBytes).toString('hex')])).toEqual([
        ['bin/é', undefined],
        ['bin/\ufffd\ufffd', Buffer.from('bin/\xfe\xff', 'latin1').toString('hex')],
        ['bin/\ufffd\ufffd', Buffer.from('bin/\xff\xfe', 'latin1').toString('hex')],
      ])
      const json = formatInspectJson({
        ...(await inspectSnapshot(file(buildSnapshot({ stateBin: state })), { kvDetails: true })),
      })
      expect(json).toContain('"Name": "bin/\\ufffd\\ufffd"')
    })

    it('reports each record with its offset, size and key to onRecord', async () => {
      const records: ScannedRecord[] = []
      await inspectSnapshot(file(buildSnapshot()), { onRecord: (r) => records.push(r) })
      expect(records).toEqual([
        { type: 2, typeName: 'KVS', offset: 12, size: 85, key: 'foo' },
        { type: 16, typeName: 'Index', offset: 85, size: 17 },
        { type: 29, typeName: 'ChunkingState', offset: 102, size: 12 },
      ])
    })

    it('lists Enterprise record types, which CE cannot restore', async () => {
      const state = stateBin(header(2), [
        [65, mp.str16('protobuf-bytes'.repeat(3))],
        [69, mp.fixstr('p')],
        [29, chunking],
      ])
      const inspection = await inspectSnapshot(file(buildSnapshot({ stateBin: state })))
      expect(inspection.enterpriseTypes).toEqual([65, 69])
      expect(inspection.stats.map((s) => s.name)).toContain('Unknown(65)')
    })

    it('reports progress up to the whole file', async () => {
      const bytes = buildSnapshot()
      const seen: number[] = []
      await inspectSnapshot(file(bytes), { onProgress: (p) => seen.push(p.bytes) })
      expect(seen.at(-1)).toBe(bytes.length)
    })

    it('decodes meta.json like Go: any letter case, unknown fields ignored, 64-bit numbers exact', async () => {
      const meta = Buffer.from(
        `{"id":"x","INDEX":18446744073709551615,"term":3,"version":1,"size":114,"Extra":{"a":[1,2]},"Peers":null}\n`,
      )
      const inspection = await inspectSnapshot(file(buildSnapshot({ meta })))
      expect(inspection.meta).toMatchObject({ id: 'x', index: 18446744073709551615n, term: 3n, size: 114n })
    })

    it('verifySnapshot refuses a raft snapshot version Consul cannot restore, which inspect only reports', async () => {
      const path = file(buildSnapshot({ meta: metaJson(WORKED_EXAMPLE_STATE_BIN, { Version: 2 }) }))
      expect((await inspectSnapshot(path)).meta.version).toBe(2)
      expect((await failure(verifySnapshot(path))).code).toBe('SNAPSHOT_META_INVALID')
    })

    it('verifySnapshot runs the same checks', async () => {
      expect((await verifySnapshot(file(buildSnapshot()))).integrity.verified).toBe(true)
      expect((await failure(verifySnapshot(file(Buffer.from('nope'))))).code).toBe('SNAPSHOT_NOT_GZIP')
    })
  })

  describe('on a raw state.bin', () => {
    it('reads it with the meta.json beside it', async () => {
      const folder = join(dir, 'raw')
      mkdirSync(folder)
      writeFileSync(join(folder, 'meta.json'), metaJson(WORKED_EXAMPLE_STATE_BIN))
      writeFileSync(join(folder, 'STATE.BIN'), WORKED_EXAMPLE_STATE_BIN)

      const inspection = await inspectSnapshot(join(folder, 'STATE.BIN'))
      expect(inspection.stats.map((s) => s.sum)).toEqual([85, 17, 12])
      expect(inspection.integrity.verified).toBe(false)
    })

    it('reads a raft snapshot folder as the state.bin inside it', async () => {
      const folder = join(dir, 'raft-snapshot')
      mkdirSync(folder)
      writeFileSync(join(folder, 'meta.json'), metaJson(WORKED_EXAMPLE_STATE_BIN))
      writeFileSync(join(folder, 'state.bin'), WORKED_EXAMPLE_STATE_BIN)
      expect((await inspectSnapshot(folder)).totalSize).toBe(114)
    })

    it('explains that meta.json must sit beside it', async () => {
      const folder = join(dir, 'raw-alone')
      mkdirSync(folder)
      writeFileSync(join(folder, 'state.bin'), WORKED_EXAMPLE_STATE_BIN)
      const error = await failure(inspectSnapshot(join(folder, 'state.bin')))
      expect(error.code).toBe('FILE_NOT_FOUND')
      expect(error.message).toContain('meta.json')
    })
  })

  describe('rejects', () => {
    it('a missing file', async () => {
      expect((await failure(inspectSnapshot(join(dir, 'absent.snap')))).code).toBe('FILE_NOT_FOUND')
    })

    it('a directory', async () => {
      expect((await failure(inspectSnapshot(dir))).code).toBe('FILE_UNREADABLE')
    })

    it('a named pipe, without waiting for a writer', async () => {
      const fifo = join(dir, 'pipe.snap')
      execFileSync('mkfifo', [fifo])
      const error = await failure(inspectSnapshot(fifo))
      expect(error.code).toBe('FILE_UNREADABLE')
    })

    it('an empty file', async () => {
      await expectCode(Buffer.alloc(0), 'SNAPSHOT_EMPTY')
    })

    it('random bytes as not gzip', async () => {
      await expectCode(Buffer.from('this is not a snapshot at all'), 'SNAPSHOT_NOT_GZIP')
    })

    it('an uncompressed tar as not gzip, saying so', async () => {
      const error = await expectCode(snapshotTar(), 'SNAPSHOT_NOT_GZIP')
      expect(error.message).toContain('uncompressed tar')
    })

    it('gzip of something that is not a tar', async () => {
      await expectCode(gzipSync(Buffer.alloc(2048, 0x41)), 'SNAPSHOT_NOT_TAR')
      await expectCode(gzipSync(Buffer.from('short')), 'SNAPSHOT_NOT_TAR')
      await expectCode(gzipSync(Buffer.alloc(0)), 'SNAPSHOT_NOT_TAR')
    })

    it('a double-gzipped snapshot, telling how to fix it', async () => {
      const error = await expectCode(gzipSync(buildSnapshot()), 'SNAPSHOT_NOT_TAR')
      expect(error.message).toContain('gzip-compressed twice')
    })

    it.each([10, 30, 100, 0.5, 0.9, -8, -1])('a file truncated at %s', async (cut) => {
      const bytes = buildSnapshot({
        stateBin: stateBin(header(2), [
          [2, kv('k', 'v'.repeat(5000))],
          [29, chunking],
        ]),
      })
      const end = cut < 0 ? bytes.length + cut : cut < 1 ? Math.floor(bytes.length * cut) : cut
      await expectCode(bytes.subarray(0, end), 'SNAPSHOT_TRUNCATED')
    })

    it('a tar that ends inside an entry', async () => {
      await expectCode(gzipSync(snapshotTar().subarray(0, 1200)), 'SNAPSHOT_TRUNCATED')
    })

    it('a damaged gzip checksum', async () => {
      const bytes = Buffer.from(buildSnapshot())
      bytes[bytes.length - 6]! ^= 0xff
      await expectCode(bytes, 'SNAPSHOT_GZIP_CORRUPT')
    })

    it('a tampered state.bin, naming the file', async () => {
      const tampered = Buffer.from(WORKED_EXAMPLE_STATE_BIN)
      tampered[tampered.indexOf('bar')] = 0x63 // "car"
      const meta = metaJson(tampered)
      const bytes = buildSnapshot({
        stateBin: tampered,
        meta,
        sums: `${sha256Hex(meta)}  meta.json\n${sha256Hex(WORKED_EXAMPLE_STATE_BIN)}  state.bin\n`,
      })
      const error = await expectCode(bytes, 'SNAPSHOT_CHECKSUM_MISMATCH')
      expect(error.details).toEqual({ file: 'state.bin' })
    })

    it('a state.bin corrupted into invalid msgpack as a checksum mismatch, not as bad records', async () => {
      const corrupted = Buffer.from(WORKED_EXAMPLE_STATE_BIN)
      corrupted[20] = 0xc1
      const meta = metaJson(corrupted)
      await expectCode(
        buildSnapshot({
          stateBin: corrupted,
          meta,
          sums: `${sha256Hex(meta)}  meta.json\n${sha256Hex(WORKED_EXAMPLE_STATE_BIN)}  state.bin\n`,
        }),
        'SNAPSHOT_CHECKSUM_MISMATCH',
      )
    })

    it('a wrong digest for meta.json', async () => {
      const error = await expectCode(
        buildSnapshot({
          sums: `${'0'.repeat(64)}  meta.json\n${sha256Hex(WORKED_EXAMPLE_STATE_BIN)}  state.bin\n`,
        }),
        'SNAPSHOT_CHECKSUM_MISMATCH',
      )
      expect(error.details).toEqual({ file: 'meta.json' })
    })

    it('a checksum list without SHA256SUMS entry', async () => {
      await expectCode(buildSnapshot({ sums: null }), 'SNAPSHOT_MISSING_ENTRY')
    })

    it('an archive without state.bin or meta.json', async () => {
      await expectCode(buildSnapshot({ entries: (d) => [d.meta, d.sums!] }), 'SNAPSHOT_MISSING_ENTRY')
      await expectCode(buildSnapshot({ entries: (d) => [d.state, d.sums!] }), 'SNAPSHOT_MISSING_ENTRY')
    })

    it.each([
      ['a third file', `${sha256Hex(Buffer.from('x'))}  other.txt\n`],
      ['a malformed line', 'not a checksum line\n'],
      ['an empty line', '\n'],
    ])('a checksum list with %s', async (_what, extra) => {
      const meta = metaJson(WORKED_EXAMPLE_STATE_BIN)
      await expectCode(
        buildSnapshot({
          sums: `${sha256Hex(meta)}  meta.json\n${extra}${sha256Hex(WORKED_EXAMPLE_STATE_BIN)}  state.bin\n`,
        }),
        'SNAPSHOT_CHECKSUM_LIST_INVALID',
      )
    })

    it('a checksum list that leaves a file out', async () => {
      await expectCode(
        buildSnapshot({ sums: `${sha256Hex(WORKED_EXAMPLE_STATE_BIN)}  state.bin\n` }),
        'SNAPSHOT_CHECKSUM_LIST_INVALID',
      )
    })

    it.each([
      ['an extra file', { name: 'notes.txt', data: Buffer.from('hi') }],
      ['"./meta.json"', { name: './meta.json', data: Buffer.from('{}') }],
      ['a directory entry', { name: 'dir/', data: Buffer.alloc(0), typeflag: '5' }],
      ['a macOS resource fork', { name: '._meta.json', data: Buffer.from('x') }],
    ])('an archive with %s', async (_what, extra) => {
      const error = await expectCode(
        buildSnapshot({ entries: (d) => [d.meta, extra, d.state, d.sums!] }),
        'SNAPSHOT_UNEXPECTED_ENTRY',
      )
      expect(error.details).toEqual({ entry: extra.name })
    })

    it('a snapshot inside a tar, suggesting to extract it', async () => {
      const error = await expectCode(
        gzipSync(tarArchive([{ name: 'backup.snap', data: buildSnapshot() }])),
        'SNAPSHOT_UNEXPECTED_ENTRY',
      )
      expect(error.hint).toContain('extract')
    })

    it('an entry that appears twice', async () => {
      await expectCode(
        buildSnapshot({ entries: (d) => [d.meta, d.state, d.state, d.sums!] }),
        'SNAPSHOT_UNEXPECTED_ENTRY',
      )
    })

    it('names assembled from the USTAR prefix field', async () => {
      const error = await expectCode(
        buildSnapshot({ entries: (d) => [{ ...d.meta, prefix: 'backup' }, d.state, d.sums!] }),
        'SNAPSHOT_UNEXPECTED_ENTRY',
      )
      expect(error.details).toEqual({ entry: 'backup/meta.json' })
    })

    it('a tar padded to a 10 KiB record, as GNU tar writes it', async () => {
      const tar = snapshotTar()
      const padded = Buffer.concat([tar, Buffer.alloc(10240 - (tar.length % 10240))])
      const error = await expectCode(gzipSync(padded), 'SNAPSHOT_TRAILING_BYTES')
      expect(error.message).toMatch(/^\d+ unread uncompressed bytes remain/)
    })

    it('non-zero bytes after the tar end', async () => {
      await expectCode(buildSnapshot({ tarTrailing: Buffer.from('junk') }), 'SNAPSHOT_TRAILING_BYTES')
    })

    it('zero bytes or other data after the gzip stream', async () => {
      await expectCode(Buffer.concat([buildSnapshot(), Buffer.alloc(16)]), 'SNAPSHOT_TRAILING_BYTES')
      await expectCode(
        Buffer.concat([buildSnapshot(), Buffer.from('appended text')]),
        'SNAPSHOT_TRAILING_BYTES',
      )
    })

    it('a Size in meta.json that differs from state.bin', async () => {
      const error = await expectCode(
        buildSnapshot({ meta: metaJson(WORKED_EXAMPLE_STATE_BIN, { Size: 115 }) }),
        'SNAPSHOT_SIZE_MISMATCH',
      )
      expect(error.message).toContain('115')
    })

    it.each([
      ['not JSON', '{"Version":1,'],
      ['not an object', '[1]'],
      ['a string Index', '{"Index":"13","Size":114}'],
      ['a negative Index', '{"Index":-1,"Size":114}'],
      ['a fractional Size', '{"Size":114.5}'],
      ['an Index above 2^64', '{"Index":18446744073709551616,"Size":114}'],
    ])('a meta.json that is %s', async (_what, json) => {
      await expectCode(buildSnapshot({ meta: Buffer.from(json) }), 'SNAPSHOT_META_INVALID')
    })

    it('a state.bin whose records are not valid msgpack, even with correct checksums', async () => {
      const state = stateBin(header(1), [[2, mp.fixmap([mp.fixstr('Key'), Buffer.from([0xc1])])]])
      const error = await expectCode(buildSnapshot({ stateBin: state }), 'SNAPSHOT_STATE_INVALID')
      expect(error.details).toEqual({ offset: state.length - 1 })
    })

    it('a state.bin that ends inside a record', async () => {
      await expectCode(
        buildSnapshot({ stateBin: WORKED_EXAMPLE_STATE_BIN.subarray(0, 100) }),
        'SNAPSHOT_STATE_INVALID',
      )
    })

    it('a read that is cancelled', async () => {
      const controller = new AbortController()
      controller.abort()
      expect(
        (await failure(inspectSnapshot(file(buildSnapshot()), { signal: controller.signal }))).code,
      ).toBe('CANCELLED')
    })

    it('a read cancelled while it streams', async () => {
      const controller = new AbortController()
      const big = buildSnapshot({
        stateBin: stateBin(
          header(1),
          Array.from({ length: 2000 }, (_, i): [number, Buffer] => [2, kv(`k/${i}`, 'v'.repeat(500))]),
        ),
      })
      const error = await failure(
        inspectSnapshot(file(big), { signal: controller.signal, onProgress: () => controller.abort() }),
      )
      expect(error.code).toBe('CANCELLED')
    })
  })
})
