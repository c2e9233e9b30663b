import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { StateScanner } from '../../../src/main/services/snapshot/state-scanner'
import { WORKED_EXAMPLE_STATE_BIN } from '../../support/snapshot-builder'
import { header, mp, stateBin } from '../../support/msgpack-forms'

interface Seen {
  type: number
  offset: number
  size: number
  key: string | null
}

function scan(
  bytes: Uint8Array,
  cuts: number[] = [],
  captureKeys = true,
): { records: Seen[]; lastIndex: bigint } {
  const records: Seen[] = []
  const scanner = new StateScanner({
    captureKeys,
    onRecord: (type, offset, size, key, start, end) =>
      records.push({ type, offset, size, key: key === null ? null : key.toString('latin1', start, end) }),
  })
  let from = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    scanner.push(bytes.subarray(from, cut))
    from = cut
  }
  scanner.push(bytes.subarray(from))
  scanner.finish()
  return { records, lastIndex: scanner.lastIndex }
}

function scanError(bytes: Uint8Array, cuts: number[] = []): AppError {
  try {
    scan(bytes, cuts)
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected the scan to fail')
}

const chunking = mp.fixmap([mp.fixstr('ChunkMap'), mp.fixmap()])
const anyBytes = Buffer.from([0, 1, 2, 0xc1, 0xff, 0x80])

/** Every wire form Consul's generic decoder accepts, by name. */
const FORMS: Record<string, Buffer> = {
  'positive fixint': mp.fixint(0x7f),
  'negative fixint': mp.fixint(-3),
  nil: mp.nil(),
  'bool true': mp.bool(true),
  'bool false': mp.bool(false),
  uint8: mp.u8(200),
  uint16: mp.u16(60000),
  uint32: mp.u32(4_000_000_000),
  'uint64 above 2^53': mp.u64(18208480688038965425n),
  int8: mp.i8(-100),
  int16: mp.i16(-30000),
  int32: mp.i32(-2_000_000_000),
  int64: mp.i64(-(2n ** 62n)),
  float32: mp.f32(1.5),
  float64: mp.f64(0.00001),
  fixstr: mp.fixstr('hello'),
  'empty fixstr': mp.fixstr(''),
  str8: mp.str8('x'.repeat(40)),
  'str16 (what Go writes for 32+ bytes)': mp.str16('y'.repeat(300)),
  str32: mp.str32('z'.repeat(70000)),
  bin8: mp.bin8(anyBytes),
  bin16: mp.bin16(Buffer.alloc(300, 7)),
  bin32: mp.bin32(Buffer.alloc(5, 9)),
  fixext1: mp.fixext(1, Buffer.from([1])),
  fixext16: mp.fixext(-1, Buffer.alloc(16, 0xc1)),
  ext8: mp.ext8(5, Buffer.alloc(3, 0xc1)),
  ext16: mp.ext16(5, Buffer.alloc(256, 1)),
  ext32: mp.ext32(5, Buffer.alloc(2, 1)),
  'Go binary time': mp.goTime(1_710_350_055, 109_823_000),
  fixarray: mp.fixarray(mp.nil(), mp.fixstr('a'), mp.fixarray()),
  array16: mp.array16(...Array.from({ length: 20 }, (_, i) => mp.fixint(i))),
  array32: mp.array32(mp.u8(1), mp.bool(false)),
  fixmap: mp.fixmap([mp.fixstr('k'), mp.fixmap([mp.fixstr('n'), mp.nil()])]),
  map16: mp.map16(
    ...Array.from({ length: 17 }, (_, i): [Buffer, Buffer] => [mp.fixstr(`k${i}`), mp.fixint(i)]),
  ),
  map32: mp.map32([mp.fixstr('a'), mp.str16('b'.repeat(40))]),
  'map with bin and nil keys': mp.fixmap([mp.bin8(Buffer.from('k')), mp.fixint(1)], [mp.nil(), mp.fixint(2)]),
}

describe('StateScanner', () => {
  it('splits the worked example of docs/snapshot-format.md §12 into KVS 85, Index 17 and ChunkingState 12 bytes', () => {
    const { records, lastIndex } = scan(WORKED_EXAMPLE_STATE_BIN)

    expect(lastIndex).toBe(13n)
    expect(records).toEqual([
      { type: 2, offset: 12, size: 85, key: 'foo' },
      { type: 16, offset: 85, size: 17, key: null },
      { type: 29, offset: 102, size: 12, key: null },
    ])
  })

  it('gives the same records however the bytes are split into chunks', () => {
    const expected = scan(WORKED_EXAMPLE_STATE_BIN)
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: WORKED_EXAMPLE_STATE_BIN.length }), { maxLength: 12 }),
        (cuts) => {
          expect(scan(WORKED_EXAMPLE_STATE_BIN, cuts)).toEqual(expected)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('gives the same records when every byte arrives alone', () => {
    const cuts = Array.from({ length: WORKED_EXAMPLE_STATE_BIN.length }, (_, i) => i)
    expect(scan(WORKED_EXAMPLE_STATE_BIN, cuts)).toEqual(scan(WORKED_EXAMPLE_STATE_BIN))
  })

  describe.each(Object.entries(FORMS))('skips a %s value', (_name, form) => {
    const bytes = stateBin(header(9), [
      [7, mp.fixmap([mp.fixstr('Value'), form], [mp.fixstr('After'), mp.fixint(1)])],
      [29, chunking],
    ])
    const valueSize =
      header(9).length + 1 + 1 + mp.fixstr('Value').length + form.length + mp.fixstr('After').length + 1

    it('finding the record boundary right after it', () => {
      expect(scan(bytes).records.map((r) => r.size)).toEqual([valueSize, 1 + chunking.length])
    })

    it('across every chunk boundary', () => {
      const expected = scan(bytes)
      for (let cut = 0; cut <= bytes.length; cut += Math.max(1, Math.floor(bytes.length / 400))) {
        expect(scan(bytes, [cut])).toEqual(expected)
      }
    })
  })

  it('reads every form from random splits of a record holding all of them', () => {
    const bytes = stateBin(header(1), [
      [6, mp.array16(...Object.values(FORMS))],
      [29, chunking],
    ])
    const expected = scan(bytes)
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 30 }), (cuts) => {
        expect(scan(bytes, cuts)).toEqual(expected)
      }),
      { numRuns: 200 },
    )
  })

  describe('KV keys', () => {
    const kv = (keyValue: Buffer, extra: Array<[Buffer, Buffer]> = []) =>
      stateBin(header(3), [
        [
          2,
          mp.fixmap(
            [mp.fixstr('CreateIndex'), mp.fixint(1)],
            ...extra,
            [mp.fixstr('Key'), keyValue],
            [mp.fixstr('Value'), mp.str16('v'.repeat(40))],
          ),
        ],
      ])

    it.each([
      ['fixstr', mp.fixstr('a/b')],
      ['str8', mp.str8('a/b')],
      ['str16', mp.str16('k'.repeat(300))],
      ['str32', mp.str32('long/'.repeat(20))],
      ['bin8', mp.bin8(Buffer.from('bin/key'))],
    ])('reads a %s Key', (_form, keyValue) => {
      const { records } = scan(kv(keyValue))
      const key = records[0]?.key ?? ''
      expect(key.length).toBeGreaterThan(0)
      expect(keyValue.toString('latin1').endsWith(key)).toBe(true)
    })

    it('keeps the key intact when it straddles chunks', () => {
      const bytes = kv(mp.str16('split/' + 'k'.repeat(100)))
      for (let cut = 1; cut < bytes.length; cut++)
        expect(scan(bytes, [cut]).records[0]?.key).toBe('split/' + 'k'.repeat(100))
    })

    it('ignores a "Key" inside a nested map', () => {
      const bytes = stateBin(header(3), [
        [
          2,
          mp.fixmap(
            [mp.fixstr('Nested'), mp.fixmap([mp.fixstr('Key'), mp.fixstr('inner')])],
            [mp.fixstr('Key'), mp.fixstr('outer')],
          ),
        ],
      ])
      expect(scan(bytes).records[0]?.key).toBe('outer')
    })

    it('reads the Key of Tombstone records too', () => {
      const bytes = stateBin(header(3), [
        [5, mp.fixmap([mp.fixstr('Key'), mp.fixstr('gone')], [mp.fixstr('ModifyIndex'), mp.fixint(3)])],
      ])
      expect(scan(bytes).records).toEqual([
        { type: 5, offset: header(3).length, size: bytes.length, key: 'gone' },
      ])
    })

    it('reports no key when the Key is not a string, and skips it correctly', () => {
      const bytes = stateBin(header(3), [
        [2, mp.fixmap([mp.fixstr('Key'), mp.nil()], [mp.fixstr('Value'), mp.nil()])],
        [29, chunking],
      ])
      expect(scan(bytes).records.map((r) => [r.type, r.key])).toEqual([
        [2, null],
        [29, null],
      ])
    })

    it('does not extract keys unless asked', () => {
      expect(scan(WORKED_EXAMPLE_STATE_BIN, [], false).records[0]?.key).toBeNull()
    })

    it('handles a KVS record that is not a map', () => {
      const bytes = stateBin(header(3), [[2, mp.fixarray(mp.fixstr('Key'))]])
      expect(scan(bytes).records).toEqual([
        { type: 2, offset: header(3).length, size: bytes.length, key: null },
      ])
    })

    it('handles field names of every length, including ones longer than any Consul field', () => {
      const bytes = stateBin(header(3), [
        [
          2,
          mp.fixmap(
            [mp.str16('N'.repeat(100)), mp.fixint(1)],
            [mp.nil(), mp.nil()],
            [mp.fixstr('Key'), mp.fixstr('ok')],
          ),
        ],
      ])
      for (let cut = 0; cut <= bytes.length; cut++) expect(scan(bytes, [cut]).records[0]?.key).toBe('ok')
    })
  })

  describe('header', () => {
    it('reads a LastIndex above 2^53 exactly', () => {
      const bytes = stateBin(mp.fixmap([mp.fixstr('LastIndex'), mp.u64(9007199254740993n)]), [[29, chunking]])
      expect(scan(bytes).lastIndex).toBe(9007199254740993n)
    })

    it('counts the header bytes into the first record', () => {
      const h = mp.fixmap(
        [mp.fixstr('Other'), mp.str16('x'.repeat(40))],
        [mp.fixstr('LastIndex'), mp.u32(70000)],
      )
      const { records, lastIndex } = scan(stateBin(h, [[29, chunking]]))
      expect(lastIndex).toBe(70000n)
      expect(records).toEqual([
        { type: 29, offset: h.length, size: h.length + 1 + chunking.length, key: null },
      ])
    })

    it.each([
      ['int8', mp.i8(7), 7n],
      ['int64', mp.i64(123456789012n), 123456789012n],
      ['nil', mp.nil(), 0n],
    ])('reads a %s LastIndex as Go decodes it into uint64', (_form, value, expected) => {
      expect(scan(stateBin(mp.fixmap([mp.fixstr('LastIndex'), value]), [])).lastIndex).toBe(expected)
    })

    it.each([
      ['a string LastIndex', mp.fixmap([mp.fixstr('LastIndex'), mp.fixstr('x')])],
      ['a negative LastIndex', mp.fixmap([mp.fixstr('LastIndex'), mp.fixint(-1)])],
      ['a float LastIndex', mp.fixmap([mp.fixstr('LastIndex'), mp.f64(1)])],
      ['a header that is a string', mp.fixstr('header')],
    ])('rejects %s, which Consul cannot decode into its header struct', (_what, h) => {
      expect(scanError(stateBin(h, [[29, chunking]])).code).toBe('SNAPSHOT_STATE_INVALID')
    })

    it('accepts a header written as an array, which Go decodes into the struct by position', () => {
      expect(scan(stateBin(mp.fixarray(mp.fixint(5)), [[29, chunking]])).records).toHaveLength(1)
    })

    it('accepts a state.bin that holds only the header', () => {
      expect(scan(header(5))).toEqual({ records: [], lastIndex: 5n })
    })
  })

  describe('map keys', () => {
    const chunkMap = mp.fixmap([
      mp.fixstr('ChunkMap'),
      mp.fixmap([mp.u64(2n ** 60n), mp.fixarray(mp.fixmap([mp.fixstr('Data'), mp.str16('d'.repeat(50))]))]),
    ])

    it('accepts the uint64 keys of a ChunkingState ChunkMap, which restore decodes into its own type', () => {
      const bytes = stateBin(header(1), [[29, chunkMap]])
      expect(scan(bytes).records).toEqual([
        { type: 29, offset: header(1).length, size: bytes.length, key: null },
      ])
    })

    it.each([
      ['an integer', mp.u64(7n)],
      ['a map', mp.fixmap()],
      ['an array', mp.fixarray()],
      ['a boolean', mp.bool(true)],
      ['a float', mp.f64(1)],
      ['an ext', mp.fixext(1, Buffer.from([1]))],
    ])('rejects %s as a map key elsewhere, as Consul fails to decode it', (_what, key) => {
      for (const record of [
        mp.fixmap([key, mp.nil()]),
        mp.fixarray(mp.fixmap([mp.fixstr('a'), mp.fixmap([key, mp.nil()])])),
      ]) {
        expect(scanError(stateBin(header(1), [[7, record]])).code).toBe('SNAPSHOT_STATE_INVALID')
        expect(scanError(stateBin(header(1), [[2, record]])).code).toBe('SNAPSHOT_STATE_INVALID')
      }
    })

    it('checks keys in every position of a map and only keys', () => {
      const ok = mp.fixmap(
        [mp.fixstr('a'), mp.u64(1n)],
        [
          mp.fixstr('b'),
          mp.fixmap([mp.fixstr('c'), mp.fixarray(mp.u8(1), mp.fixmap([mp.fixstr('d'), mp.fixint(1)]))]),
        ],
      )
      expect(scan(stateBin(header(1), [[7, ok]])).records).toHaveLength(1)
      const bad = mp.fixmap(
        [mp.fixstr('a'), mp.u64(1n)],
        [
          mp.fixstr('b'),
          mp.fixmap([mp.fixstr('c'), mp.fixarray(mp.u8(1), mp.fixmap([mp.fixint(1), mp.fixint(1)]))]),
        ],
      )
      expect(scanError(stateBin(header(1), [[7, bad]])).code).toBe('SNAPSHOT_STATE_INVALID')
    })
  })

  describe('invalid data', () => {
    it('rejects the never-used byte 0xc1 with its offset', () => {
      const bytes = stateBin(header(1), [[2, mp.fixmap([mp.fixstr('Key'), Buffer.from([0xc1])])]])
      const error = scanError(bytes)
      expect(error.code).toBe('SNAPSHOT_STATE_INVALID')
      expect(error.details).toEqual({ offset: bytes.length - 1 })
    })

    it('rejects an empty state.bin', () => {
      expect(scanError(Buffer.alloc(0)).code).toBe('SNAPSHOT_STATE_INVALID')
    })

    it('rejects data that ends inside any value, whatever the chunking', () => {
      const boundaries = new Set([12, 85, 102, 114])
      for (let end = 1; end < WORKED_EXAMPLE_STATE_BIN.length; end++) {
        if (boundaries.has(end)) continue
        const cut = WORKED_EXAMPLE_STATE_BIN.subarray(0, end)
        expect(scanError(cut).code).toBe('SNAPSHOT_STATE_INVALID')
        expect(scanError(cut, [Math.floor(end / 2)]).code).toBe('SNAPSHOT_STATE_INVALID')
      }
    })

    it('rejects a container that declares more elements than the data holds', () => {
      const bytes = stateBin(header(1), [[2, Buffer.from([0xdf, 0xff, 0xff, 0xff, 0xff])]])
      expect(scanError(bytes).code).toBe('SNAPSHOT_STATE_INVALID')
    })
  })
})

