import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createUploadStore } from '../../../src/main/host/upload-store'

const body = (bytes: number) => Readable.from([Buffer.alloc(bytes, 1)])

describe('the upload store and its limits', () => {
  let folder: string

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'upload-store-'))
  })

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  it('refuses an upload larger than its limit while it streams, keeping nothing of it', async () => {
    const store = createUploadStore(folder, { limits: { maxBytes: 1024 } })

    const refused = await store.receive(body(4096), 'huge.snap').catch((error: unknown) => error)
    const fits = await store.receive(body(1024), 'small.snap')

    expect(refused).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('huge.snap') })
    expect(await readdir(folder)).toEqual([fits.uploadId])
  })

  it('keeps only the newest uploads, deleting the oldest from disk', async () => {
    const store = createUploadStore(folder, { limits: { maxUploads: 2 } })

    const first = await store.receive(body(10), 'a.snap')
    const firstPath = store.pathOf(first.uploadId)
    await store.receive(body(10), 'b.snap')
    await store.receive(body(10), 'c.snap')

    expect(store.pathOf(first.uploadId)).toBeNull()
    expect(existsSync(firstPath ?? '')).toBe(false)
    expect(await readdir(folder)).toHaveLength(2)
  })

  it('forgets an upload after its lifetime, and deletes it with the next one', async () => {
    let now = 0
    const store = createUploadStore(folder, { limits: { lifetimeMs: 1000 }, now: () => now })
    const old = await store.receive(body(10), 'old.snap')
    const oldPath = store.pathOf(old.uploadId)

    now = 1000
    const expired = store.pathOf(old.uploadId)
    await store.receive(body(10), 'new.snap')

    expect(oldPath).not.toBeNull()
    expect(expired).toBeNull()
    expect(existsSync(oldPath ?? '')).toBe(false)
  })

  it('deletes one upload when asked', async () => {
    const store = createUploadStore(folder)
    const uploaded = await store.receive(body(10), 'a.snap')

    expect(await store.remove(uploaded.uploadId)).toBe(true)
    expect(await store.remove(uploaded.uploadId)).toBe(false)
    expect(await store.remove('../../etc')).toBe(false)
    expect(store.pathOf(uploaded.uploadId)).toBeNull()
    expect(await readdir(folder)).toEqual([])
  })
})
