import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { StateScanner, type StateScannerOptions } from '../../../src/main/services/snapshot/state-scanner'
import { mp, stateBin } from '../../support/msgpack-forms'
import {
  buildStateBin,
  chunkingStateRecord,
  indexRecord,
  kvsRecord,
  registerNodeRecord,
  tombstoneRecord,
} from '../../support/state-bin-writer'

/**
 * The scanner walks a record that lies wholly in the chunk at hand in one go (record-fast-scan.ts)
 * and leaves every other record to its resumable state machine. Fed one byte at a time no record
 * lies in one chunk, so that feed is the state machine alone: every other feed must match it in
 * everything a caller can see.
 */

type Mode = Pick<StateScannerOptions, 'captureKeys' | 'captureKvFields'>
const MODES: Record<string, Mode> = {
  inspect: { captureKeys: false },
  'inspect -kvdetails': { captureKeys: true },
  'kv-export and the catalogue': { captureKeys: true, captureKvFields: true },
}

interface Observed {
  records: unknown[]
  outcome: unknown
}

function observe(bytes: Uint8Array, mode: Mode, chunkEnds: number[]): Observed {
  const records: unknown[] = []
  const scanner: StateScanner = new StateScanner({
    ...mode,
    onRecord: (type, offset, size, key, keyStart, keyEnd) =>
      records.push({
        type,
        offset,
        size,
        key: key === null ? null : Buffer.from(key.subarray(keyStart, keyEnd)).toString('hex'),
        current: scanner.currentType,
        flags: scanner.kvFlags,
        valueOffset: scanner.kvValueOffset,
        valueLength: scanner.kvValueLength,
        keyOffset: scanner.kvKeyOffset,
        keyLength: scanner.kvKeyLength,
      }),
  })
  try {
    let from = 0
    for (const to of [...chunkEnds, bytes.length]) {
      // A copy (except for single bytes, where it would only cost), so nothing can lean on the
      // chunks being views of one buffer.
      const chunk = bytes.subarray(from, to)
      scanner.push(chunk.length > 1 ? Buffer.from(chunk) : chunk)
      from = to
    }
    scanner.finish()
    return {
      records,
      outcome: { lastIndex: scanner.lastIndex, bytesScanned: scanner.bytesScanned },
    }
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    return {
      records,
      outcome: { code: error.code, message: error.message, details: error.details },
    }
  }
}

const everyNBytes = (length: number, n: number) =>
  Array.from({ length: Math.max(0, Math.ceil(length / n) - 1) }, (_, i) => (i + 1) * n)

function expectFeedsAgree(bytes: Uint8Array, cuts: number[] = []): void {
  for (const mode of Object.values(MODES)) {
    const machine = observe(bytes, mode, everyNBytes(bytes.length, 1))
    expect(observe(bytes, mode, [])).toEqual(machine)
    expect(observe(bytes, mode, everyNBytes(bytes.length, 7))).toEqual(machine)
    const sorted = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b)
    expect(observe(bytes, mode, sorted)).toEqual(machine)
  }
}

