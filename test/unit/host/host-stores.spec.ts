import { mkdtemp, readdir, readFile, rm, writeFile, mkdir, utimes, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRecentFilesStore } from '../../../src/main/host/recent-files-store'
import { createRecentFoldersStore } from '../../../src/main/host/recent-folders-store'
import { createSourceResolver } from '../../../src/main/host/source-resolver'
import {
  createUploadFolder,
  createUploadStore,
  sweepStaleUploadFolders,
} from '../../../src/main/host/upload-store'

let folder: string

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'host-stores-'))
})

afterEach(async () => {
  await rm(folder, { recursive: true, force: true })
})

describe('the source resolver', () => {
  it('accepts a regular file by path', async () => {
    const file = join(folder, 'a.snap')
    await writeFile(file, 'x')

    expect(await createSourceResolver().resolve({ kind: 'path', path: file })).toBe(file)
  })

  it('says FILE_NOT_FOUND for a missing file and FILE_UNREADABLE for a folder', async () => {
    const resolver = createSourceResolver()
    await mkdir(join(folder, 'dir.snap'))

    await expect(
      resolver.resolve({ kind: 'path', path: join(folder, 'missing.snap') }),
    ).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
    await expect(resolver.resolve({ kind: 'path', path: join(folder, 'dir.snap') })).rejects.toMatchObject({
      code: 'FILE_UNREADABLE',
    })
  })

  it('refuses an upload id this host never handed out', async () => {
    const resolver = createSourceResolver({ uploads: createUploadStore(join(folder, 'uploads')) })

    await expect(resolver.resolve({ kind: 'upload', uploadId: '0'.repeat(32) })).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    })
  })
})

describe('the upload store', () => {
  it('streams a body to a private file named by a random id, keeping the shown name harmless', async () => {
    const uploads = createUploadStore(join(folder, 'uploads'))

    const uploaded = await uploads.receive(
      Readable.from([Buffer.from('abc'), Buffer.from('def')]),
      '../../etc/passwd\u0000.snap',
    )
    const path = uploads.pathOf(uploaded.uploadId)

    expect(uploaded.uploadId).toMatch(/^[a-f0-9]{32}$/)
    expect(uploaded.size).toBe(6)
    expect(uploaded.name).not.toContain('/')
    expect(path).toBe(join(folder, 'uploads', uploaded.uploadId, uploaded.name))
    expect(await readFile(path as string, 'utf8')).toBe('abcdef')
  })

  it('keeps the original file name, so facts in it (the Consul version) survive the upload', async () => {
    const uploads = createUploadStore(join(folder, 'uploads'))
    const name = 'prod-dc1-20260101-120000-idx42-v1.14.8.snap'

    const uploaded = await uploads.receive(Readable.from([Buffer.from('x')]), name)

    expect(uploaded.name).toBe(name)
    expect(basename(uploads.pathOf(uploaded.uploadId) as string)).toBe(name)
  })

  it('stores names that are not file names inside the upload folder', async () => {
    const uploads = createUploadStore(join(folder, 'uploads'))

    for (const name of ['..', '.', 'a:b?.snap', 'é'.repeat(200)]) {
      const uploaded = await uploads.receive(Readable.from([Buffer.from('x')]), name)
      const path = uploads.pathOf(uploaded.uploadId) as string

      expect(join(path, '..')).toBe(join(folder, 'uploads', uploaded.uploadId))
      expect(Buffer.byteLength(basename(path))).toBeLessThanOrEqual(255)
      expect(await readFile(path, 'utf8')).toBe('x')
    }
  })

  it('leaves no partial file when the upload breaks off', async () => {
    const uploads = createUploadStore(join(folder, 'uploads'))
    const broken = new Readable({
      read() {
        this.push(Buffer.from('partial'))
        this.destroy(new Error('connection reset'))
      },
    })

    await expect(uploads.receive(broken, 'x.snap')).rejects.toMatchObject({ code: 'FILE_UNREADABLE' })
    expect(await readdir(join(folder, 'uploads'))).toEqual([])
  })

  it('forgets and deletes every upload on dispose', async () => {
    const uploads = createUploadStore(join(folder, 'uploads'))
    const uploaded = await uploads.receive(Readable.from([Buffer.from('x')]), 'x.snap')

    await uploads.dispose()

    expect(uploads.pathOf(uploaded.uploadId)).toBeNull()
    await expect(readdir(join(folder, 'uploads'))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

describe('the recent files list', () => {
  it('keeps the newest first, without duplicates, up to its limit', async () => {
    let now = 0
    const store = createRecentFilesStore({ dataDir: folder, limit: 2, clock: () => new Date(++now * 1000) })

    await store.add('/a.snap')
    await store.add('/b.snap')
    await store.add('/a.snap')
    const files = await store.add('/c.snap')

    expect(files.map((file) => file.path)).toEqual(['/c.snap', '/a.snap'])
    expect(await store.list()).toEqual(files)
  })

  it('sets a damaged list aside and starts empty', async () => {
    await writeFile(join(folder, 'recent-files.json'), '{not json')
    const store = createRecentFilesStore({ dataDir: folder, clock: () => new Date(42) })

    const files = await store.list()

    expect(files).toEqual([])
    expect(await readdir(folder)).toContain('recent-files.json.corrupt-42')
  })

  it('creates a missing data folder private to the user (it also holds profiles and secrets)', async () => {
    const fresh = join(folder, 'fresh-data')
    const store = createRecentFilesStore({ dataDir: fresh })

    await store.add('/a.snap')

    expect((await stat(fresh)).mode & 0o777).toBe(0o700)
  })
})

describe('leftovers of a crashed web host', () => {
  it('are swept when older than a day; fresh folders and other files stay', async () => {
    const stale = await createUploadFolder(folder)
    const fresh = await createUploadFolder(folder)
    await writeFile(join(folder, 'unrelated.txt'), 'x')
    await utimes(stale, new Date(0), new Date(0))

    const removed = await sweepStaleUploadFolders(folder)

    expect(removed).toBe(1)
    expect((await readdir(folder)).sort()).toEqual([basename(fresh), 'unrelated.txt'].sort())
  })
})

describe('the recent folders list', () => {
  it('offers the folders saved into, newest first, without duplicates, up to its limit', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((name) => join(folder, name)) as [string, string, string]
    for (const dir of [a, b, c]) await mkdir(dir)
    const store = createRecentFoldersStore({ dataDir: join(folder, 'data'), limit: 2 })

    await store.add(a)
    await store.add(b)
    await store.add(a)
    await store.add(c)

    expect(await store.list()).toEqual([c, a])
  })

  it('offers only folders that still exist', async () => {
    const kept = join(folder, 'kept')
    await mkdir(kept)
    const store = createRecentFoldersStore({ dataDir: join(folder, 'data') })
    await store.add(join(folder, 'removed-since'))
    await store.add(kept)

    expect(await store.list()).toEqual([kept])
  })

  it('sets a damaged list aside and starts a new one', async () => {
    await mkdir(join(folder, 'data'))
    await writeFile(join(folder, 'data', 'recent-folders.json'), '{oops')
    const store = createRecentFoldersStore({ dataDir: join(folder, 'data'), clock: () => new Date(7) })

    expect(await store.list()).toEqual([])
    expect((await readdir(join(folder, 'data'))).sort()).toEqual(['recent-folders.json.corrupt-7'])
  })
})
