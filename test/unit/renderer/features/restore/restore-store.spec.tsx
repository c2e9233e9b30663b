// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { HostServices, RestorePort } from '../../../../../src/main/host/host-services'
import type { StoredBackupsPort } from '../../../../../src/main/services/stored-backups/stored-backups-service'
import { restoreBlockedBecause } from '../../../../../src/renderer/features/restore/restore-store'
import { RestoreWizard } from '../../../../../src/renderer/features/restore/restore-wizard'
import { useErrorStore } from '../../../../../src/renderer/store/error-store'
import { AppError } from '../../../../../src/shared/app-error'
import type { RestorePreflight, RestoreResult } from '../../../../../src/shared/consul-types'
import type { SnapshotInspectionWire } from '../../../../../src/shared/snapshot-wire-types'
import {
  createTestStudio,
  fakeProfiles,
  fakeRestore,
  profileView,
  strictPort,
  type TestStudio,
} from '../../studio-harness'

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

const verified: Pick<HostServices['inspect'], 'verify'> = { verify: async () => inspection }

function restoreStudio(restore: Partial<RestorePort>, extra: Partial<HostServices> = {}): TestStudio {
  return createTestStudio({
    profiles: fakeProfiles({ list: async () => ({ profiles: [target], notice: null }) }),
    inspect: { inspect: async () => inspection, ...verified },
    restore: fakeRestore({ preflight: async () => preflight(), ...restore }),
    ...extra,
  })
}

async function walkToConfirm(restore: RestorePort['restore'] = vi.fn()) {
  const studio = restoreStudio({ restore })
  const store = studio.stores.restore
  await store.getState().loadProfiles()
  await store.getState().useSource(source)
  store.getState().toTarget()
  await store.getState().chooseTarget(target.id)
  store.getState().toConfirm()
  return studio
}

const restored: RestoreResult = {
  path: source.path,
  bytes: 5141,
  durationMs: 20,
  safetySnapshot: null,
  health,
}