// Values of every wire form, nested, with map keys of every form (a non-string key is refused
// outside ChunkingState, so both verdicts get exercised).
const scalar = fc.oneof(
  fc.constantFrom(mp.nil(), mp.bool(true), mp.bool(false), mp.f32(1.5), mp.f64(-2.25)),
  fc.integer({ min: -32, max: 127 }).map(mp.fixint),
  fc.integer({ min: 0, max: 255 }).map(mp.u8),
  fc.integer({ min: 0, max: 65535 }).map(mp.u16),
  fc.nat().map(mp.u32),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(mp.u64),
  fc.integer({ min: -128, max: 127 }).map(mp.i8),
  fc.integer({ min: -32768, max: 32767 }).map(mp.i16),
  fc.integer().map(mp.i32),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(mp.i64),
  fc.string({ maxLength: 31 }).map((s) => mp.fixstr(Buffer.from(s).subarray(0, 31))),
  fc.uint8Array({ maxLength: 40 }).map(mp.str8),
  fc.uint8Array({ maxLength: 300 }).map(mp.str16),
  fc.uint8Array({ maxLength: 20 }).map(mp.str32),
  fc.uint8Array({ maxLength: 40 }).map(mp.bin8),
  fc.uint8Array({ maxLength: 20 }).map(mp.bin16),
  fc
    .constantFrom(1, 2, 4, 8, 16)
    .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }).map((d) => mp.fixext(3, d))),
  fc.uint8Array({ maxLength: 20 }).map((d) => mp.ext8(5, d)),
  fc.constant(mp.goTime(1_710_350_055, 109_823_000)),
)
const mapKey = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('Key', 'Flags', 'Value', 'Node', 'ID').map(mp.fixstr) },
  { weight: 2, arbitrary: fc.constantFrom(mp.str8('Key'), mp.bin8(Buffer.from('Value')), mp.nil()) },
  { weight: 1, arbitrary: fc.constantFrom(mp.u64(1n), mp.fixint(3), mp.fixmap(), mp.bool(false)) },
)
const { value } = fc.letrec<{ value: Buffer }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: scalar },
    fc.array(tie('value'), { maxLength: 6 }).map((items) => mp.fixarray(...items)),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => mp.array16(...items)),
    fc.array(fc.tuple(mapKey, tie('value')), { maxLength: 5 }).map((pairs) => mp.fixmap(...pairs)),
    fc.array(fc.tuple(mapKey, tie('value')), { maxLength: 3 }).map((pairs) => mp.map16(...pairs)),
  ),
}))

// DirEntry-like maps whose Key, Flags and Value come in every form, absent, repeated or odd.
const fieldName = (name: string) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant(mp.fixstr(name)) },
    { weight: 1, arbitrary: fc.constantFrom(mp.str8(name), mp.str16(name), mp.bin8(Buffer.from(name))) },
  )
const kvField = fc.oneof(
  fc.tuple(
    fieldName('Key'),
    fc.oneof(
      { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9/]{0,40}$/).map(mp.str16) },
      { weight: 1, arbitrary: value },
    ),
  ),
  fc.tuple(fieldName('Flags'), fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: value })),
  fc.tuple(
    fieldName('Value'),
    fc.oneof(
      { weight: 3, arbitrary: fc.uint8Array({ maxLength: 200 }).map(mp.bin16) },
      { weight: 2, arbitrary: value },
    ),
  ),
  fc.tuple(fc.constantFrom('CreateIndex', 'LockIndex', 'ModifyIndex', 'Session').map(mp.fixstr), value),
  fc.tuple(mapKey, value),
)
const kvMap = fc.oneof(
  { weight: 5, arbitrary: fc.array(kvField, { maxLength: 9 }).map((fields) => mp.fixmap(...fields)) },
  { weight: 1, arbitrary: fc.array(kvField, { maxLength: 4 }).map((fields) => mp.map16(...fields)) },
  { weight: 1, arbitrary: value },
)
const chunkMap = fc
  .array(fc.tuple(fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(mp.u64), mapKey), value), {
    maxLength: 3,
  })
  .map((entries) => mp.fixmap([mp.fixstr('ChunkMap'), mp.fixmap(...entries)]))
const record = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(2, 5), kvMap) },
  { weight: 1, arbitrary: fc.tuple(fc.constant(29), chunkMap) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 0, max: 255 }), value) },
)
const headerValue = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(mp.fixint(7), mp.u64(2n ** 60n), mp.i8(-1), mp.nil(), mp.fixstr('x'))
      .map((v) => mp.fixmap([mp.fixstr('LastIndex'), v])),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(mp.fixarray(mp.fixint(5)), mp.nil(), mp.fixstr('header'), mp.fixmap()),
  },
)
const generatedStateBin = fc
  .tuple(headerValue, fc.array(record, { maxLength: 12 }))
  .map(([h, records]) => stateBin(h, records))

// What a damaged file looks like: bytes overwritten (often with 0xc1 or a container byte that
// shifts everything after it), inserted, removed or cut off.
const mutation = fc.tuple(
  fc.constantFrom('set', 'insert', 'delete', 'truncate'),
  fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  fc.oneof(fc.constantFrom(0xc1, 0x8f, 0x9f, 0xdf, 0xdc, 0xda, 0xc6, 0x00), fc.integer({ min: 0, max: 255 })),
)
function mutate(bytes: Buffer, mutations: Array<[string, number, number]>): Buffer {
  let out = bytes
  for (const [kind, where, byte] of mutations) {
    if (out.length === 0) break
    const at = Math.floor(where * out.length)
    if (kind === 'set') {
      out = Buffer.from(out)
      out[at] = byte
    } else if (kind === 'insert')
      out = Buffer.concat([out.subarray(0, at), Buffer.from([byte]), out.subarray(at)])
    else if (kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1)])
    else out = out.subarray(0, at)
  }
  return out
}

