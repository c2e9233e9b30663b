import { describe, expect, it } from 'vitest'
import { KvTableBuilder, type KvTable } from '../../../../src/main/services/snapshot/catalogue/kv-table'

function table(keys: string[], flags: Record<string, bigint> = {}): KvTable {
  const builder = new KvTableBuilder()
  keys.forEach((key, i) =>
    builder.add(
      Buffer.from(key),
      0,
      Buffer.byteLength(key),
      i * 100,
      90,
      i * 100 + 80,
      key.length,
      flags[key] ?? 0n,
    ),
  )
  return builder.finish()
}
const keysOf = (t: KvTable): string[] => Array.from({ length: t.size }, (_, i) => t.keyAt(i))

describe('KvTable', () => {
  it('keeps keys in byte order even when the records arrive out of order, with their offsets', () => {
    const t = table(['b', 'a/2', 'a/1', 'é', 'Z'], { 'a/1': 7n })
    expect(keysOf(t)).toEqual(['Z', 'a/1', 'a/2', 'b', 'é'])
    expect(t.row(1)).toEqual({
      key: 'a/1',
      recordOffset: 200,
      recordLength: 90,
      valueOffset: 280,
      valueSize: 3,
      flags: 7n,
    })
  })

  it('keeps the last record of a key written twice, as restoring the file would', () => {
    const inOrder = table(['a', 'b', 'b', 'c'])
    expect(keysOf(inOrder)).toEqual(['a', 'b', 'c'])
    expect(inOrder.row(1).recordOffset).toBe(200)
    const outOfOrder = table(['b', 'a', 'c', 'b'])
    expect(keysOf(outOfOrder)).toEqual(['a', 'b', 'c'])
    expect(outOfOrder.row(1).recordOffset).toBe(300)
  })

  it('finds exact keys and the range of a prefix', () => {
    const t = table(['a', 'a/', 'a/b', 'a/c/d', 'ab', 'b'])
    expect(t.indexOf(Buffer.from('a/b'))).toBe(2)
    expect(t.indexOf(Buffer.from('a/x'))).toBe(-1)
    expect(t.prefixRange(Buffer.from('a/'))).toEqual([1, 4])
    expect(t.prefixRange(Buffer.from('a'))).toEqual([0, 5])
    expect(t.prefixRange(Buffer.from('zz'))).toEqual([6, 6])
    expect(t.prefixRange(Buffer.from(''))).toEqual([0, 6])
  })

  it('searches keys ignoring ASCII case, one hit per key, up to a limit', () => {
    const t = table(['Config/App', 'config/db', 'other', 'x/CONFIG/config'])
    expect(t.searchKeys(Buffer.from('config'), 10)).toEqual({ indexes: [0, 1, 3], truncated: false })
    expect(t.searchKeys(Buffer.from('CONFIG'), 2)).toEqual({ indexes: [0, 1], truncated: true })
  })

  it('never matches across the boundary between two keys', () => {
    const t = table(['ab', 'cd'])
    expect(t.searchKeys(Buffer.from('bc'), 10).indexes).toEqual([])
  })

  it('holds a million keys in a few tens of megabytes', () => {
    const builder = new KvTableBuilder()
    for (let i = 0; i < 1_000_000; i++) {
      const key = `service/${String(Math.floor(i / 1000)).padStart(4, '0')}/config/${String(i).padStart(7, '0')}`
      builder.add(Buffer.from(key), 0, key.length, i * 120, 110, i * 120 + 40, 64, 0n)
    }
    const t = builder.finish()
    expect(t.size).toBe(1_000_000)
    const keyBytes = 1_000_000 * 'service/0000/config/0000000'.length
    // 24 bytes per key of numbers, plus the key bytes themselves; no per-key objects.
    expect(t.byteLength).toBe(keyBytes + 1_000_001 * 4 + 1_000_000 * (8 + 4 + 4 + 4))
    expect(t.byteLength).toBeLessThan(50 * 1024 * 1024)
    expect(t.keyAt(999_999)).toBe('service/0999/config/0999999')
    expect(t.indexOf(Buffer.from('service/0500/config/0500123'))).toBe(500_123)
  }, 120_000)
})