describe('restore wizard store', () => {
  beforeEach(() => {
    useErrorStore.getState().clear()
  })

  it('walks file → review → target → confirm after the file verifies and the preflight passes', async () => {
    const { stores } = await walkToConfirm()
    expect(stores.restore.getState().step).toBe('confirm')
    expect(stores.restore.getState().safetySnapshot).toBe(true)
  })

  it('verifies the file with restore.verify, the method that answers what the preflight checks', async () => {
    const { calls } = await walkToConfirm()
    expect(calls.map((c) => c.method)).toContain('restore.verify')
    expect(calls.map((c) => c.method)).not.toContain('snapshot.inspect')
  })

  it('does not start the restore until the typed confirmation matches the target name exactly', async () => {
    const run = vi.fn(async () => restored)
    const { stores } = await walkToConfirm(run)

    for (const attempt of ['', 'prod', 'PROD-EAST', 'prod-east ']) {
      stores.restore.getState().setConfirmation(attempt)
      expect(await stores.restore.getState().start()).toBe(false)
    }

    expect(run).not.toHaveBeenCalled()
    expect(stores.restore.getState().step).toBe('confirm')
  })

  it('starts the restore with the safety snapshot once the confirmation matches', async () => {
    const run = vi.fn<RestorePort['restore']>(async () => restored)
    const { stores } = await walkToConfirm(run)

    stores.restore.getState().setConfirmation('prod-east')
    const started = await stores.restore.getState().start()

    expect(started).toBe(true)
    expect(run).toHaveBeenCalledTimes(1)
    expect(run.mock.calls[0]?.[0]).toEqual({
      path: source.path,
      profileId: target.id,
      safetySnapshot: true,
      // The folder the confirmation showed, sent explicitly rather than left to the host.
      safetySnapshotFolder: '/tmp/snapshots',
      confirmation: 'prod-east',
      acknowledgeLoss: false,
    })
    expect(stores.restore.getState().step).toBe('done')
  })

  it('says before the confirmation what exactly to type and where the safety snapshot will be written', async () => {
    const studio = await walkToConfirm()
    await act(async () => {
      studio.render(<RestoreWizard />)
    })

    expect(screen.getByText(/type the target profile's name to confirm/)).toBeTruthy()
    expect(screen.getByLabelText(/Type the profile name prod-east exactly as shown/)).toBeTruthy()
    expect(screen.getByTestId('safety-folder').textContent).toContain('/tmp/snapshots')

    fireEvent.click(screen.getByTestId('safety-snapshot'))

    expect(screen.queryByTestId('safety-folder')).toBeNull()
  })

  it('cannot reach the confirmation step while the preflight reports a blocker', async () => {
    const { stores } = restoreStudio({
      preflight: async () => preflight([{ code: 'NO_LEADER', message: 'The target has no leader.' }]),
    })
    await stores.restore.getState().loadProfiles()
    await stores.restore.getState().useSource(source)
    stores.restore.getState().toTarget()
    await stores.restore.getState().chooseTarget(target.id)

    stores.restore.getState().toConfirm()

    expect(stores.restore.getState().step).toBe('target')
  })

  it('stays on the file step and reports the error when the file does not verify', async () => {
    const { stores } = restoreStudio(
      {},
      {
        inspect: {
          inspect: async () => inspection,
          verify: async () => {
            throw new AppError('SNAPSHOT_CHECKSUM_MISMATCH', 'state.bin does not match SHA256SUMS.', {
              hint: 'The file is damaged; use another backup.',
            })
          },
        },
      },
    )

    await stores.restore.getState().useSource(source)

    expect(stores.restore.getState().step).toBe('file')
    expect(useErrorStore.getState().errors[0]).toMatchObject({
      code: 'SNAPSHOT_CHECKSUM_MISMATCH',
      hint: 'The file is damaged; use another backup.',
    })
  })
})

/** A preflight that reports it is reading the file and then waits until it is let go or cancelled. */
function heldPreflight() {
  let release: () => void = () => undefined
  let reading: () => void = () => undefined
  const started = new Promise<void>((resolve) => (reading = resolve))
  let hostSignal: AbortSignal | undefined
  const preflightPort: RestorePort['preflight'] = (_path, _profileId, work) =>
    new Promise<RestorePreflight>((resolve, reject) => {
      hostSignal = work.signal
      work.onProgress({ phase: 'verifying', bytes: 2000, totalBytes: 5141, bytesPerSecond: 0, elapsedMs: 3 })
      work.signal.addEventListener('abort', () => reject(new AppError('CANCELLED', 'Cancelled.')))
      release = () => resolve(preflight())
      reading()
    })
  return { preflightPort, started, release: () => release(), signal: () => hostSignal }
}

describe('the preflight of the target', () => {
  beforeEach(() => {
    useErrorStore.getState().clear()
  })
  afterEach(cleanup)

  async function atTarget(preflightPort: RestorePort['preflight']) {
    const studio = restoreStudio({ preflight: preflightPort })
    await studio.stores.restore.getState().loadProfiles()
    await studio.stores.restore.getState().useSource(source)
    studio.stores.restore.getState().toTarget()
    return studio
  }

  it('shows how far it has read the file while it checks the target', async () => {
    const held = heldPreflight()
    const studio = await atTarget(held.preflightPort)
    studio.render(<RestoreWizard />)

    await act(async () => {
      fireEvent.click(screen.getByTestId('restore-target'))
      await held.started
    })

    expect(studio.stores.restore.getState().preflightProgress).toMatchObject({
      phase: 'verifying',
      bytes: 2000,
    })
    const bar = screen.getByRole('status')
    expect(bar.textContent).toContain('of 5KB (39%)')
    await act(async () => held.release())
    expect(studio.stores.restore.getState().preflightStatus).toBe('done')
  })

  it('can be cancelled: the host stops reading and the wizard waits for another choice, without an error', async () => {
    const held = heldPreflight()
    const studio = await atTarget(held.preflightPort)
    studio.render(<RestoreWizard />)
    await act(async () => {
      fireEvent.click(screen.getByTestId('restore-target'))
      await held.started
    })

    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
      await vi.waitFor(() => expect(studio.stores.restore.getState().preflightStatus).toBe('idle'))
    })

    expect(held.signal()?.aborted).toBe(true)
    expect(useErrorStore.getState().errors).toEqual([])
    expect(screen.queryByRole('status')).toBeNull()
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
    expect(restoreBlockedBecause({ ...ready, confirmation: 'prod-eas' })).toBe(
      'Type the profile name “prod-east” exactly as shown to confirm.',
    )
  })
})

