import { describe, expect, it } from 'vitest'
import type { FileStatistics } from '../../../src/main/services/growth/file-statistics'
import { growthSeries } from '../../../src/main/services/growth/growth-series'

function file(
  index: number,
  types: Record<string, number>,
  kv: Record<string, number>,
  kvTruncated = false,
): FileStatistics {
  return {
    kind: 'snapshot-studio/growth-statistics',
    version: 1,
    sha256: index.toString(16).padStart(64, '0'),
    kvDepth: 1,
    index: String(index),
    archiveBytes: 0,
    totalSize: 0,
    totalSizeKV: 0,
    types: Object.entries(types).map(([name, sum]) => ({ name, count: 1, sum })),
    kv: Object.entries(kv).map(([name, sum]) => ({ name, count: 1, sum })),
    kvTruncated,
  }
}

describe('growth series', () => {
  it('measures each type and prefix from the first backup to the last, and the biggest step', () => {
    const result = growthSeries(
      [
        file(1, { KVS: 300, Register: 100 }, { app: 200, vault: 100 }),
        file(2, { KVS: 350, Register: 100 }, { app: 250, vault: 100 }),
        file(3, { KVS: 1300, Register: 90 }, { app: 1200, vault: 100 }),
      ],
      5,
    )

    expect(result.types.map((row) => [row.name, row.sums, row.change])).toEqual([
      ['KVS', [300, 350, 1300], 1000],
      ['Register', [100, 100, 90], -10],
    ])
    expect(result.movers[0]).toEqual({
      kind: 'kv',
      name: 'app',
      fromBytes: 200,
      toBytes: 1200,
      change: 1000,
      ratio: 6,
      biggestStep: { from: 1, to: 2, change: 950 },
    })
  })

  it('names KV growth by prefix, not as the KVS type (the same bytes counted twice)', () => {
    const result = growthSeries([file(1, { KVS: 100 }, { app: 100 }), file(2, { KVS: 900 }, { app: 900 })], 5)

    expect(result.movers.map((mover) => mover.name)).toEqual(['app'])
  })

  it('counts a type absent from a backup as zero, and a new prefix as growth from zero', () => {
    const result = growthSeries(
      [file(1, { KVS: 100 }, { a: 100 }), file(2, { KVS: 200, Session: 50 }, { a: 100, b: 100 })],
      5,
    )

    expect(result.types.find((row) => row.name === 'Session')?.sums).toEqual([0, 50])
    expect(result.movers.find((mover) => mover.name === 'b')).toMatchObject({
      fromBytes: 0,
      toBytes: 100,
      ratio: null,
    })
    expect(result.movers.find((mover) => mover.name === 'a')).toBeUndefined()
  })

  it('leaves a prefix unknown where a backup kept only its largest groups', () => {
    const result = growthSeries(
      [
        file(1, {}, { big: 1000, small: 10 }),
        file(2, {}, { big: 1000 }, true),
        file(3, {}, { big: 1000, small: 40 }),
      ],
      5,
    )

    const small = result.kvPrefixes.find((row) => row.name === 'small')
    expect(small?.sums).toEqual([10, null, 40])
    expect(small?.change).toBe(30)
  })

  it('reports the biggest prefixes and the biggest movers, at most `top` of each', () => {
    const kv = (n: number) =>
      Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`p${i}`, (i + 1) * 1000 + n * i]))
    const result = growthSeries(
      [file(1, {}, kv(0)), file(2, {}, { ...kv(1), tiny: 1 }), file(3, {}, { ...kv(2), tiny: 500 })],
      2,
    )

    expect(result.movers.map((mover) => mover.name)).toEqual(['tiny', 'p5'])
    expect(result.kvPrefixes.map((row) => row.name)).toEqual(['p5', 'p4', 'tiny'])
  })
})
