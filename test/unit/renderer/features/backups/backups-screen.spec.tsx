// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { BackupsScreen } from '../../../../../src/renderer/features/backups/backups-screen'
import type { PlansPort } from '../../../../../src/main/host/host-services'
import { AppError } from '../../../../../src/shared/app-error'
import { defaultPlanInput, type PlanInput } from '../../../../../src/shared/backup-plan-schema'
import type { PlanRunView, PlanView } from '../../../../../src/shared/backup-plan-types'
import { createTestStudio, fakeProfiles, profileView, strictPort } from '../../studio-harness'

const profiles = [profileView('prod'), profileView('stage')]

function planView(over: Partial<PlanView> = {}): PlanView {
  return {
    ...defaultPlanInput(['id-prod'], '/backups/prod'),
    name: 'prod hourly',
    id: 'plan1',
    createdAt: '2026-12-01T09:00:00Z',
    updatedAt: '2026-12-01T09:00:00Z',
    nextRunAt: '2026-12-01T11:00:00Z',
    lastRun: null,
    lastSuccessAt: null,
    freshness: 'never',
    running: false,
    ...over,
  }
}

const run = (over: Partial<PlanRunView> = {}): PlanRunView => ({
  id: 'r1',
  planId: 'plan1',
  trigger: 'manual',
  startedAt: '2026-12-01T10:00:00Z',
  endedAt: '2026-12-01T10:00:02Z',
  ok: true,
  cycles: [
    {
      profileId: 'id-prod',
      profileName: 'prod',
      ok: true,
      name: 'consul-1.snap',
      size: 4096,
      index: 42,
      durationMs: 2000,
      locations: ['/backups/prod/consul-1.snap'],
      deleted: [],
      error: null,
    },
  ],
  ...over,
})

async function openBackups(plans: Partial<PlansPort>) {
  const studio = createTestStudio({
    profiles: fakeProfiles({ list: async () => ({ profiles, notice: null }) }),
    plans: strictPort<PlansPort>('plans', plans),
  })
  await act(async () => {
    studio.render(<BackupsScreen />)
  })
  return studio
}

