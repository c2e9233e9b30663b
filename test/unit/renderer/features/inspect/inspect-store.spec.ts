import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useErrorStore } from '../../../../../src/renderer/store/error-store'
import type { HostServices } from '../../../../../src/main/host/host-services'
import { AppError } from '../../../../../src/shared/app-error'
import type { SnapshotInspectionWire } from '../../../../../src/shared/snapshot-wire-types'
import { createFakeHostServices } from '../../../api/fake-host-services'
import { createTestStudio, fakeCatalogue, memoryRecentFiles } from '../../studio-harness'

const source = { kind: 'path' as const, path: '/backups/big.snap', name: 'big.snap' }

const inspection: SnapshotInspectionWire = {
  meta: {
    id: '2-9-1',
    size: '300',
    index: '9',
    term: '2',
    version: 1,
    configurationIndex: '1',
    servers: [],
    peers: null,
  },
  stats: [{ name: 'KVS', count: 3, sum: 300 }],
  kvStats: [{ name: 'app', count: 3, sum: 300 }],
  totalSize: 300,
  totalSizeKV: 300,
  integrity: { verified: true, files: [{ name: 'state.bin', expected: 'ab', actual: 'ab' }] },
  archiveBytes: 200,
  lastIndex: '9',
  enterpriseTypes: [],
  text: { pretty: '', json: '' },
}

const verify = createFakeHostServices().inspect.verify

