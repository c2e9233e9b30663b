import { statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureFreshBuild, repositoryRoot } from '../build/ensure-fresh-build'
import { createCataloguePort } from '../../../src/main/host/workers/catalogue-port'
import type { CataloguePort } from '../../../src/main/host/host-services'
import { createWorkerCataloguePort } from '../../../src/main/host/workers/worker-catalogue-port'

const root = repositoryRoot
const workerFile = join(root, 'out', 'main', 'catalogue-worker.js')
const sample = join(root, 'resources', 'sample', 'sample.snap')

beforeAll(() => {
  ensureFreshBuild()
}, 300_000)

const idle = { signal: new AbortController().signal, onProgress: () => undefined }

describe.each([
  ['in process', () => createCataloguePort()],
  ['in a worker thread', () => createWorkerCataloguePort(workerFile)],
])('browsing the sample snapshot %s', (_where, make) => {
  let port: CataloguePort & { closeAll(): Promise<void> }

  beforeAll(() => {
    port = make()
  })

  afterAll(async () => {
    await port.closeAll()
  })

  it('opens it with a summary and 64-bit values as text', async () => {
    const progress: number[] = []

    const summary = await port.open(sample, {
      signal: new AbortController().signal,
      onProgress: (event) => progress.push(event.bytes),
    })

    expect(summary.catalogueId).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(summary.meta.id).toBe('2-127-1795656114874')
    expect(summary.meta.index).toBe('127')
    expect(summary.counts.kv).toBeGreaterThan(0)
    expect(progress.at(-1)).toBe(statSync(sample).size)
  })

  it('lists the KV root as folders and keys, pages and values', async () => {
    const { catalogueId } = await port.open(sample, idle)

    const root = await port.kvList(catalogueId, '', 0, 50)
    const firstKey =
      root.rows.find((row) => !row.folder) ??
      (await port.kvList(catalogueId, root.rows[0]?.key ?? '', 0, 50)).rows.find((row) => !row.folder)
    const value = await port.kvValue(catalogueId, firstKey?.key ?? '', 1024)

    expect(root.total).toBeGreaterThan(0)
    expect(root.rows.every((row) => typeof row.name === 'string' && typeof row.size === 'number')).toBe(true)
    expect(value.key).toBe(firstKey?.key)
    expect(Buffer.from(value.valueBase64, 'base64').length).toBeLessThanOrEqual(value.size)
  })

  it('pages records with secrets masked, and reveals one on request', async () => {
    const { catalogueId } = await port.open(sample, idle)

    const tokens = await port.records(catalogueId, 'acl-tokens', 0, 50)
    const withSecret = tokens.items.find((item) => (item.secretFields ?? []).length > 0)

    expect(tokens.total).toBeGreaterThan(0)
    expect(withSecret).toBeDefined()
    const field = withSecret?.secretFields?.[0] ?? ''
    const shown = withSecret?.fields.find(([name]) => name === field)?.[1]
    const revealed = await port.revealSecret(catalogueId, 'acl-tokens', withSecret?.id ?? '', field)
    expect(revealed).not.toBe(shown)
  })

  it('searches names and keys', async () => {
    const { catalogueId } = await port.open(sample, idle)

    const result = await port.search(catalogueId, 'consul', 10)

    expect(result.hits.length).toBeGreaterThan(0)
    expect(result.hits.every((hit) => typeof hit.label === 'string')).toBe(true)
  })

  it('says a closed catalogue is no longer open', async () => {
    const { catalogueId } = await port.open(sample, idle)

    expect(await port.close(catalogueId)).toBe(true)
    await expect(port.kvList(catalogueId, '', 0, 10)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
  })

  it('answers a typed error for a file that is not a snapshot', async () => {
    await expect(port.open(join(root, 'package.json'), idle)).rejects.toMatchObject({
      code: 'SNAPSHOT_NOT_GZIP',
    })
  })
})