describe('the Backups screen', () => {
  afterEach(cleanup)

  it('shows each plan with its clusters, schedule, retention, next run and freshness', async () => {
    await openBackups({
      list: async () => ({
        plans: [
          planView({ freshness: 'ok', lastRun: run() }),
          planView({ id: 'plan2', name: 'stage nightly', freshness: 'failing', profileIds: ['id-stage'] }),
        ],
        notice: null,
      }),
    })
    const prod = within(screen.getAllByTestId('plan-card')[0]!)
    expect(prod.getByTestId('plan-freshness').textContent).toBe('ok')
    expect(prod.getByText('every 1 h')).toBeTruthy()
    expect(prod.getByText('newest 30')).toBeTruthy()
    expect(prod.getByTestId('plan-last-result').textContent).toMatch(/saved .*4KB/)
    expect(within(screen.getAllByTestId('plan-card')[1]!).getByTestId('plan-freshness').textContent).toBe(
      'failing',
    )
  })

  it('runs a plan now and shows the run in its history with a size chart', async () => {
    let runs: PlanRunView[] = []
    await openBackups({
      list: async () => ({ plans: [planView({ lastRun: runs[0] ?? null })], notice: null }),
      runNow: async () => {
        runs = [run()]
        return runs[0]!
      },
      history: async () => runs,
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-run-now'))
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-history-toggle'))
    })
    const rows = screen.getAllByTestId('plan-history-row')
    expect(rows.map((row) => row.textContent)).toEqual([
      expect.stringContaining('/backups/prod/consul-1.snap'),
    ])
    expect(screen.getByTestId('plan-size-chart').querySelectorAll('circle')).toHaveLength(1)
  })

  it('shows the next five runs while the schedule is edited, and the host\u2019s reason for a bad one', async () => {
    const asked: string[] = []
    await openBackups({
      list: async () => ({ plans: [], notice: null }),
      previewSchedule: (schedule) => {
        asked.push(schedule.kind === 'cron' ? schedule.expression : String(schedule.intervalMs))
        if (schedule.kind === 'cron' && schedule.expression === '0 25 * * *')
          throw new AppError('PLAN_INVALID', '"0 25 * * *" is not a cron expression: hour out of range.')
        return Array.from({ length: 5 }, (_, i) => {
          const at = new Date(Date.UTC(2026, 11, 2 + i, 2)).toISOString()
          return { nominal: at, at }
        })
      },
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-new'))
    })
    await act(async () => {
      fireEvent.change(screen.getByLabelText('Schedule'), { target: { value: 'cron' } })
    })
    expect(screen.getByTestId('plan-next-runs').querySelectorAll('li')).toHaveLength(5)
    await act(async () => {
      fireEvent.change(screen.getByTestId('plan-cron'), { target: { value: '0 25 * * *' } })
    })
    expect(screen.getByTestId('plan-schedule-error').textContent).toMatch(/hour out of range/)
    expect(asked).toEqual([String(3_600_000), '0 2 * * *', '0 25 * * *'])
  })

  it('refuses to save with messages beside the fields, before asking the host', async () => {
    const created: PlanInput[] = []
    const studio = await openBackups({
      list: async () => ({ plans: [], notice: null }),
      previewSchedule: () => [],
      create: async (input) => {
        created.push(input)
        return planView({ ...input })
      },
      history: async () => [],
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-new'))
    })
    const stage = screen.getAllByTestId('plan-profile').find((box) => box.dataset.profileName === 'stage')!
    await act(async () => {
      fireEvent.click(stage)
      fireEvent.click(screen.getByTestId('plan-save'))
    })
    expect(screen.getByTestId('plan-error-name').textContent).toBe('A plan needs a name.')
    expect(screen.getByTestId('plan-error-options.nameTemplate').textContent).toMatch(
      /must contain \{profile\}/,
    )
    expect(screen.getByText('A folder is needed.')).toBeTruthy()
    expect(studio.calls.map((c) => c.method)).not.toContain('plans.create')

    await act(async () => {
      fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'all nightly' } })
      fireEvent.change(screen.getByTestId('plan-folder'), { target: { value: '/backups' } })
      fireEvent.change(screen.getByLabelText('File name'), { target: { value: '{profile}-{time}.snap' } })
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-save'))
    })
    expect(created).toMatchObject([{ name: 'all nightly', profileIds: ['id-prod', 'id-stage'] }])
  })

  it('previews retention for the folder being edited: what it keeps and what it deletes, and why', async () => {
    const asked: unknown[] = []
    await openBackups({
      list: async () => ({ plans: [planView()], notice: null }),
      previewSchedule: () => [],
      previewRetention: async (request) => {
        asked.push(request)
        return [
          {
            ok: true,
            preview: {
              destination: 'local:/backups/prod',
              keep: [{ name: 'consul-3.snap', takenAt: '2026-12-01T10:00:00Z', reasons: ['newest'] }],
              delete: [
                {
                  name: 'consul-1.snap',
                  takenAt: '2026-11-01T10:00:00Z',
                  reasons: ['not among the 1 newest'],
                },
              ],
              deferred: [],
              ignoredCount: 1,
            },
          },
        ]
      },
    })
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Edit' }))
    })
    await act(async () => {
      fireEvent.change(screen.getByLabelText('Keep the newest'), { target: { value: '1' } })
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-retention-preview'))
    })
    const result = screen.getByTestId('plan-retention-result').textContent
    expect(result).toMatch(/keeps 1, deletes 1; 1 other files never touched/)
    expect(result).toMatch(/consul-1\.snap — not among the 1 newest/)
    expect(asked).toMatchObject([
      { destinations: [{ kind: 'local', path: '/backups/prod' }], retention: { retain: 1 } },
    ])
  })

  it('previews retention in every destination of the plan, each from its own listing, one failing without hiding the others', async () => {
    const destinations: PlanInput['destinations'] = [
      { kind: 'local', path: '/backups/prod' },
      {
        kind: 's3',
        region: 'eu-west-1',
        bucket: 'backups',
        prefix: 'consul-snapshot',
        endpoint: null,
        forcePathStyle: false,
        serverSideEncryption: { mode: 'none' },
        caFile: null,
        credentials: { kind: 'chain' },
        id: 'd-s3',
      },
      {
        kind: 'azure-blob',
        auth: 'shared-key',
        accountName: 'acct',
        container: 'snaps',
        prefix: '',
        endpoint: null,
        environment: 'AzurePublicCloud',
        tenantId: null,
        clientId: null,
        id: 'd-az',
        secretSet: true,
      },
      {
        kind: 'gcs',
        bucket: 'gcs-backups',
        prefix: 'consul',
        endpoint: null,
        projectId: null,
        keyFile: null,
      },
    ]
    const asked: { destinations: unknown[] }[] = []
    const keepsOne = (where: string, deleted: string) => ({
      ok: true as const,
      preview: {
        destination: where,
        keep: [{ name: 'consul-9.snap', takenAt: '2026-12-01T10:00:00Z', reasons: ['newest'] }],
        delete: [{ name: deleted, takenAt: '2026-11-01T10:00:00Z', reasons: ['not among the 1 newest'] }],
        deferred: [],
        ignoredCount: 0,
      },
    })
    await openBackups({
      list: async () => ({ plans: [planView({ destinations })], notice: null }),
      previewSchedule: () => [],
      previewRetention: async (request) => {
        asked.push(request)
        return [
          keepsOne('local:/backups/prod', 'consul-1.snap'),
          keepsOne('s3://backups/consul-snapshot', 'consul-2.snap'),
          {
            ok: false,
            error: {
              code: 'STORAGE_UNREACHABLE',
              message: 'Azure Blob storage at acct cannot be reached.',
              hint: 'Check the endpoint.',
            },
          },
          keepsOne('gcs:gcs-backups/consul', 'consul-4.snap'),
        ]
      },
    })
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Edit' }))
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-retention-preview'))
    })

    expect(asked).toHaveLength(1)
    expect(asked[0]!.destinations).toEqual(destinations)
    const sections = screen.getAllByTestId('plan-retention-destination').map((s) => s.textContent)
    expect(sections).toHaveLength(4)
    expect(sections[0]).toMatch(/In local:\/backups\/prod: keeps 1, deletes 1\.consul-1\.snap/)
    expect(sections[1]).toMatch(/In s3:\/\/backups\/consul-snapshot: keeps 1, deletes 1\.consul-2\.snap/)
    expect(sections[2]).toBe(
      'In az://acct/snaps: cannot preview — Azure Blob storage at acct cannot be reached. Check the endpoint.',
    )
    expect(sections[3]).toMatch(/In gcs:gcs-backups\/consul: keeps 1, deletes 1\.consul-4\.snap/)

    // A preview stands for the destinations it read: changing them takes it away.
    await act(async () => {
      fireEvent.click(screen.getAllByTestId('plan-destination-remove')[3]!)
    })
    expect(screen.queryByTestId('plan-retention-result')).toBeNull()
  })
})