describe('inspect store', () => {
  beforeEach(() => {
    useErrorStore.getState().clear()
  })

  it('shows progress while the file is read, then the summary and its integrity verdict', async () => {
    const seen: Array<unknown> = []
    const { stores } = createTestStudio({
      inspect: {
        verify,
        async inspect(_path, _options, work) {
          work.onProgress({ bytes: 100, totalBytes: 200 })
          seen.push(stores.inspect.getState().progress)
          return inspection
        },
      },
    })

    await stores.inspect.getState().open(source)

    expect(seen).toEqual([{ bytes: 100, totalBytes: 200 }])
    expect(stores.inspect.getState().status).toBe('ready')
    expect(stores.inspect.getState().integrity?.verified).toBe(true)
    expect(stores.inspect.getState().progress).toBeNull()
  })

  it('cancels a read: the host operation is aborted and the screen goes back, with no error shown', async () => {
    let hostSignal: AbortSignal | undefined
    let started: () => void = () => undefined
    const running = new Promise<void>((resolve) => (started = resolve))
    const { stores } = createTestStudio({
      inspect: {
        verify,
        inspect: (_path, _options, work) =>
          new Promise<SnapshotInspectionWire>((_resolve, reject) => {
            hostSignal = work.signal
            work.signal.addEventListener('abort', () => reject(new AppError('CANCELLED', 'Cancelled.')))
            started()
          }),
      },
    })
    const reading = stores.inspect.getState().open(source)
    await running
    expect(stores.inspect.getState().status).toBe('reading')

    stores.inspect.getState().cancel()
    await reading

    expect(hostSignal?.aborted).toBe(true)
    expect(stores.inspect.getState().status).toBe('empty')
    expect(useErrorStore.getState().errors).toEqual([])
  })

  it('reports a damaged file with the engine’s hint and keeps the screen usable', async () => {
    const { stores } = createTestStudio({
      inspect: {
        verify,
        inspect: async () => {
          throw new AppError('SNAPSHOT_TRUNCATED', 'big.snap ends early.', {
            hint: 'The copy is incomplete; copy it again.',
          })
        },
      },
    })

    await stores.inspect.getState().open(source)

    expect(stores.inspect.getState().status).toBe('error')
    expect(useErrorStore.getState().errors[0]).toMatchObject({
      code: 'SNAPSHOT_TRUNCATED',
      hint: 'The copy is incomplete; copy it again.',
      context: 'Opening big.snap',
    })
  })

  it('opens a file with snapshot.inspect and re-reads the KV breakdown with snapshot.kvDetails, at any depth', async () => {
    const inspect = vi.fn<HostServices['inspect']['inspect']>(async () => inspection)
    const studio = createTestStudio({ inspect: { verify, inspect } })
    await studio.stores.inspect.getState().open(source)

    // The default depth and no filter: the old adapter guessed the method from these values.
    await studio.stores.inspect.getState().applyKvOptions({ depth: 2, filter: '' })
    await studio.stores.inspect.getState().applyKvOptions({ depth: 3, filter: 'vault/logical' })

    const reads = studio.calls.filter((c) => c.method.startsWith('snapshot.') && !c.method.includes('browse'))
    expect(reads.map((c) => c.method)).toEqual([
      'snapshot.inspect',
      'snapshot.kvDetails',
      'snapshot.kvDetails',
    ])
    expect(reads[2]?.input).toMatchObject({ source, kvDepth: 3, kvFilter: 'vault/logical' })
    expect(inspect.mock.calls.at(-1)?.[1]).toEqual({ kvDetails: true, kvDepth: 3, kvFilter: 'vault/logical' })
    expect(studio.stores.inspect.getState().kvOptions).toEqual({ depth: 3, filter: 'vault/logical' })
  })

  it('starts cataloguing the contents from the open action itself, with no screen mounted', async () => {
    const open = vi.fn(async () => ({
      catalogueId: 'c1',
      counts: { kv: 0 },
      meta: { id: 'x', index: '9', term: '2' },
      lastIndex: '9',
      stateBytes: 300,
      kvValueBytes: 0,
      tombstones: 0,
    }))
    const { stores } = createTestStudio({ catalogue: fakeCatalogue({ open }) })

    await stores.inspect.getState().open(source)
    await vi.waitFor(() => expect(stores.content.getState().status).toBe('ready'))

    expect(open).toHaveBeenCalledWith(source.path, expect.anything())
    expect(stores.content.getState().catalogue?.catalogueId).toBe('c1')
  })

  it('drops the contents when the file is closed', async () => {
    const { stores } = createTestStudio()
    await stores.inspect.getState().open(source)
    await vi.waitFor(() => expect(stores.content.getState().status).toBe('ready'))

    stores.inspect.getState().close()

    expect(stores.content.getState().status).toBe('idle')
    expect(stores.content.getState().catalogue).toBeNull()
  })

  it('lists the file among the recent ones the host recorded when it opened it, without asking to add it', async () => {
    const recentFiles = memoryRecentFiles()
    const studio = createTestStudio({ recentFiles })

    await studio.stores.inspect.getState().open(source)
    await vi.waitFor(() => expect(studio.stores.inspect.getState().recent).toHaveLength(1))

    expect(studio.stores.inspect.getState().recent[0]).toMatchObject({ path: source.path, name: 'big.snap' })
    expect(studio.calls.map((c) => c.method)).not.toContain('recentFiles.add')
  })

  describe('a file that fails while another is open', () => {
    const bad = { kind: 'path' as const, path: '/backups/bad.snap', name: 'bad.snap' }

    function studioWithBadFile() {
      const closeCatalogue = vi.fn(async () => true)
      const studio = createTestStudio({
        sources: {
          // A dropped file is uploaded in browser mode; the host knows it by its upload id.
          resolve: async (s) => (s.kind === 'upload' ? '/uploads/1/bad.snap' : s.path),
        },
        inspect: {
          verify,
          inspect: async (path) => {
            if (path.endsWith('bad.snap'))
              throw new AppError('SNAPSHOT_NOT_GZIP', 'bad.snap is not a Consul snapshot.', {
                hint: 'Choose a .snap file made by consul snapshot save.',
              })
            return inspection
          },
        },
        catalogue: fakeCatalogue({ close: closeCatalogue }),
      })
      return { ...studio, closeCatalogue }
    }

    it('keeps the open file, its summary and its contents, and says why beside it', async () => {
      const { stores, closeCatalogue } = studioWithBadFile()
      await stores.inspect.getState().open(source)
      await vi.waitFor(() => expect(stores.content.getState().status).toBe('ready'))
      const catalogue = stores.content.getState().catalogue

      await stores.inspect.getState().open(bad)

      expect(stores.inspect.getState()).toMatchObject({
        status: 'ready',
        source,
        inspection,
        pending: null,
        openError: { name: 'bad.snap', error: { code: 'SNAPSHOT_NOT_GZIP' } },
      })
      expect(stores.content.getState()).toMatchObject({ status: 'ready', source, catalogue })
      expect(closeCatalogue).not.toHaveBeenCalled()
    })

    it('keeps it open when a dropped file fails after its upload', async () => {
      const { stores } = studioWithBadFile()
      await stores.inspect.getState().open(source)

      await stores.inspect.getState().openFile(new File(['not gzip'], 'bad.snap'))

      expect(stores.inspect.getState()).toMatchObject({
        status: 'ready',
        source,
        openError: { name: 'bad.snap', error: { message: 'bad.snap is not a Consul snapshot.' } },
      })
    })

    it('replaces the open file with one that verifies, and forgets the earlier failure', async () => {
      const { stores } = studioWithBadFile()
      const next = { kind: 'path' as const, path: '/backups/next.snap', name: 'next.snap' }
      await stores.inspect.getState().open(source)
      await stores.inspect.getState().open(bad)

      await stores.inspect.getState().open(next)

      expect(stores.inspect.getState()).toMatchObject({ status: 'ready', source: next, openError: null })
      await vi.waitFor(() => expect(stores.content.getState().source).toEqual(next))
    })
  })
})
