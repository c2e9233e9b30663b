import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSnapshotCatalogue } from '../../../../src/main/services/snapshot/catalogue'
import {
  buildSnapshotArchive,
  buildStateBin,
  kvsRecord,
  writeSnapshotFile,
} from '../../../support/state-bin-writer'
import { filesIn, fixtureStateBin } from './catalogue-fixture'
import { gunzipSync, gzipSync } from 'node:zlib'

let dir: string
let spillDir: string

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'catalogue-open-'))
  spillDir = path.join(dir, 'spill')
  mkdirSync(spillDir)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('openSnapshotCatalogue', () => {
  it('opens a .snap archive in one pass and keeps meta.json and the verification beside the catalogue', async () => {
    const file = path.join(dir, 'backup.snap')
    await writeSnapshotFile(file, fixtureStateBin(), 123)
    const progress: number[] = []
    const catalogue = await openSnapshotCatalogue(file, {
      spillDir,
      onProgress: (p) => progress.push(p.bytes),
    })
    try {
      expect(catalogue.source?.meta.index).toBe(123n)
      expect(catalogue.source?.integrity.verified).toBe(true)
      expect(catalogue.summary().kvKeys).toBe(8)
      expect(await catalogue.kvGet('top')).toMatchObject({ value: Buffer.from('level').toString('base64') })
      expect(progress.at(-1)).toBe(readFileSync(file).length)
    } finally {
      await catalogue.close()
    }
    expect(filesIn(spillDir)).toEqual([])
  })

  it('refuses an archive whose state.bin fails its checksum and leaves no working file behind', async () => {
    const file = path.join(dir, 'corrupt.snap')
    const tar = gunzipSync(await buildSnapshotArchive(fixtureStateBin()))
    const at = tar.indexOf(Buffer.from('app/config.json'))
    tar[at] = 'A'.charCodeAt(0)
    writeFileSync(file, gzipSync(tar))
    await expect(openSnapshotCatalogue(file, { spillDir })).rejects.toMatchObject({
      code: 'SNAPSHOT_CHECKSUM_MISMATCH',
    })
    expect(filesIn(spillDir)).toEqual([])
  })

  it('reports a state.bin that ends inside a record as invalid state', async () => {
    const file = path.join(dir, 'truncated-state.snap')
    const state = buildStateBin(5, [kvsRecord({ key: 'a', value: 'b' })])
    await writeSnapshotFile(file, state.subarray(0, state.length - 2))
    await expect(openSnapshotCatalogue(file, { spillDir })).rejects.toMatchObject({
      code: 'SNAPSHOT_STATE_INVALID',
    })
    expect(filesIn(spillDir)).toEqual([])
  })

  it('stops when cancelled, with a CANCELLED error', async () => {
    const file = path.join(dir, 'backup.snap')
    await writeSnapshotFile(file, fixtureStateBin())
    const controller = new AbortController()
    controller.abort()
    await expect(openSnapshotCatalogue(file, { spillDir, signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    })
    expect(filesIn(spillDir)).toEqual([])
  })

  it('says so when the file does not exist', async () => {
    await expect(openSnapshotCatalogue(path.join(dir, 'missing.snap'), { spillDir })).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    })
  })
})
