// kv-export encodes each entry while it reads the archive (its value taken from the chunk at hand,
// or read back from the spill when the record began in an earlier chunk) and copies that text out
// once the archive has verified. The catalogue's export (keys sorted in its KV table, values read
// from its own working copy) is the yardstick: both must print the same bytes for every layout a
// file may have, whatever the size of the chunks the archive arrives in.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { AppError } from '../../../../src/shared/app-error'
import { inspectSnapshot } from '../../../../src/main/services/snapshot'
import { exportSnapshotKv, openSnapshotCatalogue } from '../../../../src/main/services/snapshot/catalogue'
import { SpillFile } from '../../../../src/main/services/snapshot/catalogue/spill-file'
import { buildSnapshot, metaJson, sha256Hex } from '../../../support/snapshot-builder'
import {
  buildSnapshotArchive,
  buildStateBin,
  encodeGo,
  goMap,
  kvsRecord,
  MessageType,
  type StateRecord,
} from '../../../support/state-bin-writer'

const dir = mkdtempSync(path.join(tmpdir(), 'export-snapshot-kv-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function collector(): { out: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = []
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk))
      done()
    },
  })
  return { out, bytes: () => Buffer.concat(chunks) }
}

async function* inPieces(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

async function archiveFile(name: string, records: StateRecord[]): Promise<{ file: string; archive: Buffer }> {
  const archive = await buildSnapshotArchive(buildStateBin(7, records))
  const file = path.join(dir, name)
  writeFileSync(file, archive)
  return { file, archive }
}

/** kv-export's bytes (from the file, and from the archive streamed in small pieces) and the catalogue's. */
async function exports(
  name: string,
  records: StateRecord[],
  prefix = '',
): Promise<{ fromFile: Buffer; fromPieces: Buffer; catalogue: Buffer; count: number }> {
  const { file, archive } = await archiveFile(name, records)
  const whole = collector()
  const count = await exportSnapshotKv(file, { out: whole.out, prefix, spillDir: dir })
  const pieces = collector()
  await exportSnapshotKv(file, { out: pieces.out, prefix, spillDir: dir, source: inPieces(archive, 997) })
  return {
    fromFile: whole.bytes(),
    fromPieces: pieces.bytes(),
    catalogue: await catalogueExport(file, prefix),
    count,
  }
}

/** Deterministic bytes of every value (no Math.random: a failure must reproduce). */
function valueBytes(seed: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length)
  let x = seed * 2654435761 + 1
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

describe('kv-export prints what the catalogue exports', () => {
  it('for thousands of keys whose records straddle chunks, a value larger than a read slice and repeated keys', async () => {
    const records: StateRecord[] = []
    records.push(kvsRecord({ key: 'app/0000', value: 'replaced by the next record' }))
    for (let i = 0; i < 3000; i++) {
      const key = `app/${String(i).padStart(4, '0')}`
      records.push(kvsRecord({ key, value: valueBytes(i, (i * 37) % 401), flags: i % 7 === 0 ? i : 0 }))
      if (i === 1500) {
        // A value of 3.5 MiB spans many chunks and more than one slice of the read-back,
        // and is itself replaced by the next record with the same key.
        records.push(kvsRecord({ key: `${key}/big`, value: valueBytes(99, (7 << 19) + 1) }))
        records.push(kvsRecord({ key: `${key}/big`, value: valueBytes(98, (7 << 19) + 2) }))
      }
    }
    records.push(kvsRecord({ key: 'app/2999', value: 'the last one wins' }))
    const got = await exports('straddling.snap', records)
    expect(got.count).toBe(3001)
    expect(got.fromFile.equals(got.catalogue)).toBe(true)
    expect(got.fromPieces.equals(got.catalogue)).toBe(true)
    const parsed = JSON.parse(got.fromFile.toString('utf8')) as Array<{ key: string; value: string }>
    expect(parsed[0]).toMatchObject({ key: 'app/0000' })
    expect(Buffer.from(parsed.at(-1)?.value ?? '', 'base64').toString()).toBe('the last one wins')
  }, 60_000)

  it('for records whose fields come in any order, repeat, or are not what a DirEntry holds', async () => {
    const kv = (fields: ReadonlyArray<readonly [string, unknown]>): StateRecord => ({
      type: MessageType.KVS,
      value: goMap(fields as ReadonlyArray<readonly [string, never]>),
    })
    const got = await exports('odd-fields.snap', [
      kv([
        ['Value', Buffer.from('value first')],
        ['Flags', 3],
        ['Key', 'a'],
      ]),
      kv([
        ['Key', 'b'],
        ['Value', Buffer.from('first value')],
        ['Flags', 2n ** 64n - 1n],
        ['Value', Buffer.from('second value wins')],
      ]),
      kv([
        ['Key', 'c'],
        ['Value', 42],
      ]),
      kv([
        ['Key', 'c/"quoted" <html> & \u2028 ünï'],
        ['Value', Buffer.from([0, 255, 1])],
      ]),
      kv([
        ['Key', 7],
        ['Value', Buffer.from('no string key: not a DirEntry')],
      ]),
      kv([
        ['Key', 'd'],
        ['Key', 'e'],
        ['Value', Buffer.from('the second Key names it')],
      ]),
      kvsRecord({ key: 'f', value: null }),
    ])
    expect(got.count).toBe(6)
    expect(got.fromFile.equals(got.catalogue)).toBe(true)
    expect(got.fromPieces.equals(got.catalogue)).toBe(true)
  })

  it('for keys out of order, repeated apart, under a prefix', async () => {
    const records = ['p/c', 'p/a', 'q/z', 'p/b', 'p/a', 'p/d'].map((key, i) =>
      kvsRecord({ key, value: `${key}#${i}`, flags: i }),
    )
    const all = await exports('unordered.snap', records)
    expect(all.fromFile.equals(all.catalogue)).toBe(true)
    expect(all.fromPieces.equals(all.catalogue)).toBe(true)
    const under = await exports('unordered-prefix.snap', records, '/p/')
    expect(under.fromFile.equals(under.catalogue)).toBe(true)
    expect(JSON.parse(under.fromFile.toString('utf8'))).toHaveLength(4)
  })

  it('for a prefix that leaves out the first keys and takes back a repeated last one', async () => {
    const records = ['a/1', 'b/1', 'b/1', 'b/2', 'b/2', 'c/1'].map((key, i) =>
      kvsRecord({ key, value: valueBytes(i, 100 * i), flags: i }),
    )
    const got = await exports('prefix.snap', records, 'b/')
    expect(got.count).toBe(2)
    expect(got.fromFile.equals(got.catalogue)).toBe(true)
    expect(got.fromPieces.equals(got.catalogue)).toBe(true)
  })

  it('for a file with no KV at all', async () => {
    const got = await exports('empty.snap', [])
    expect(got.fromFile.toString()).toBe('[]\n')
    expect(got.catalogue.toString()).toBe('[]\n')
  })
})

// A raw state.bin (meta.json beside it) is read in chunks of exactly 1 MiB: records can be laid
// out to straddle as many chunk boundaries as wanted.
const CHUNK = 1 << 20

/** Records laid out so that big values cross 1, 2 and 3 chunk boundaries, among small ones. */
function straddlingLayout(): { records: StateRecord[]; crossings: number[]; largestRecord: number } {
  const records: StateRecord[] = []
  const crossings: number[] = []
  let largestRecord = 0
  let length = encodeGo({ LastIndex: 7 }).length
  const end = (): number => length
  const sizeOf = (record: StateRecord): number => 1 + encodeGo(record.value).length
  const add = (record: StateRecord): void => {
    records.push(record)
    length += sizeOf(record)
    largestRecord = Math.max(largestRecord, sizeOf(record))
  }
  let n = 0
  const small = (count: number): void => {
    for (let i = 0; i < count; i++, n++)
      add(
        kvsRecord({
          key: `k/${String(n).padStart(5, '0')}`,
          value: valueBytes(n, (n * 53) % 700),
          flags: n % 5,
        }),
      )
  }
  /** A record whose value begins `before` bytes ahead of the next chunk boundary. */
  const straddler = (length: number, before: number, fieldsKeyLast = false): void => {
    // A padding entry brings the next record's value to where it is wanted.
    const probe = (pad: number): number =>
      end() + sizeOf(kvsRecord({ key: `k/${String(n).padStart(5, '0')}`, value: valueBytes(n, pad) }))
    const valueHead = 40 // the straddler's bytes before its value, about
    let pad = 70_000
    const target = (at: number): number => (Math.floor(at / CHUNK) + 1) * CHUNK - before - valueHead
    for (let i = 0; i < 4; i++) pad += target(probe(pad)) - probe(pad)
    add(kvsRecord({ key: `k/${String(n).padStart(5, '0')}`, value: valueBytes(n, pad) }))
    n++
    const key = `k/${String(n).padStart(5, '0')}`
    const value = valueBytes(n, length)
    const start = end()
    add(
      fieldsKeyLast
        ? {
            type: MessageType.KVS,
            value: goMap([
              ['Value', value],
              ['Flags', 9],
              ['Key', key],
            ]),
          }
        : kvsRecord({ key, value, flags: n }),
    )
    n++
    const stop = end()
    crossings.push(Math.floor((stop - 1) / CHUNK) - Math.floor(start / CHUNK))
  }
  small(1500)
  straddler(100_000, 30_000)
  small(200)
  straddler(CHUNK + 300_000, 200_000)
  small(200)
  straddler(2 * CHUNK + 50_000, 10_000, true)
  small(200)
  straddler(20, 10)
  small(300)
  return { records, crossings, largestRecord }
}

function rawStateBin(name: string, stateBin: Buffer): string {
  const folder = path.join(dir, name)
  mkdirSync(folder)
  writeFileSync(path.join(folder, 'meta.json'), metaJson(stateBin))
  writeFileSync(path.join(folder, 'state.bin'), stateBin)
  return path.join(folder, 'state.bin')
}

async function catalogueExport(file: string, prefix = ''): Promise<Buffer> {
  const catalogue = await openSnapshotCatalogue(file, { spillDir: dir })
  const browsed = collector()
  try {
    await catalogue.exportKv({ out: browsed.out, prefix })
  } finally {
    await catalogue.close()
  }
  return browsed.bytes()
}

describe('kv-export of a file keeps only what an unfinished record needs', () => {
  afterEach(() => vi.restoreAllMocks())

  /** Every working file's size when it was sealed. */
  function sealedSizes(): number[] {
    const sizes: number[] = []
    const seal = SpillFile.prototype.seal
    vi.spyOn(SpillFile.prototype, 'seal').mockImplementation(function (this: SpillFile) {
      sizes.push(this.size)
      return seal.call(this)
    })
    return sizes
  }

  it('prints what the catalogue exports for values crossing one, two and three chunk boundaries', async () => {
    const layout = straddlingLayout()
    expect(layout.crossings).toEqual([1, 2, 3, 1])
    const stateBin = buildStateBin(7, layout.records)
    const file = rawStateBin('straddlers', stateBin)
    const sizes = sealedSizes()
    const printed = collector()
    const count = await exportSnapshotKv(file, { out: printed.out, spillDir: dir })
    vi.restoreAllMocks()
    expect(count).toBe(layout.records.length)
    expect(printed.bytes().equals(await catalogueExport(file))).toBe(true)
    // The export text and the largest record at most: state.bin was not kept whole.
    const working = sizes.reduce((a, b) => a + b, 0)
    expect(working).toBeLessThanOrEqual(printed.bytes().length + layout.largestRecord)
    expect(stateBin.length).toBeGreaterThan(3 * layout.largestRecord)
  }, 60_000)

  it('reads the file again, whole, when a key out of order turns up after chunks of ordered ones', async () => {
    const layout = straddlingLayout()
    const records = [...layout.records]
    // After three chunks of ordered keys: one that sorts first, and a repeat of an earlier key.
    records.splice(records.length - 100, 0, kvsRecord({ key: 'a/first', value: 'sorted to the top' }))
    records.splice(records.length - 50, 0, kvsRecord({ key: 'k/00007', value: 'replaces the first k/00007' }))
    const file = rawStateBin('unordered-late', buildStateBin(7, records))
    const printed = collector()
    const count = await exportSnapshotKv(file, { out: printed.out, spillDir: dir })
    const expected = await catalogueExport(file)
    expect(printed.bytes().equals(expected)).toBe(true)
    const parsed = JSON.parse(printed.bytes().toString('utf8')) as Array<{ key: string; value: string }>
    expect(count).toBe(parsed.length)
    expect(parsed[0]?.key).toBe('a/first')
    expect(Buffer.from(parsed.find((e) => e.key === 'k/00007')?.value ?? '', 'base64').toString()).toBe(
      'replaces the first k/00007',
    )
    expect(readdirSync(dir).filter((name) => name.startsWith('snapshot-studio-catalogue-'))).toEqual([])
  }, 60_000)

  it('stops the first read at the key out of order instead of reading the rest for nothing', async () => {
    const records = straddlingLayout().records
    records.splice(10, 0, kvsRecord({ key: 'a/early', value: 'out of order' }))
    const stateBin = buildStateBin(7, records)
    const file = rawStateBin('unordered-early', stateBin)
    const seen: number[] = []
    const printed = collector()
    await exportSnapshotKv(file, { out: printed.out, spillDir: dir, onProgress: (p) => seen.push(p.bytes) })
    expect(printed.bytes().equals(await catalogueExport(file))).toBe(true)
    // Two reads: the second starts again from the beginning, and reads it all.
    const restart = seen.findIndex((bytes, i) => i > 0 && bytes <= (seen[i - 1] as number))
    expect(restart).toBeGreaterThan(0)
    expect(Math.max(...seen.slice(0, restart))).toBeLessThan(stateBin.length / 2)
    expect(seen.at(-1)).toBe(stateBin.length)
  }, 60_000)

  it('is cancelled by a signal given already cancelled, printing nothing and leaving no working file', async () => {
    const file = rawStateBin('cancelled', buildStateBin(7, straddlingLayout().records))
    const working = mkdtempSync(path.join(dir, 'working-'))
    const printed = collector()
    const cancel = new AbortController()
    cancel.abort()
    const error = await exportSnapshotKv(file, {
      out: printed.out,
      spillDir: working,
      signal: cancel.signal,
    }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 'CANCELLED' })
    expect(printed.bytes().length).toBe(0)
    expect(readdirSync(working)).toEqual([])
  })

  it.each([
    ['keys in order', false],
    ['a key out of order before the damage', true],
  ])(
    'prints nothing, fails as inspect does and leaves no working file for a damaged archive with %s',
    async (_name, unordered) => {
      const records = straddlingLayout().records
      if (unordered) records.splice(1000, 0, kvsRecord({ key: 'a/early', value: 'out of order' }))
      const stateBin = buildStateBin(7, records)
      const damaged = Buffer.from(stateBin)
      // A bit flipped inside the last value: still well-formed msgpack, but not what was summed.
      damaged.writeUInt8((damaged[damaged.length - 3] as number) ^ 0x01, damaged.length - 3)
      const file = path.join(dir, `damaged-${String(unordered)}.snap`)
      writeFileSync(
        file,
        buildSnapshot({
          stateBin: damaged,
          sums: `${sha256Hex(metaJson(damaged))}  meta.json\n${sha256Hex(stateBin)}  state.bin\n`,
        }),
      )
      const working = mkdtempSync(path.join(dir, 'working-'))
      const printed = collector()
      const exported = await exportSnapshotKv(file, { out: printed.out, spillDir: working }).then(
        () => null,
        (error: unknown) => error,
      )
      const inspected = await inspectSnapshot(file, { kvDetails: true }).then(
        () => null,
        (error: unknown) => error,
      )
      expect(inspected).toBeInstanceOf(AppError)
      expect(exported).toBeInstanceOf(AppError)
      expect((exported as AppError).code).toBe((inspected as AppError).code)
      expect((exported as AppError).message).toBe((inspected as AppError).message)
      expect(printed.bytes().length).toBe(0)
      expect(readdirSync(working)).toEqual([])
    },
    60_000,
  )
})
