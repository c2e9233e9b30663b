import { describe, expect, it } from 'vitest'
import { planChanges, type WantedValue } from '../../../src/main/services/selective-restore/kv-plan'
import type { LiveKvEntry } from '../../../src/main/services/selective-restore/live-kv'

const want = (value: string, flags = '0', sourceKey?: string): WantedValue => ({
  value: Buffer.from(value),
  flags,
  ...(sourceKey ? { sourceKey } : {}),
})
const live = (key: string, value: string, modifyIndex: number, flags = '0'): [string, LiveKvEntry] => [
  key,
  { key, value: Buffer.from(value), flags, modifyIndex },
]

describe('planChanges (the dry run)', () => {
  it('creates what is missing, updates what differs in value or flags, and leaves equal keys alone', () => {
    const { changes, unchanged } = planChanges(
      {
        wanted: new Map([
          ['a/new', want('1')],
          ['a/value', want('file')],
          ['a/flags', want('same', '9')],
          ['a/equal', want('same')],
        ]),
        mirrorPrefixes: [],
      },
      new Map([live('a/value', 'live', 11), live('a/flags', 'same', 12), live('a/equal', 'same', 13)]),
    )
    expect(changes.map((c) => [c.action, c.key, c.before?.modifyIndex ?? 0])).toEqual([
      ['update', 'a/flags', 12],
      ['create', 'a/new', 0],
      ['update', 'a/value', 11],
    ])
    expect(unchanged).toBe(1)
  })

  it('deletes live keys the file lacks only under the mirrored prefixes', () => {
    const { changes } = planChanges(
      { wanted: new Map([['a/keep', want('1')]]), mirrorPrefixes: ['a/'] },
      new Map([live('a/keep', '1', 5), live('a/extra', 'x', 6), live('b/outside', 'y', 7)]),
    )
    expect(changes.map((c) => [c.action, c.key, c.before?.modifyIndex])).toEqual([['delete', 'a/extra', 6]])
  })

  it('deletes a key an undo file says should be absent, and counts it unchanged when it already is', () => {
    const { changes, unchanged } = planChanges(
      {
        wanted: new Map<string, WantedValue | null>([
          ['created', null],
          ['never-there', null],
        ]),
        mirrorPrefixes: [],
      },
      new Map([live('created', 'v', 8)]),
    )
    expect(changes.map((c) => [c.action, c.key])).toEqual([['delete', 'created']])
    expect(unchanged).toBe(1)
  })

  it('names where a rewritten key came from', () => {
    const { changes } = planChanges(
      { wanted: new Map([['new/x', want('1', '0', 'old/x')]]), mirrorPrefixes: [] },
      new Map(),
    )
    expect(changes[0]).toMatchObject({ action: 'create', key: 'new/x', sourceKey: 'old/x' })
  })
})
