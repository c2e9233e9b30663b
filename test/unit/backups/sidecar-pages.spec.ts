import { describe, expect, it } from 'vitest'
import { pairSidecars, type StoreObject } from '../../../src/main/services/backups/sidecar-pages'

const at = new Date('2026-12-01T00:00:00Z')
const object = (name: string, size = 10): StoreObject => ({ name, size, modifiedAt: at })

function existsAmong(names: string[]) {
  const asked: string[] = []
  const exists = (name: string) => {
    asked.push(name)
    return Promise.resolve(names.includes(name))
  }
  return { exists, asked }
}

describe('pairSidecars', () => {
  it('hides a sidecar on the same page and marks its snapshot', async () => {
    const store = existsAmong([])
    const page = await pairSidecars(
      {
        objects: [object('consul-1.snap'), object('consul-1.snap.json', 2), object('consul-2.snap')],
        token: null,
      },
      store.exists,
    )
    expect(page.entries.map((e) => [e.name, e.hasSidecar])).toEqual([
      ['consul-1.snap', true],
      ['consul-2.snap', false],
    ])
    expect(page.next).toBeNull()
    expect(store.asked).toEqual([])
  })

  it('pairs a snapshot with a sidecar that fell on the next page, and hides it there', async () => {
    const store = existsAmong(['consul-2.snap', 'consul-2.snap.json'])
    const first = await pairSidecars(
      { objects: [object('consul-1.snap'), object('consul-2.snap')], token: 't1' },
      store.exists,
    )
    expect(first.entries.map((e) => [e.name, e.hasSidecar])).toEqual([
      ['consul-1.snap', false],
      ['consul-2.snap', true],
    ])
    expect(first.next).toBe('t1')
    const second = await pairSidecars(
      { objects: [object('consul-2.snap.json', 2), object('consul-3.snap')], token: null },
      store.exists,
    )
    expect(second.entries.map((e) => e.name)).toEqual(['consul-3.snap'])
  })

  it('lists an orphan .json as an object of its own, so nothing in the folder goes unseen', async () => {
    const store = existsAmong([])
    const page = await pairSidecars(
      { objects: [object('consul-9.snap.json'), object('notes.json')], token: null },
      store.exists,
    )
    expect(page.entries.map((e) => e.name)).toEqual(['consul-9.snap.json', 'notes.json'])
  })

  it('does not ask the store about the last entry of the last page', async () => {
    const store = existsAmong([])
    await pairSidecars({ objects: [object('consul-1.snap')], token: null }, store.exists)
    expect(store.asked).toEqual([])
  })
})
