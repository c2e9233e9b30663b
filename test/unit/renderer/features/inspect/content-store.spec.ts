import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  KV_PAGE_SIZE,
  kvRowAt,
  parentPrefix,
  useContentStore,
} from '../../../../../src/renderer/features/inspect/content-store'
import {
  installStudioPort,
  type CatalogueSummary,
  type KvPageWire,
} from '../../../../../src/renderer/ports/studio-port'
import { useErrorStore } from '../../../../../src/renderer/store/error-store'
import { fakeStudioPort } from '../../fake-studio-port'

const source = { kind: 'path' as const, path: '/backups/big.snap', name: 'big.snap' }
const catalogue: CatalogueSummary = {
  catalogueId: 'c1',
  counts: { kv: 1_000_000 },
  meta: { id: 'x', index: '1', term: '1' },
  lastIndex: '1',
  stateBytes: 1,
  kvValueBytes: 1,
  tombstones: 0,
}

function page(prefix: string, offset: number, limit: number, total = 1_000_000): KvPageWire {
  const rows = Array.from({ length: Math.min(limit, total - offset) }, (_, i) => {
    const name = `k${offset + i}`
    return { key: `${prefix}${name}`, name, folder: false, size: 10 }
  })
  return { prefix, total, offset, rows }
}

describe('content store', () => {
  beforeEach(() => {
    useContentStore.getState().reset()
    useErrorStore.getState().clear()
  })

  it('fetches only the pages of KV rows the visible window needs', async () => {
    const kvChildren = vi.fn((_id: string, prefix: string, offset: number, limit: number) =>
      Promise.resolve(page(prefix, offset, limit)),
    )
    installStudioPort(
      fakeStudioPort({ snapshots: { openCatalogue: () => Promise.resolve(catalogue), kvChildren } }),
    )
    await useContentStore.getState().open(source)

    useContentStore.getState().ensureRows(500_000, 500_030)
    await vi.waitFor(() => expect(kvChildren).toHaveBeenCalledTimes(2))

    const offsets = kvChildren.mock.calls.map((call) => call[2])
    expect(offsets).toEqual([0, Math.floor(500_000 / KV_PAGE_SIZE) * KV_PAGE_SIZE])
    await vi.waitFor(() => expect(kvRowAt(useContentStore.getState().kv, 500_010)?.name).toBe('k500010'))
  })

  it('leaves problems with the file itself to the summary, so the operator reads one message', async () => {
    installStudioPort(
      fakeStudioPort({
        snapshots: {
          openCatalogue: () => Promise.reject({ code: 'SNAPSHOT_NOT_GZIP', message: 'not gzip' }),
        },
      }),
    )

    await useContentStore.getState().open(source)

    expect(useContentStore.getState().status).toBe('error')
    expect(useErrorStore.getState().errors).toEqual([])
  })

  it('does not catalogue the same file twice while it is loading or loaded', async () => {
    const openCatalogue = vi.fn(() => Promise.resolve(catalogue))
    installStudioPort(
      fakeStudioPort({
        snapshots: {
          openCatalogue,
          kvChildren: (_id, prefix, offset, limit) => Promise.resolve(page(prefix, offset, limit, 3)),
        },
      }),
    )

    await Promise.all([useContentStore.getState().open(source), useContentStore.getState().open(source)])

    expect(openCatalogue).toHaveBeenCalledTimes(1)
  })

  it('knows the folder a key sits in', () => {
    expect(parentPrefix('a/b/c')).toBe('a/b/')
    expect(parentPrefix('a/b/')).toBe('a/')
    expect(parentPrefix('top')).toBe('')
  })
})
