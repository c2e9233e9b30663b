import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import type { KvPageWire, KvRowWire } from '../../../src/shared/browse-wire-types'
import { catalogueKeySource } from '../../../src/main/services/selective-restore/snapshot-key-source'
import {
  checkSelection,
  liveKeyOf,
  parseRewrite,
} from '../../../src/main/services/selective-restore/kv-selection'

/** A catalogue's folder listing over a sorted key list, as SnapshotCatalogue.kvList pages it. */
function reader(keys: string[], pageSize = 2) {
  const sorted = [...keys].sort()
  return {
    async kvList(_id: string, prefix: string, offset: number, limit: number): Promise<KvPageWire> {
      const rows: KvRowWire[] = []
      for (const key of sorted) {
        if (!key.startsWith(prefix) || key === prefix) continue
        const rest = key.slice(prefix.length)
        const slash = rest.indexOf('/')
        if (slash < 0) rows.push({ key, name: rest, folder: false, size: 1 })
        else {
          const folder = prefix + rest.slice(0, slash + 1)
          const row = rows.find((r) => r.key === folder)
          if (row) row.count = (row.count ?? 0) + 1
          else rows.push({ key: folder, name: rest.slice(0, slash + 1), folder: true, size: 1, count: 1 })
        }
      }
      const page = rows.slice(offset, offset + Math.min(limit, pageSize))
      return { prefix, total: rows.length, offset, rows: page }
    },
    async kvValue(_id: string, key: string) {
      if (!sorted.includes(key)) throw new AppError('INVALID_ARGUMENT', `The snapshot holds no key "${key}".`)
      return {
        key,
        valueBase64: Buffer.from(`v:${key}`).toString('base64'),
        truncated: false,
        size: 1,
        flags: '0',
        session: null,
        createIndex: '1',
        modifyIndex: '1',
        lockIndex: '0',
      }
    },
  }
}

async function keysUnder(keys: string[], prefix: string): Promise<string[]> {
  const found: string[] = []
  for await (const entry of catalogueKeySource(reader(keys), 'c').entriesUnder(prefix)) found.push(entry.key)
  return found.sort()
}

describe('reading a prefix through the catalogue folder listing', () => {
  const keys = ['app', 'app/', 'app/a', 'app/b/', 'app/b/c', 'app/b/d/e', 'apple', 'zoo/z']

  it('finds every key that starts with the prefix as a plain string, folder keys and nested folders included', async () => {
    expect(await keysUnder(keys, 'app/')).toEqual(['app/', 'app/a', 'app/b/', 'app/b/c', 'app/b/d/e'])
    expect(await keysUnder(keys, 'app')).toEqual([
      'app',
      'app/',
      'app/a',
      'app/b/',
      'app/b/c',
      'app/b/d/e',
      'apple',
    ])
    expect(await keysUnder(keys, 'app/b/d')).toEqual(['app/b/d/e'])
    expect(await keysUnder(keys, '')).toEqual([...keys].sort())
  })

  it('reads values, and answers null for a key the file lacks', async () => {
    const source = catalogueKeySource(reader(keys), 'c')
    expect((await source.entry('app/a'))?.value.toString()).toBe('v:app/a')
    expect(await source.entry('missing')).toBeNull()
  })
})

describe('selections and rewrites', () => {
  it('parses old=new and moves keys from one prefix to the other', () => {
    const rewrite = parseRewrite('app/=restored/app/')
    expect(liveKeyOf('app/x/y', rewrite)).toBe('restored/app/x/y')
    expect(liveKeyOf('app/x/y', undefined)).toBe('app/x/y')
    expect(() => parseRewrite('no-equals')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => parseRewrite('a=a')).toThrow(/moves nothing/)
  })

  it('refuses an empty selection and one a rewrite cannot move', () => {
    expect(() => checkSelection({ prefixes: [], keys: [], deleteMissing: false })).toThrow(
      /Nothing was chosen/,
    )
    expect(() =>
      checkSelection({
        prefixes: ['other/'],
        keys: [],
        deleteMissing: false,
        rewrite: { from: 'app/', to: 'x/' },
      }),
    ).toThrow(/not under the rewrite/)
  })
})