describe('cancelling a running restore', () => {
  beforeEach(() => {
    useErrorStore.getState().clear()
  })

  it('asks the host to stop and returns to the confirmation once it has, without an error message', async () => {
    let hostSignal: AbortSignal | undefined
    let sending: () => void = () => undefined
    const started = new Promise<void>((resolve) => (sending = resolve))
    const { stores } = await walkToConfirm(
      (_request, work) =>
        new Promise<never>((_resolve, reject) => {
          hostSignal = work.signal
          work.signal.addEventListener('abort', () =>
            reject(new AppError('CANCELLED', 'Cancelled before the last byte.')),
          )
          sending()
        }),
    )
    stores.restore.getState().setConfirmation('prod-east')
    const running = stores.restore.getState().start()
    expect(stores.restore.getState().step).toBe('running')
    await started

    stores.restore.getState().cancel()

    expect(await running).toBe(false)
    expect(hostSignal?.aborted).toBe(true)
    expect(stores.restore.getState().step).toBe('confirm')
    expect(useErrorStore.getState().errors).toEqual([])
  })
})

describe('a copy the Backups view fetched for the restore', () => {
  const copy = { kind: 'upload' as const, uploadId: 'c'.repeat(32), name: 'prod-3.snap' }

  function preparedStudio() {
    const discarded: string[] = []
    const studio = restoreStudio(
      { restore: async () => restored },
      {
        sources: {
          async resolve(asked) {
            if (asked.kind === 'upload') return '/uploads/prod-3.snap'
            if (asked.kind === 'path') return asked.path
            throw new AppError('FILE_NOT_FOUND', 'No such snapshot.')
          },
        },
        storedBackups: strictPort<StoredBackupsPort>('storedBackups', {
          discardPrepared: async (uploadId) => {
            discarded.push(uploadId)
            return true
          },
        }),
      },
    )
    const discards = () => studio.calls.filter((call) => call.method === 'storedBackups.discardPrepared')
    return { studio, store: studio.stores.restore, discarded, discards }
  }

  beforeEach(() => {
    useErrorStore.getState().clear()
  })

  it('is kept while the wizard uses it and discarded once the restore is done', async () => {
    const { store, discarded, discards } = preparedStudio()
    await store.getState().loadProfiles()
    await store.getState().usePreparedCopy(copy)
    store.getState().toTarget()
    await store.getState().chooseTarget(target.id)
    store.getState().toConfirm()
    store.getState().setConfirmation('prod-east')
    expect(discards()).toEqual([])

    expect(await store.getState().start()).toBe(true)

    await vi.waitFor(() => expect(discarded).toEqual([copy.uploadId]))
    store.getState().reset()
    expect(discards()).toHaveLength(1)
  })

  it('is discarded, once, when the wizard starts over or another file replaces it', async () => {
    const { store, discarded, discards } = preparedStudio()
    await store.getState().usePreparedCopy(copy)
    store.getState().reset()
    await vi.waitFor(() => expect(discarded).toEqual([copy.uploadId]))

    const second = { ...copy, uploadId: 'd'.repeat(32) }
    await store.getState().usePreparedCopy(second)
    await store.getState().useSource(source)
    await vi.waitFor(() => expect(discarded).toEqual([copy.uploadId, second.uploadId]))
    store.getState().reset()
    expect(discards()).toHaveLength(2)
  })

  it('never discards a file the operator chose', async () => {
    const { store, discards } = preparedStudio()
    await store.getState().useSource(source)
    await store.getState().useSource({ ...copy, uploadId: 'e'.repeat(32) })
    store.getState().reset()

    expect(discards()).toEqual([])
    expect(useErrorStore.getState().errors).toEqual([])
  })
})
