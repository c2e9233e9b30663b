// @vitest-environment jsdom
// The Backups view of one plan destination: its backups newest first with what is known of each,
// a cluster filter, delete only after the name is typed, "Verify backups" with progress and the
// damaged ones named, and hand-overs: Inspect reads the backup streamed from its store, Restore
// fetches a verified copy into the upload area and gives it to the restore wizard.
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BackupsScreen } from '../../../../../src/renderer/features/backups/backups-screen'
import { RestoreWizard } from '../../../../../src/renderer/features/restore/restore-wizard'
import { useNavigationStore } from '../../../../../src/renderer/store/navigation-store'
import type { PlansPort } from '../../../../../src/main/host/host-services'
import type { StoredBackupsPort } from '../../../../../src/main/services/stored-backups/stored-backups-service'
import { defaultPlanInput } from '../../../../../src/shared/backup-plan-schema'
import type { PlanView } from '../../../../../src/shared/backup-plan-types'
import type { StoredBackupView } from '../../../../../src/shared/stored-backup-types'
import { sampleInspection } from '../../../api/fake-host-services'
import { formatBytes } from '../../../../../src/renderer/components/format-bytes'
import { createTestStudio, fakeProfiles, profileView, strictPort } from '../../studio-harness'

const plan: PlanView = {
  ...defaultPlanInput(['id-prod']),
  destinations: [
    { kind: 'local', path: '/backups/prod' },
    {
      kind: 's3',
      id: 'd1',
      secretSet: false,
      region: 'us-east-1',
      bucket: 'backups',
      prefix: 'consul',
      endpoint: 'http://127.0.0.1:7070',
      forcePathStyle: true,
      serverSideEncryption: { mode: 'none' },
      caFile: null,
      credentials: { kind: 'chain' },
    },
  ],
  name: 'prod hourly',
  id: 'plan1',
  createdAt: '2026-12-01T09:00:00Z',
  updatedAt: '2026-12-01T09:00:00Z',
  nextRunAt: null,
  lastRun: null,
  lastSuccessAt: null,
  freshness: 'ok',
  running: false,
}

const backup = (name: string, over: Partial<StoredBackupView> = {}): StoredBackupView => ({
  name,
  size: 4096,
  modifiedAt: '2026-12-01T10:00:00Z',
  takenAt: '2026-12-01T10:00:00Z',
  encrypted: false,
  cluster: 'prod',
  datacenter: 'dc1',
  index: '42',
  consulVersion: '1.20.0',
  factsFrom: 'sidecar',
  sidecarProblem: null,
  ...over,
})

const listed = [
  backup('prod-3.snap', { index: '300', takenAt: '2026-12-01T12:00:00Z' }),
  backup('stage-2.snap', { cluster: 'stage', datacenter: 'dc2', index: '200' }),
  backup('consul-1.snap', { cluster: null, datacenter: null, index: null, factsFrom: 'none', takenAt: null }),
]

async function openBrowser(stored: Partial<StoredBackupsPort>) {
  const studio = createTestStudio({
    profiles: fakeProfiles({ list: async () => ({ profiles: [profileView('prod')], notice: null }) }),
    plans: strictPort<PlansPort>('plans', { list: async () => ({ plans: [plan], notice: null }) }),
    storedBackups: strictPort<StoredBackupsPort>('storedBackups', stored),
  })
  await act(async () => {
    studio.render(<BackupsScreen />)
  })
  await act(async () => {
    fireEvent.click(screen.getAllByTestId('plan-destination-browse')[1]!)
  })
  return studio
}

const rows = () => screen.getAllByTestId('stored-backup').map((row) => row.dataset.name)

