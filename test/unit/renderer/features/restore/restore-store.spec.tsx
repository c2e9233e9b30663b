// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  restoreBlockedBecause,
  useRestoreStore,
} from '../../../../../src/renderer/features/restore/restore-store'
import {
  installStudioPort,
  type RestorePreflight,
  type SnapshotInspectionWire,
} from '../../../../../src/renderer/ports/studio-port'
import { useErrorStore } from '../../../../../src/renderer/store/error-store'
import { fakeStudioPort, profileView } from '../../fake-studio-port'

const target = profileView('prod-east')
const source = { kind: 'path' as const, path: '/backups/prod.snap', name: 'prod.snap' }

const inspection: SnapshotInspectionWire = {
  meta: {
    id: '2-13-1602222343947',
    size: '5141',
    index: '13',
    term: '2',
    version: 1,
    configurationIndex: '1',
    servers: [],
    peers: null,
  },
  stats: [{ name: 'KVS', count: 3, sum: 300 }],
  kvStats: null,
  totalSize: 5141,
  totalSizeKV: 0,
  integrity: { verified: true, files: [] },
  archiveBytes: 2000,
  lastIndex: '13',
  enterpriseTypes: [],
  text: { pretty: '', json: '' },
}

function preflight(blockers: RestorePreflight['blockers'] = []): RestorePreflight {
  return {
    file: {
      path: source.path,
      size: 5141,
      id: 'x',
      index: 13,
      term: 2,
      formatVersion: 1,
      stats: [],
      totalSize: 5141,
      enterpriseTypes: [],
      consulVersion: null,
      consulVersionSource: 'unknown',
      datacenter: null,
    },
    target: {
      endpoint: 'http://127.0.0.1:8500',
      leader: '127.0.0.1:8300',
      consulVersion: '1.14.8',
      datacenter: 'dc1',
      nodeName: 'n1',
      currentIndex: 40,
    },
    warnings: [],
    blockers,
  }
}

const health = {
  leader: '127.0.0.1:8300',
  autopilotHealthy: true,
  readIndex: 41,
  waitedMs: 10,
  healthy: true,
  summary: 'The cluster has a leader and answers reads.',
}

async function walkToConfirm(run = vi.fn()) {
  installStudioPort(
    fakeStudioPort({
      profiles: { list: () => Promise.resolve([target]) },
      snapshots: { inspect: () => Promise.resolve(inspection) },
      restore: { preflight: () => Promise.resolve(preflight()), run },
    }),
  )
  const store = useRestoreStore.getState()
  await store.loadProfiles()
  await store.useSource(source)
  useRestoreStore.getState().toTarget()
  await useRestoreStore.getState().chooseTarget(target.id)
  useRestoreStore.getState().toConfirm()
  return run
}

