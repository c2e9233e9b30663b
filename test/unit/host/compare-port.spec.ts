// The window's comparisons: kept open by id for paging and value views, the oldest closed when
// too many are open, and a profile compared through the fresh snapshot its port is given.
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createComparePort } from '../../../src/main/host/compare-port'
import {
  buildStateBin,
  chunkingStateRecord,
  kvsRecord,
  writeSnapshotFile,
} from '../../support/state-bin-writer'

const dir = mkdtempSync(path.join(tmpdir(), 'compare-port-'))
const spillDir = mkdtempSync(path.join(dir, 'spill-'))
const before = path.join(dir, 'before.snap')
const after = path.join(dir, 'after.snap')
const work = { signal: new AbortController().signal, onProgress: () => undefined }

beforeAll(async () => {
  await writeSnapshotFile(
    before,
    buildStateBin(5, [kvsRecord({ key: 'k', value: 'old' }), chunkingStateRecord()]),
    5,
  )
  await writeSnapshotFile(
    after,
    buildStateBin(6, [kvsRecord({ key: 'k', value: 'new' }), chunkingStateRecord()]),
    6,
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('compare port', () => {
  const asked: string[] = []
  const port = createComparePort({
    spillDir,
    maxOpen: 2,
    profileName: (id) => `profile ${id}`,
    snapshotProfile: (profileId) => async (folder) => {
      asked.push(profileId)
      const file = path.join(folder, 'live.snap')
      copyFileSync(after, file)
      return file
    },
  })

  it('answers pages of changes and a key’s two values by comparison id', async () => {
    const summary = await port.open(before, { path: after }, '', work)
    expect(summary).toMatchObject({
      total: 1,
      counts: { kv: { changed: 1 } },
      left: { label: 'before.snap' },
    })
    const page = await port.changes(summary.comparisonId, 'kv', 0, 10)
    expect(page).toMatchObject({ total: 1, changes: [{ key: 'k', op: 'changed', fields: ['value'] }] })
    const values = await port.kvValues(summary.comparisonId, 'k', 1024)
    expect(
      [values.before?.valueBase64, values.after?.valueBase64].map((b) =>
        Buffer.from(b ?? '', 'base64').toString(),
      ),
    ).toEqual(['old', 'new'])
    expect(await port.close(summary.comparisonId)).toBe(true)
    await expect(port.changes(summary.comparisonId, 'kv', 0, 10)).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    })
  })

  it('compares with a profile through a fresh snapshot, labelled with the profile’s name', async () => {
    const summary = await port.open(before, { profileId: 'p1' }, '', work)
    expect(asked).toEqual(['p1'])
    expect(summary.right.label).toBe('profile p1')
    await port.close(summary.comparisonId)
  })

  it('closes the least recently used comparison when a third opens, and removes every working copy at the end', async () => {
    const first = await port.open(before, { path: after }, '', work)
    const second = await port.open(before, { path: after }, '', work)
    await port.changes(first.comparisonId, 'kv', 0, 1)
    const third = await port.open(before, { path: after }, '', work)
    await expect(port.changes(second.comparisonId, 'kv', 0, 1)).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    })
    await expect(port.changes(first.comparisonId, 'kv', 0, 1)).resolves.toMatchObject({ total: 1 })
    await expect(port.changes(third.comparisonId, 'kv', 0, 1)).resolves.toMatchObject({ total: 1 })
    await port.closeAll()
    expect(readdirSync(spillDir)).toEqual([])
  })
})
