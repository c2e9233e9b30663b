import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  KV_PAGE_SIZE,
  kvRowAt,
  parentPrefix,
} from '../../../../../src/renderer/features/inspect/content-store'
import { useErrorStore } from '../../../../../src/renderer/store/error-store'
import { AppError } from '../../../../../src/shared/app-error'
import type { CatalogueSummary, KvPageWire } from '../../../../../src/shared/browse-wire-types'
import { createTestStudio, fakeCatalogue } from '../../studio-harness'

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
    useErrorStore.getState().clear()
  })

  it('fetches only the pages of KV rows the visible window needs', async () => {
    const kvList = vi.fn(async (_id: string, prefix: string, offset: number, limit: number) =>
      page(prefix, offset, limit),
    )
    const { stores } = createTestStudio({ catalogue: fakeCatalogue({ open: async () => catalogue, kvList }) })
    await stores.content.getState().open(source)

    stores.content.getState().ensureRows(500_000, 500_030)
    await vi.waitFor(() => expect(kvList).toHaveBeenCalledTimes(2))

    const offsets = kvList.mock.calls.map((call) => call[2])
    expect(offsets).toEqual([0, Math.floor(500_000 / KV_PAGE_SIZE) * KV_PAGE_SIZE])
    await vi.waitFor(() => expect(kvRowAt(stores.content.getState().kv, 500_010)?.name).toBe('k500010'))
  })

  it('leaves problems with the file itself to the summary, so the operator reads one message', async () => {
    const { stores } = createTestStudio({
      catalogue: fakeCatalogue({
        open: async () => {
          throw new AppError('SNAPSHOT_NOT_GZIP', 'not gzip')
        },
      }),
    })

    await stores.content.getState().open(source)

    expect(stores.content.getState().status).toBe('error')
    expect(useErrorStore.getState().errors).toEqual([])
  })

  it('does not catalogue the same file twice while it is loading or loaded', async () => {
    const open = vi.fn(async () => catalogue)
    const { stores } = createTestStudio({
      catalogue: fakeCatalogue({
        open,
        kvList: async (_id, prefix, offset, limit) => page(prefix, offset, limit, 3),
      }),
    })

    await Promise.all([stores.content.getState().open(source), stores.content.getState().open(source)])

    expect(open).toHaveBeenCalledTimes(1)
  })

  it('runs a search typed while the contents were still loading once they are ready', async () => {
    let finishOpen: (summary: CatalogueSummary) => void = () => undefined
    const search = vi.fn(async () => ({
      hits: [{ kind: 'kv' as const, id: 'app/web.json', label: 'app/web.json' }],
      truncated: false,
    }))
    const { stores } = createTestStudio({
      catalogue: fakeCatalogue({
        open: () => new Promise<CatalogueSummary>((done) => (finishOpen = done)),
        kvList: async (_id, prefix, offset, limit) => page(prefix, offset, limit, 3),
        search,
      }),
    })
    const opened = stores.content.getState().open(source)
    await vi.waitFor(() => expect(stores.content.getState().status).toBe('loading'))

    await stores.content.getState().search('web')
    expect(search).not.toHaveBeenCalled()
    finishOpen(catalogue)
    await opened

    await vi.waitFor(() => expect(stores.content.getState().hits).toHaveLength(1))
    expect(search).toHaveBeenCalledWith('c1', 'web', 200)
  })

  it('knows the folder a key sits in', () => {
    expect(parentPrefix('a/b/c')).toBe('a/b/')
    expect(parentPrefix('a/b/')).toBe('a/')
    expect(parentPrefix('top')).toBe('')
  })
})
