import { mkdirSync, mkdtempSync, rmSync, statfsSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SpillFile, sweepStaleSpillFiles } from '../../../../src/main/services/snapshot/catalogue/spill-file'
import { filesIn } from './catalogue-fixture'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'spill-spec-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('SpillFile', () => {
  it('reads in the caller\u2019s turn the same bytes an awaited read gives, and refuses what lies outside', async () => {
    const spill = new SpillFile(dir)
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) & 0xff))
    spill.append(bytes.subarray(0, 3000))
    spill.append(bytes.subarray(3000))
    await spill.seal()
    try {
      expect(spill.readSync(1234, 2500)).toEqual(await spill.read(1234, 2500))
      expect(spill.readSync(0, 5000)).toEqual(bytes)
      expect(() => spill.readSync(4000, 1001)).toThrow(expect.objectContaining({ code: 'INTERNAL' }))
    } finally {
      await spill.remove()
    }
    expect(() => spill.readSync(0, 1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  it('stops growing at its capacity with an error that says what to do, before the disk is full', async () => {
    const spill = new SpillFile(dir, { maxBytes: 1000 })

    spill.append(Buffer.alloc(600))
    const overflow = (() => {
      try {
        spill.append(Buffer.alloc(600))
        return null
      } catch (error) {
        return error
      }
    })()
    await spill.remove()

    expect(overflow).toMatchObject({
      code: 'FILE_UNREADABLE',
      hint: expect.stringContaining('Free disk space'),
    })
    expect(spill.size).toBe(600)
  })

  it('never plans on more than the free space of its disk', async () => {
    const info = statfsSync(dir)
    const spill = new SpillFile(dir)
    await spill.remove()

    expect(spill.capacity).toBeLessThan(info.bavail * info.bsize)
  })

  it('keeps the working copy readable only by its owner and reads it back by offset', async () => {
    const spill = new SpillFile(dir)
    spill.append(Buffer.from('hello '))
    spill.append(Buffer.from('world'))
    await spill.seal()
    expect(statSync(spill.path).mode & 0o777).toBe(0o600)
    expect((await spill.read(6, 5)).toString()).toBe('world')
    await expect(spill.read(8, 5)).rejects.toMatchObject({ code: 'INTERNAL' })
    await spill.remove()
    expect(filesIn(dir)).toEqual([])
    await expect(spill.read(0, 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('says where it could not create its working copy', () => {
    expect(() => new SpillFile(path.join(dir, 'missing', 'deeper'))).toThrow(
      expect.objectContaining({ code: 'FILE_UNREADABLE' }),
    )
  })
})

describe('sweepStaleSpillFiles', () => {
  it('removes working copies a dead process left behind, and nothing else', () => {
    const stale = path.join(dir, 'snapshot-studio-catalogue-old')
    const fresh = path.join(dir, 'snapshot-studio-catalogue-new')
    const unrelated = path.join(dir, 'someone-else')
    for (const d of [stale, fresh, unrelated]) {
      mkdirSync(d)
      writeFileSync(path.join(d, 'state.bin'), 'secret')
    }
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000)
    utimesSync(stale, twoDaysAgo, twoDaysAgo)
    utimesSync(unrelated, twoDaysAgo, twoDaysAgo)
    expect(sweepStaleSpillFiles(dir)).toBe(1)
    expect(
      filesIn(dir)
        .filter((f) => !f.includes(path.sep))
        .sort(),
    ).toEqual(['snapshot-studio-catalogue-new', 'someone-else'])
  })
})

describe('SpillFile.writeAt', () => {
  it('writes over what is there, grows only past its end, and reads back the bytes last written', async () => {
    const spill = new SpillFile(dir, { maxBytes: 100 })
    try {
      spill.writeAt(0, Buffer.from('a record that ran past its chunk'))
      spill.writeAt(0, Buffer.from('the next one'))
      expect(spill.size).toBe(32)
      spill.writeAt(12, Buffer.from(', longer than both of them'))
      expect(spill.size).toBe(38)
      expect(spill.readSync(0, 38).toString()).toBe('the next one, longer than both of them')
      expect(() => spill.writeAt(39, Buffer.from('x'))).toThrow(expect.objectContaining({ code: 'INTERNAL' }))
      expect(() => spill.writeAt(0, Buffer.alloc(101))).toThrow(
        expect.objectContaining({
          code: 'FILE_UNREADABLE',
          hint: expect.stringContaining('Free disk space'),
        }),
      )
      await spill.seal()
      expect(statSync(spill.path).size).toBe(38)
    } finally {
      await spill.remove()
    }
  })
})
