import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LocalDestination } from '../../../src/main/services/backups/local-destination'
import { destinationSource, folderSource } from '../../../src/main/services/growth/backup-source'

describe('backup sources for growth', () => {
  let root: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ss-growth-source-'))
    await mkdir(join(root, 'store'))
    for (const name of ['consul-2.snap', 'consul-1.snap', 'consul-1.snap.json', 'notes.txt', '.hidden.snap'])
      await writeFile(join(root, 'store', name), name)
  })
  afterEach(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('lists only snapshot archives of a folder, and reads them in place', async () => {
    const source = await folderSource(join(root, 'store'))

    expect((await source.list()).map((entry) => entry.name)).toEqual(['consul-1.snap', 'consul-2.snap'])
    expect(
      await source.withLocalFile('consul-1.snap', new AbortController().signal, async (path) => path),
    ).toBe(join(root, 'store', 'consul-1.snap'))
  })

  it('reads a destination’s object through a private scratch copy that is gone afterwards', async () => {
    const scratch = join(root, 'scratch')
    const source = destinationSource(new LocalDestination(join(root, 'store')), scratch)

    const seen = await source.withLocalFile('consul-2.snap', new AbortController().signal, async (path) => ({
      text: await readFile(path, 'utf8'),
      mode: (await stat(path)).mode & 0o777,
    }))

    expect((await source.list()).map((entry) => entry.name)).toEqual(['consul-1.snap', 'consul-2.snap'])
    expect(seen).toEqual({ text: 'consul-2.snap', mode: 0o600 })
    expect(await readdir(scratch)).toEqual([])
  })

  it('removes the scratch copy when reading it fails', async () => {
    const scratch = join(root, 'scratch')
    const source = destinationSource(new LocalDestination(join(root, 'store')), scratch)

    await expect(
      source.withLocalFile('consul-1.snap', new AbortController().signal, async () => {
        throw new Error('scan failed')
      }),
    ).rejects.toThrow('scan failed')
    expect(await readdir(scratch)).toEqual([])
  })
})