const cuts = fc.array(fc.nat({ max: 4000 }), { maxLength: 8 })

// Thousands of scans per case: generous limits, so a loaded machine cannot fail them.
describe('StateScanner fast path', { timeout: 60_000 }, () => {
  it('agrees with the state machine on generated state.bin files, whole and in chunks of any size', () => {
    fc.assert(
      fc.property(generatedStateBin, cuts, (bytes, at) => expectFeedsAgree(bytes, at)),
      { numRuns: 250 },
    )
  })

  it('agrees with the state machine on damaged state.bin files, errors and their offsets included', () => {
    fc.assert(
      fc.property(
        generatedStateBin,
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        cuts,
        (bytes, mutations, at) => expectFeedsAgree(mutate(bytes, mutations), at),
      ),
      { numRuns: 250 },
    )
  })

  const consulLike = buildStateBin(42, [
    registerNodeRecord({ node: 'server-1' }),
    ...Array.from({ length: 30 }, (_, i) =>
      kvsRecord({ key: `app/${String(i).padStart(3, '0')}`, value: 'v'.repeat(i * 3), flags: i * 1000 }),
    ),
    tombstoneRecord('app/gone'),
    indexRecord('kvs', 31),
    chunkingStateRecord(),
  ])

  it('agrees on a state.bin written as Consul writes it, in every mode and chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: consulLike.length }), { maxLength: 10 }), (at) =>
        expectFeedsAgree(consulLike, at),
      ),
      { numRuns: 20 },
    )
  })

  it('agrees on that state.bin wherever one byte of it is damaged', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: consulLike.length - 1 }),
        fc.constantFrom(0xc1, 0x8f, 0xdf, 0xdc, 0xa0, 0x00),
        cuts,
        (at, byte, chunkEnds) => {
          const damaged = Buffer.from(consulLike)
          damaged[at] = byte
          expectFeedsAgree(damaged, chunkEnds)
        },
      ),
      { numRuns: 40 },
    )
  })

  it('agrees on values nested deeper than the fast path walks, and on counts longer than the data', () => {
    let deep: Buffer = mp.fixmap([mp.fixstr('Key'), mp.fixstr('deep')])
    for (let i = 0; i < 40; i++) deep = i % 2 === 0 ? mp.fixarray(deep) : mp.fixmap([mp.fixstr('n'), deep])
    const deepKv = mp.fixmap([mp.fixstr('Key'), mp.fixstr('k')], [mp.fixstr('Value'), deep])
    const longCount = Buffer.from([0xdd, 0x7f, 0xff, 0xff, 0xff, 0xc0])
    for (const bytes of [
      stateBin(mp.fixmap([mp.fixstr('LastIndex'), mp.fixint(1)]), [
        [7, deep],
        [2, deepKv],
        [29, mp.fixmap([mp.fixstr('ChunkMap'), mp.fixmap()])],
      ]),
      stateBin(mp.fixmap([mp.fixstr('LastIndex'), mp.fixint(1)]), [
        [2, mp.fixmap([mp.fixstr('Key'), mp.fixstr('a')])],
        [7, longCount],
      ]),
    ])
      expectFeedsAgree(bytes, [bytes.length >> 1])
  })

  describe.each(Object.entries(MODES))('in the %s mode', (_name, mode) => {
    it('reports every record of a whole file, with its key and fields', () => {
      const { records, outcome } = observe(consulLike, mode, [])
      expect(outcome).toEqual({ lastIndex: 42n, bytesScanned: consulLike.length })
      expect(records).toHaveLength(34)
      const withKeys = records.filter((r) => (r as { key: string | null }).key !== null)
      expect(withKeys).toHaveLength(mode.captureKeys ? 31 : 0)
    })
  })
})
