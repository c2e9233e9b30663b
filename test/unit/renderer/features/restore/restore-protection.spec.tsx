// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest'
import type { RestorePort } from '../../../../../src/main/host/host-services'
import type { ProfileView } from '../../../../../src/shared/profile-types'
import type { SnapshotInspectionWire } from '../../../../../src/shared/snapshot-wire-types'
import type { RestorePreflight } from '../../../../../src/shared/consul-types'
import { createTestStudio, fakeProfiles, fakeRestore, profileView } from '../../studio-harness'

const source = { kind: 'path' as const, path: '/backups/prod.snap', name: 'prod.snap' }
const inspection = {
  meta: {
    version: 1,
    index: '13',
    term: '2',
    id: 'x',
    size: '1',
    configurationIndex: '1',
    servers: [],
    peers: null,
  },
  stats: [],
  kvStats: null,
  totalSize: 1,
  totalSizeKV: 0,
  integrity: { verified: true, files: [] },
  archiveBytes: 1,
  lastIndex: '13',
  enterpriseTypes: [],
  text: { pretty: '', json: '' },
} as SnapshotInspectionWire
const preflight = {
  file: { index: 13 },
  target: { datacenter: 'dc1', currentIndex: 40 },
  warnings: [],
  blockers: [],
} as unknown as RestorePreflight

async function walk(target: ProfileView) {
  const restore = vi.fn<RestorePort['restore']>(async () => ({
    path: source.path,
    bytes: 1,
    durationMs: 1,
    safetySnapshot: null,
    health: { leader: 'l', autopilotHealthy: true, readIndex: 41, waitedMs: 1, healthy: true, summary: 'ok' },
  }))
  const preflightCall = vi.fn<RestorePort['preflight']>(async () => preflight)
  const studio = createTestStudio({
    profiles: fakeProfiles({ list: async () => ({ profiles: [target], notice: null }) }),
    inspect: { inspect: async () => inspection, verify: async () => inspection },
    restore: fakeRestore({ preflight: preflightCall, restore }),
  })
  const store = studio.stores.restore
  await store.getState().loadProfiles()
  await store.getState().useSource(source)
  store.getState().toTarget()
  await store.getState().chooseTarget(target.id)
  store.getState().toConfirm()
  return { store, restore, preflightCall }
}

describe('the restore wizard and protection levels', () => {
  it('cannot choose a read-only profile as the target: no preflight, no confirmation step, no restore', async () => {
    const { store, restore, preflightCall } = await walk(profileView('archive', { protection: 'read-only' }))
    expect(store.getState().target).toBeNull()
    expect(store.getState().step).toBe('target')
    expect(await store.getState().start()).toBe(false)
    expect(preflightCall).not.toHaveBeenCalled()
    expect(restore).not.toHaveBeenCalled()
  })

  it('asks a protected target for the typed name and then the second confirmation, with the safety snapshot locked on', async () => {
    const target = profileView('prod', { protection: 'protected' })
    const { store, restore } = await walk(target)
    store.getState().setSafetySnapshot(false)
    expect(store.getState().safetySnapshot).toBe(true)
    store.getState().setConfirmation('prod')
    expect(await store.getState().start()).toBe(false)
    expect(restore).not.toHaveBeenCalled()
    store.getState().setLossAcknowledged(true)
    expect(await store.getState().start()).toBe(true)
    expect(restore.mock.calls[0]?.[0]).toMatchObject({
      safetySnapshot: true,
      confirmation: 'prod',
      acknowledgeLoss: true,
    })
  })
})