describe('restore wizard store', () => {
  beforeEach(() => {
    useRestoreStore.getState().reset()
    useErrorStore.getState().clear()
  })

  it('walks file → review → target → confirm after the file verifies and the preflight passes', async () => {
    await walkToConfirm()
    expect(useRestoreStore.getState().step).toBe('confirm')
    expect(useRestoreStore.getState().safetySnapshot).toBe(true)
  })

  it('does not start the restore until the typed confirmation matches the target name exactly', async () => {
    const run = await walkToConfirm(
      vi.fn(() =>
        Promise.resolve({ path: source.path, bytes: 5141, durationMs: 20, safetySnapshot: null, health }),
      ),
    )

    for (const attempt of ['', 'prod', 'PROD-EAST', 'prod-east ']) {
      useRestoreStore.getState().setConfirmation(attempt)
      expect(await useRestoreStore.getState().start()).toBe(false)
    }

    expect(run).not.toHaveBeenCalled()
    expect(useRestoreStore.getState().step).toBe('confirm')
  })

  it('starts the restore with the safety snapshot once the confirmation matches', async () => {
    const run = await walkToConfirm(
      vi.fn(() =>
        Promise.resolve({ path: source.path, bytes: 5141, durationMs: 20, safetySnapshot: null, health }),
      ),
    )

    useRestoreStore.getState().setConfirmation('prod-east')
    const started = await useRestoreStore.getState().start()

    expect(started).toBe(true)
    expect(run).toHaveBeenCalledTimes(1)
    expect(run.mock.calls[0]?.[0]).toEqual({
      profileId: target.id,
      source,
      safetySnapshot: true,
      confirmation: 'prod-east',
    })
    expect(useRestoreStore.getState().step).toBe('done')
  })

  it('cannot reach the confirmation step while the preflight reports a blocker', async () => {
    installStudioPort(
      fakeStudioPort({
        profiles: { list: () => Promise.resolve([target]) },
        snapshots: { inspect: () => Promise.resolve(inspection) },
        restore: {
          preflight: () =>
            Promise.resolve(preflight([{ code: 'NO_LEADER', message: 'The target has no leader.' }])),
        },
      }),
    )
    await useRestoreStore.getState().loadProfiles()
    await useRestoreStore.getState().useSource(source)
    useRestoreStore.getState().toTarget()
    await useRestoreStore.getState().chooseTarget(target.id)

    useRestoreStore.getState().toConfirm()

    expect(useRestoreStore.getState().step).toBe('target')
  })

  it('stays on the file step and reports the error when the file does not verify', async () => {
    installStudioPort(
      fakeStudioPort({
        snapshots: {
          inspect: () =>
            Promise.reject({
              code: 'SNAPSHOT_CHECKSUM_MISMATCH',
              message: 'state.bin does not match SHA256SUMS.',
              hint: 'The file is damaged; use another backup.',
            }),
        },
      }),
    )

    await useRestoreStore.getState().useSource(source)

    expect(useRestoreStore.getState().step).toBe('file')
    expect(useErrorStore.getState().errors[0]).toMatchObject({
      code: 'SNAPSHOT_CHECKSUM_MISMATCH',
      hint: 'The file is damaged; use another backup.',
    })
  })
})

describe('restoreBlockedBecause', () => {
  const ready = { source, fileVerified: true, target, preflight: preflight(), confirmation: 'prod-east' }

  it('allows the restore only when every condition holds', () => {
    expect(restoreBlockedBecause(ready)).toBeNull()
    expect(restoreBlockedBecause({ ...ready, source: null })).toMatch(/Choose a snapshot/)
    expect(restoreBlockedBecause({ ...ready, fileVerified: false })).toMatch(/did not verify/)
    expect(restoreBlockedBecause({ ...ready, target: null })).toMatch(/Choose the cluster/)
    expect(restoreBlockedBecause({ ...ready, preflight: null })).toMatch(/Wait/)
    expect(restoreBlockedBecause({ ...ready, confirmation: 'prod-eas' })).toBe('Type “prod-east” to confirm.')
  })
})

describe('cancelling a running restore', () => {
  beforeEach(() => {
    useRestoreStore.getState().reset()
    useErrorStore.getState().clear()
  })

  it('asks the service to stop and returns to the confirmation once it has, without an error message', async () => {
    let seenSignal: AbortSignal | undefined
    const run = vi.fn(
      (_request: unknown, _onProgress: unknown, signal?: AbortSignal) =>
        new Promise<never>((_resolve, reject) => {
          seenSignal = signal
          signal?.addEventListener('abort', () =>
            reject({ code: 'CANCELLED', message: 'Cancelled before the last byte.' }),
          )
        }),
    )
    await walkToConfirm(run)
    useRestoreStore.getState().setConfirmation('prod-east')
    const started = useRestoreStore.getState().start()
    expect(useRestoreStore.getState().step).toBe('running')

    useRestoreStore.getState().cancel()

    expect(seenSignal?.aborted).toBe(true)
    expect(await started).toBe(false)
    expect(useRestoreStore.getState().step).toBe('confirm')
    expect(useErrorStore.getState().errors).toEqual([])
  })
})
