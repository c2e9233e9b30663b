import { describe, expect, it } from 'vitest'
import {
  StateRecordSplitter,
  type SplitRecord,
} from '../../../../src/main/services/snapshot/catalogue/state-record-splitter'
import { buildStateBin, chunkingStateRecord, indexRecord, kvsRecord } from '../../../support/state-bin-writer'

type Seen = { type: number; valueOffset: number; value: string }

function split(state: Buffer, chunkSizes: (i: number) => number): Seen[] {
  const seen: Seen[] = []
  const splitter = new StateRecordSplitter((r: SplitRecord) =>
    seen.push({ type: r.type, valueOffset: r.valueOffset, value: r.value.toString('hex') }),
  )
  let pos = 0
  for (let i = 0; pos < state.length; i++) {
    const n = chunkSizes(i)
    splitter.push(state.subarray(pos, pos + n))
    pos += n
  }
  splitter.finish()
  return seen
}

describe('StateRecordSplitter', () => {
  // The worked example of spec 6.2: header, KVS foo=bar, Index kvs=13, ChunkingState.
  const example = buildStateBin(13, [
    kvsRecord({ key: 'foo', value: 'bar', createIndex: 12, modifyIndex: 13 }),
    indexRecord('kvs', 13),
    chunkingStateRecord(),
  ])

  it('cuts the spec worked example into its three records at the documented offsets', () => {
    const records = split(example, () => example.length)
    expect(records.map((r) => [r.type, r.valueOffset, r.value.length / 2])).toEqual([
      [2, 13, 72],
      [16, 86, 16],
      [29, 103, 11],
    ])
  })

  it('gives the same records whatever the chunk sizes, even one byte at a time', () => {
    const whole = split(example, () => example.length)
    expect(split(example, () => 1)).toEqual(whole)
    expect(split(example, (i) => 1 + ((i * 7) % 13))).toEqual(whole)
  })

  it('handles a record far larger than the chunks', () => {
    const big = Buffer.alloc(300_000, 0x61)
    const state = buildStateBin(1, [
      kvsRecord({ key: 'big', value: big }),
      kvsRecord({ key: 'small', value: 'x' }),
    ])
    const records = split(state, () => 4096)
    expect(records).toHaveLength(2)
    expect(records[0]?.value).toContain(big.toString('hex').slice(0, 64))
    expect(records[1]?.value).toContain(Buffer.from('small').toString('hex'))
  })

  it('refuses a state.bin that ends inside a record', () => {
    expect(() => split(example.subarray(0, example.length - 1), () => 10)).toThrow(
      expect.objectContaining({ code: 'SNAPSHOT_STATE_INVALID' }),
    )
  })

  it('refuses an empty state.bin (no header)', () => {
    const splitter = new StateRecordSplitter(() => undefined)
    expect(() => splitter.finish()).toThrow(expect.objectContaining({ code: 'SNAPSHOT_STATE_INVALID' }))
  })

  it('refuses the byte 0xc1, which is no msgpack type', () => {
    const splitter = new StateRecordSplitter(() => undefined)
    expect(() => splitter.push(Buffer.concat([example.subarray(0, 12), Buffer.from([2, 0xc1])]))).toThrow(
      expect.objectContaining({ code: 'SNAPSHOT_STATE_INVALID' }),
    )
  })
})
