import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { appendFile, mkdtemp, rename, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GrowingFile, type FollowedFile } from '../../../src/main/services/consul/growing-file'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-growing-file-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function created(path: string, bytes: Uint8Array): Promise<FollowedFile> {
  await writeFile(path, bytes)
  const { dev, ino } = await stat(path, { bigint: true })
  return { path, dev, ino }
}

async function collect(file: GrowingFile): Promise<Buffer> {
  const pieces: Uint8Array[] = []
  for await (const piece of file) pieces.push(piece)
  return Buffer.concat(pieces)
}

describe('GrowingFile: a file read behind its writer', () => {
  it('hands out exactly the bytes written so far, waits for more, and stops at the end', async () => {
    const path = join(dir, 'a.part')
    const first = randomBytes(3 * 1024 * 1024 + 5)
    const second = randomBytes(700_000)
    const file = await GrowingFile.open(await created(path, first))
    file.grown(first.length)
    const pieces = file[Symbol.asyncIterator]()
    const taken: Uint8Array[] = []
    while (file.read < first.length) {
      const piece = await pieces.next()
      if (piece.done === true) throw new Error('ended early')
      taken.push(piece.value)
    }

    // Everything written is taken: the next read waits until the writer says more.
    const waiting = pieces.next()
    await appendFile(path, second)
    file.end(first.length + second.length)
    for (let piece = await waiting; piece.done !== true; piece = await pieces.next()) taken.push(piece.value)

    expect(Buffer.concat(taken).equals(Buffer.concat([first, second]))).toBe(true)
  })

  it('never reads past what the writer said is written', async () => {
    const path = join(dir, 'b.part')
    const bytes = randomBytes(100_000)
    const file = await GrowingFile.open(await created(path, bytes))
    file.end(40_000)

    expect((await collect(file)).equals(bytes.subarray(0, 40_000))).toBe(true)
  })

  it('refuses a file put in place of the writer’s own', async () => {
    const path = join(dir, 'c.part')
    const own = await created(path, randomBytes(10))
    await writeFile(join(dir, 'other'), randomBytes(10))
    await rename(join(dir, 'other'), path)

    await expect(GrowingFile.open(own)).rejects.toMatchObject({ code: 'FILE_UNREADABLE' })
  })

  it('refuses a FIFO or a link put in place of the writer’s file without waiting on it', async () => {
    const fifo = await created(join(dir, 'g.part'), randomBytes(10))
    await rm(fifo.path)
    execFileSync('mkfifo', [fifo.path])
    await expect(GrowingFile.open(fifo)).rejects.toMatchObject({ code: 'FILE_UNREADABLE' })

    const link = await created(join(dir, 'h.part'), randomBytes(10))
    await rename(link.path, join(dir, 'h.real'))
    await symlink(join(dir, 'h.real'), link.path)
    await expect(GrowingFile.open(link)).rejects.toMatchObject({ code: 'FILE_UNREADABLE' })
  })

  it('refuses a file that is gone', async () => {
    const own = await created(join(dir, 'd.part'), randomBytes(10))
    await rm(own.path)

    await expect(GrowingFile.open(own)).rejects.toMatchObject({ code: 'FILE_UNREADABLE' })
  })

  it('reports a file cut shorter than the writer said', async () => {
    const path = join(dir, 'e.part')
    const file = await GrowingFile.open(await created(path, randomBytes(50_000)))
    await truncate(path, 10_000)
    file.end(50_000)

    await expect(collect(file)).rejects.toMatchObject({ code: 'FILE_UNREADABLE' })
  })

  it('ends a waiting reader with the error it is aborted with', async () => {
    const path = join(dir, 'f.part')
    const file = await GrowingFile.open(await created(path, randomBytes(10)))
    file.grown(10)
    const reading = collect(file)
    file.abort(new Error('stopped'))

    await expect(reading).rejects.toThrow('stopped')
  })
})
