import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useInspectStore } from '../../../../../src/renderer/features/inspect/inspect-store'
import {
  installStudioPort,
  type InspectOptions,
  type Operation,
  type SnapshotInspectionWire,
  type SnapshotSourceRef,
} from '../../../../../src/renderer/ports/studio-port'
import { useErrorStore } from '../../../../../src/renderer/store/error-store'
import { fakeStudioPort } from '../../fake-studio-port'

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

describe('inspect store', () => {
  beforeEach(() => {
    useInspectStore.getState().close()
    useInspectStore.setState({ kvOptions: { depth: 2, filter: '' } })
    useErrorStore.getState().clear()
  })

  it('shows progress while the file is read, then the summary and its integrity verdict', async () => {
    const seen: Array<number> = []
    installStudioPort(
      fakeStudioPort({
        snapshots: {
          inspect: async (_source: SnapshotSourceRef, _options: InspectOptions, op?: Operation) => {
            op?.onProgress?.({ bytes: 100, total: 200 })
            seen.push(useInspectStore.getState().progress?.bytes ?? -1)
            return inspection
          },
        },
      }),
    )

    await useInspectStore.getState().open(source)

    expect(seen).toEqual([100])
    expect(useInspectStore.getState().status).toBe('ready')
    expect(useInspectStore.getState().integrity?.verified).toBe(true)
    expect(useInspectStore.getState().progress).toBeNull()
  })

  it('cancels a read: the operation is aborted and the screen goes back, with no error shown', async () => {
    let signal: AbortSignal | undefined
    installStudioPort(
      fakeStudioPort({
        snapshots: {
          inspect: (_source: SnapshotSourceRef, _options: InspectOptions, op?: Operation) =>
            new Promise<SnapshotInspectionWire>((_resolve, reject) => {
              signal = op?.signal
              op?.signal?.addEventListener('abort', () =>
                reject({ code: 'CANCELLED', message: 'Cancelled.' }),
              )
            }),
        },
      }),
    )
    const reading = useInspectStore.getState().open(source)
    expect(useInspectStore.getState().status).toBe('reading')

    useInspectStore.getState().cancel()
    await reading

    expect(signal?.aborted).toBe(true)
    expect(useInspectStore.getState().status).toBe('empty')
    expect(useErrorStore.getState().errors).toEqual([])
  })

  it('reports a damaged file with the engine’s hint and keeps the screen usable', async () => {
    installStudioPort(
      fakeStudioPort({
        snapshots: {
          inspect: () =>
            Promise.reject({
              code: 'SNAPSHOT_TRUNCATED',
              message: 'big.snap ends early.',
              hint: 'The copy is incomplete; copy it again.',
            }),
        },
      }),
    )

    await useInspectStore.getState().open(source)

    expect(useInspectStore.getState().status).toBe('error')
    expect(useErrorStore.getState().errors[0]).toMatchObject({
      code: 'SNAPSHOT_TRUNCATED',
      hint: 'The copy is incomplete; copy it again.',
      context: 'Opening big.snap',
    })
  })

  it('re-reads the KV breakdown with another depth and prefix, as -kvdepth and -kvfilter', async () => {
    const inspect = vi.fn((_source: SnapshotSourceRef, _options: InspectOptions) =>
      Promise.resolve(inspection),
    )
    installStudioPort(fakeStudioPort({ snapshots: { inspect } }))
    await useInspectStore.getState().open(source)

    await useInspectStore.getState().applyKvOptions({ depth: 3, filter: 'vault/logical' })

    expect(inspect.mock.calls.at(-1)?.[1]).toEqual({ kvDetails: true, kvDepth: 3, kvFilter: 'vault/logical' })
    expect(useInspectStore.getState().kvOptions).toEqual({ depth: 3, filter: 'vault/logical' })
  })
})
