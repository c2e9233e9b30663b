import { PassThrough, Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { goJsonString } from '../../../../src/main/services/snapshot/catalogue/go-json-string'
import {
  writeKvExport,
  type KvExportRow,
  type ReadSpill,
} from '../../../../src/main/services/snapshot/catalogue/kv-export-writer'

interface Entry {
  key: Buffer
  flags: bigint
  value: Buffer
}

/** The entries' values laid end to end, as a spill file holds them, and the rows pointing there. */
function from(entries: Entry[]): [KvExportRow[][], ReadSpill] {
  const spill = Buffer.concat(entries.map((e) => e.value))
  let at = 0
  const rows = entries.map(({ key, flags, value }) => {
    const row = { key, flags, valueOffset: at, valueSize: value.length }
    at += value.length
    return row
  })
  const batches = []
  for (let i = 0; i < rows.length; i += 1000) batches.push(rows.slice(i, i + 1000))
  return [batches, (offset, length) => spill.subarray(offset, offset + length)]
}

async function render(entries: Entry[]): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  await writeKvExport(...from(entries), out)
  return Buffer.concat(chunks).toString('utf8')
}

describe('goJsonString', () => {
  it('escapes like Go encoding/json with HTML escaping', () => {
    expect(goJsonString(Buffer.from('a<b>&c'))).toBe('"a\\u003cb\\u003e\\u0026c"')
    expect(goJsonString(Buffer.from('q"b\\s'))).toBe('"q\\"b\\\\s"')
    expect(goJsonString(Buffer.from('\n\r\t\b\f\u0001\u001f'))).toBe('"\\n\\r\\t\\b\\f\\u0001\\u001f"')
    expect(goJsonString(Buffer.from('line\u2028para\u2029'))).toBe('"line\\u2028para\\u2029"')
  })

  it('keeps valid UTF-8 as is and replaces each invalid byte with \\ufffd', () => {
    expect(goJsonString(Buffer.from('naïve/日本/😀'))).toBe('"naïve/日本/😀"')
    expect(goJsonString(Buffer.from([0x61, 0xff, 0xc3, 0x62]))).toBe('"a\\ufffd\\ufffdb"')
    // An encoded surrogate half (ed a0 80) is invalid in Go: three replacements.
    expect(goJsonString(Buffer.from([0xed, 0xa0, 0x80]))).toBe('"\\ufffd\\ufffd\\ufffd"')
    // An overlong encoding of '/' (c0 af) too.
    expect(goJsonString(Buffer.from([0xc0, 0xaf]))).toBe('"\\ufffd\\ufffd"')
  })

  it('leaves DEL and non-ASCII punctuation alone, as Go does', () => {
    expect(goJsonString(Buffer.from('\u007f\u00a0'))).toBe('"\u007f\u00a0"')
  })
})

describe('writeKvExport', () => {
  it('matches the layout of consul kv export (docs/snapshot-format.md §13)', async () => {
    expect(await render([{ key: Buffer.from('foo'), flags: 0n, value: Buffer.from('bar') }])).toBe(
      '[\n\t{\n\t\t"key": "foo",\n\t\t"flags": 0,\n\t\t"value": "YmFy"\n\t}\n]\n',
    )
  })

  it('separates entries with a comma and newline, writes empty values as ""', async () => {
    const text = await render([
      { key: Buffer.from('a/'), flags: 0n, value: Buffer.alloc(0) },
      { key: Buffer.from('a/b'), flags: 18446744073709551615n, value: Buffer.from([0]) },
    ])
    expect(text).toBe(
      '[\n\t{\n\t\t"key": "a/",\n\t\t"flags": 0,\n\t\t"value": ""\n\t},\n\t{\n\t\t"key": "a/b",\n\t\t"flags": 18446744073709551615,\n\t\t"value": "AA=="\n\t}\n]\n',
    )
  })

  it('encodes a value larger than its read slices in one piece, as Go does', async () => {
    const value = Buffer.from(Array.from({ length: 7 << 20 }, (_, i) => (i * 7919) & 0xff))
    const text = await render([{ key: Buffer.from('big'), flags: 0n, value }])
    expect(text).toBe(
      `[\n\t{\n\t\t"key": "big",\n\t\t"flags": 0,\n\t\t"value": "${value.toString('base64')}"\n\t}\n]\n`,
    )
  })

  it('encodes values of every small length like Buffer base64', async () => {
    const entries = Array.from({ length: 120 }, (_, n) => ({
      key: Buffer.from(`k${String(n).padStart(3, '0')}`),
      flags: 0n,
      value: Buffer.from(Array.from({ length: n }, (_, i) => (n * 31 + i * 97) & 0xff)),
    }))
    const parsed = JSON.parse(await render(entries)) as Array<{ value: string }>
    expect(parsed.map((e) => e.value)).toEqual(entries.map((e) => e.value.toString('base64')))
  })

  it('writes [] for no entries', async () => {
    expect(await render([])).toBe('[]\n')
  })

  it('waits for a slow destination instead of buffering everything', async () => {
    let writes = 0
    const out = new Writable({
      highWaterMark: 1024,
      write(_chunk, _enc, cb) {
        writes++
        setImmediate(cb)
      },
    })
    const entries = Array.from({ length: 20_000 }, (_, i) => ({
      key: Buffer.from(`k/${i}`),
      flags: 0n,
      value: Buffer.alloc(16),
    }))
    await expect(writeKvExport(...from(entries), out)).resolves.toBe(20_000)
    expect(writes).toBeGreaterThan(1)
  })

  it('fails with a typed error when the destination breaks', async () => {
    const out = new Writable({
      highWaterMark: 1,
      write(_chunk, _enc, cb) {
        cb(new Error('EPIPE'))
      },
    })
    out.on('error', () => undefined)
    const entries = Array.from({ length: 50_000 }, (_, i) => ({
      key: Buffer.from(`k/${i}`),
      flags: 0n,
      value: Buffer.alloc(16),
    }))
    await expect(writeKvExport(...from(entries), out)).rejects.toMatchObject({ code: 'FILE_UNREADABLE' })
  })
})