describe('StateScanner on arbitrary bytes', () => {
  it('either finishes or throws SNAPSHOT_STATE_INVALID, never anything else', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat({ max: 300 }), { maxLength: 5 }),
        (bytes, cuts) => {
          try {
            scan(
              bytes,
              cuts.filter((c) => c <= bytes.length),
            )
          } catch (error) {
            expect(error).toBeInstanceOf(AppError)
            expect((error as AppError).code).toBe('SNAPSHOT_STATE_INVALID')
          }
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('where the unfinished record began', () => {
  it('is the type byte of the record cut by the end of what was pushed, 0 in the header, -1 between records', () => {
    const { records } = scan(WORKED_EXAMPLE_STATE_BIN)
    const starts = records.map((r) => r.offset)
    const expected = (pushed: number): number => {
      if (pushed < (starts[0] as number)) return 0
      if (starts.includes(pushed)) return -1
      return starts.filter((s) => s < pushed).at(-1) as number
    }
    const scanner = new StateScanner({ captureKeys: true, captureKvFields: true, onRecord: () => {} })
    const seen: number[] = []
    const wanted: number[] = []
    for (let at = 0; at < WORKED_EXAMPLE_STATE_BIN.length; at++) {
      scanner.push(WORKED_EXAMPLE_STATE_BIN.subarray(at, at + 1))
      seen.push(scanner.openRecordStart)
      wanted.push(at + 1 === WORKED_EXAMPLE_STATE_BIN.length ? -1 : expected(at + 1))
    }
    expect(records.length).toBeGreaterThan(2)
    expect(seen).toEqual(wanted)
  })
})
