// kv-export encodes each entry while it reads the archive (its value taken from the chunk at hand,
// or read back from the spill when the record began in an earlier chunk) and copies that text out
// once the archive has verified. The catalogue's export (keys sorted in its KV table, values read
// from its own working copy) is the yardstick: both must print the same bytes for every layout a
// file may have, whatever the size of the chunks the archive arrives in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { exportSnapshotKv, openSnapshotCatalogue } from '../../../../src/main/services/snapshot/catalogue'
import {
  buildSnapshotArchive,
  buildStateBin,
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
  const catalogue = await openSnapshotCatalogue(file, { spillDir: dir })
  const browsed = collector()
  try {
    await catalogue.exportKv({ out: browsed.out, prefix })
  } finally {
    await catalogue.close()
  }
  return { fromFile: whole.bytes(), fromPieces: pieces.bytes(), catalogue: browsed.bytes(), count }
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