describe('the Backups view of a destination', () => {
  beforeEach(() => useNavigationStore.setState({ screen: 'backups' }))
  afterEach(cleanup)

  it('lists the destination\u2019s backups in the host\u2019s order (newest first) with what is known, and filters by cluster', async () => {
    const asked: unknown[] = []
    await openBrowser({
      list: async (ref) => {
        asked.push(ref)
        return { destination: 's3://backups/consul/', backups: listed }
      },
    })
    expect(asked).toEqual([{ planId: 'plan1', destinationIndex: 1 }])
    const panel = within(screen.getByTestId('stored-backups'))
    expect(panel.getByText('s3://backups/consul/')).toBeTruthy()
    expect(rows()).toEqual(['prod-3.snap', 'stage-2.snap', 'consul-1.snap'])
    // No backup here is encrypted, so no key is asked for.
    expect(screen.queryByTestId('stored-key-passphrase')).toBeNull()
    const first = within(screen.getAllByTestId('stored-backup')[0]!)
    expect(first.getByText('300')).toBeTruthy()
    expect(first.getByText('dc1')).toBeTruthy()
    expect(first.getByText(formatBytes(4096))).toBeTruthy()
    await act(async () => {
      fireEvent.change(panel.getByTestId('stored-cluster-filter'), { target: { value: 'stage' } })
    })
    expect(rows()).toEqual(['stage-2.snap'])
  })

  it('marks a backup whose sidecar was refused, with the reason on the mark', async () => {
    const why = 'The sidecar prod-3.snap.json is not believed: it describes another file, "prod-1.snap".'
    await openBrowser({
      list: async () => ({
        destination: 's3://backups/consul/',
        backups: [backup('prod-3.snap', { factsFrom: 'name', sidecarProblem: why }), ...listed.slice(1)],
      }),
    })
    const marks = screen.getAllByTestId('stored-sidecar-problem')
    expect(marks).toHaveLength(1)
    expect(within(screen.getAllByTestId('stored-backup')[0]!).getByTestId('stored-sidecar-problem')).toBe(
      marks[0],
    )
    expect(marks[0]!.getAttribute('title')).toBe(why)
  })

  it('deletes a backup only once its name is typed, then lists again', async () => {
    let backups = listed
    const deleted: unknown[] = []
    await openBrowser({
      list: async () => ({ destination: 's3://backups/consul/', backups }),
      delete: async (ref, name, confirmation) => {
        deleted.push({ ref, name, confirmation })
        backups = backups.filter((b) => b.name !== name)
      },
    })
    const row = within(screen.getAllByTestId('stored-backup')[1]!)
    await act(async () => {
      fireEvent.click(row.getByTestId('stored-delete'))
    })
    const confirm = row.getByTestId('stored-delete-confirm') as HTMLButtonElement
    await act(async () => {
      fireEvent.change(row.getByTestId('stored-delete-confirmation'), { target: { value: 'stage-2' } })
    })
    expect(confirm.disabled).toBe(true)
    await act(async () => {
      fireEvent.change(row.getByTestId('stored-delete-confirmation'), { target: { value: 'stage-2.snap' } })
    })
    expect(confirm.disabled).toBe(false)
    await act(async () => {
      fireEvent.click(confirm)
    })
    expect(deleted).toEqual([
      { ref: { planId: 'plan1', destinationIndex: 1 }, name: 'stage-2.snap', confirmation: 'stage-2.snap' },
    ])
    expect(rows()).toEqual(['prod-3.snap', 'consul-1.snap'])
  })

  it('verifies every backup with progress and names the damaged ones', async () => {
    let finish: () => void = () => undefined
    await openBrowser({
      list: async () => ({ destination: 's3://backups/consul/', backups: listed }),
      verify: async (_ref, _names, _decryption, work) => {
        work.onProgress({ done: 1, total: 3, name: 'stage-2.snap', bytes: 1024, totalBytes: 4096 })
        await new Promise<void>((resolve) => (finish = resolve))
        return {
          checks: [
            { name: 'prod-3.snap', ok: true, index: '300', code: null, message: null },
            {
              name: 'stage-2.snap',
              ok: false,
              index: null,
              code: 'SNAPSHOT_CHECKSUM_MISMATCH',
              message: 'state.bin does not match its SHA-256 in SHA256SUMS',
            },
            { name: 'consul-1.snap', ok: true, index: '1', code: null, message: null },
          ],
          sound: 2,
          damaged: 1,
        }
      },
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('stored-verify'))
    })
    expect(screen.getByTestId('stored-verify-progress').textContent).toContain(
      `Verifying 2 of 3: stage-2.snap ${formatBytes(1024)} of ${formatBytes(4096)}`,
    )
    await act(async () => {
      finish()
    })
    expect(screen.queryByTestId('stored-verify-progress')).toBeNull()
    const report = screen.getByTestId('stored-verify-report')
    expect(report.textContent).toMatch(/2 sound, 1 damaged/)
    const damaged = screen.getAllByTestId('stored-verify-check').filter((li) => li.dataset.ok === 'false')
    expect(damaged.map((li) => li.textContent)).toEqual([
      'stage-2.snap: damaged — state.bin does not match its SHA-256 in SHA256SUMS',
    ])
  })

  it('downloads a backup to the folder typed, or the default save folder, and says where it went', async () => {
    const asked: unknown[] = []
    await openBrowser({
      list: async () => ({ destination: 's3://backups/consul/', backups: listed }),
      download: async (_ref, name, folder) => {
        asked.push({ name, folder })
        return { path: `${folder ?? '/home/op/snapshots'}/${name}`, size: 4096, index: '300' }
      },
    })
    await act(async () => {
      fireEvent.click(within(screen.getAllByTestId('stored-backup')[0]!).getByTestId('stored-download'))
    })
    await act(async () => {
      fireEvent.change(screen.getByTestId('stored-download-folder'), { target: { value: '/srv/copies' } })
    })
    await act(async () => {
      fireEvent.click(within(screen.getAllByTestId('stored-backup')[0]!).getByTestId('stored-download'))
    })
    expect(asked).toEqual([
      { name: 'prod-3.snap', folder: undefined },
      { name: 'prod-3.snap', folder: '/srv/copies' },
    ])
    expect(screen.getByTestId('stored-downloaded').textContent).toBe(
      'Saved prod-3.snap to /srv/copies/prod-3.snap.',
    )
  })

  it('hands a backup to Inspect, which reads it streamed from the store', async () => {
    const studio = await openBrowser({
      list: async () => ({ destination: 's3://backups/consul/', backups: listed }),
    })
    await act(async () => {
      fireEvent.click(within(screen.getAllByTestId('stored-backup')[0]!).getByTestId('stored-inspect'))
    })
    expect(useNavigationStore.getState().screen).toBe('inspect')
    expect(useNavigationStore.getState().storedInspectRequest?.backup).toEqual({
      planId: 'plan1',
      destinationIndex: 1,
      name: 'prod-3.snap',
    })
    // What Inspect then asks the host for: the stored backup itself, not a downloaded copy.
    studio.stores.inspect.getState().openStored({ planId: 'plan1', destinationIndex: 1, name: 'prod-3.snap' })
    expect(studio.calls.at(-1)).toMatchObject({
      method: 'storedBackups.inspect',
      input: { planId: 'plan1', destinationIndex: 1, name: 'prod-3.snap', kvDetails: true },
    })
  })

  it('restores through the wizard: a verified copy in the upload area, then the wizard\u2019s own checks', async () => {
    const verified: unknown[] = []
    const studio = await openBrowser({
      list: async () => ({ destination: 's3://backups/consul/', backups: listed }),
      prepareRestore: async (ref, name) => {
        expect(ref).toEqual({ planId: 'plan1', destinationIndex: 1 })
        return { uploadId: 'b'.repeat(32), name, size: 4096 }
      },
    })
    await act(async () => {
      fireEvent.click(within(screen.getAllByTestId('stored-backup')[0]!).getByTestId('stored-restore'))
    })
    expect(useNavigationStore.getState().screen).toBe('restore')
    cleanup()
    const wizard = createTestStudio({
      sources: {
        async resolve(source) {
          verified.push(source)
          return '/uploads/prod-3.snap'
        },
      },
      inspect: { inspect: async () => sampleInspection, verify: async () => sampleInspection },
    })
    void studio
    await act(async () => {
      wizard.render(<RestoreWizard />)
    })
    expect(verified).toEqual([{ kind: 'upload', uploadId: 'b'.repeat(32) }])
    expect(screen.getByText(sampleInspection.meta.id)).toBeTruthy()
  })

  it('sends the age key typed for encrypted backups with the request, and only when some are encrypted', async () => {
    const asked: unknown[] = []
    await openBrowser({
      list: async () => ({
        destination: 's3://backups/consul/',
        backups: [backup('prod-4.snap.age', { encrypted: true }), ...listed],
      }),
      verify: async (_ref, names, decryption) => {
        asked.push({ names, decryption })
        return { checks: [], sound: 0, damaged: 0 }
      },
    })
    expect(within(screen.getAllByTestId('stored-backup')[0]!).getByText('encrypted')).toBeTruthy()
    const passphrase = screen.getByTestId('stored-key-passphrase') as HTMLInputElement
    expect(passphrase.type).toBe('password')
    await act(async () => {
      fireEvent.change(passphrase, { target: { value: 'correct horse' } })
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('stored-verify'))
    })
    expect(asked).toEqual([{ names: undefined, decryption: { passphrase: 'correct horse' } }])
  })
})
