// @vitest-environment jsdom
// The plan editor's destinations: folders, S3, Azure Blob and GCS side by side, the schema's
// messages beside the fields, and secrets typed into masked fields that the page never gets back
// (a kept one shows as "kept" and is left alone unless typed again).
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { BackupsScreen } from '../../../../../src/renderer/features/backups/backups-screen'
import type { PlansPort } from '../../../../../src/main/host/host-services'
import { defaultPlanInput, type PlanInput } from '../../../../../src/shared/backup-plan-schema'
import type { PlanView } from '../../../../../src/shared/backup-plan-types'
import { createTestStudio, fakeProfiles, profileView, strictPort } from '../../studio-harness'

const profiles = [profileView('prod')]

function planView(over: Partial<PlanView> = {}): PlanView {
  return {
    ...defaultPlanInput(['id-prod'], '/backups/prod'),
    name: 'prod hourly',
    id: 'plan1',
    createdAt: '2026-12-01T09:00:00Z',
    updatedAt: '2026-12-01T09:00:00Z',
    nextRunAt: null,
    lastRun: null,
    lastSuccessAt: null,
    freshness: 'never',
    running: false,
    ...over,
  }
}

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

const type = (element: HTMLElement, value: string) => fireEvent.change(element, { target: { value } })

describe('the plan editor\u2019s destinations', () => {
  afterEach(cleanup)

  it('adds an S3 destination with static keys, shows the schema\u2019s messages, and sends the secret once', async () => {
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
    await act(async () => {
      type(screen.getByLabelText('Name'), 'prod to s3')
      fireEvent.click(screen.getByTestId('plan-destination-add-s3'))
    })
    // The folder it started with goes; the S3 destination stays alone.
    await act(async () => {
      fireEvent.click(screen.getAllByTestId('plan-destination-remove')[0]!)
    })
    const s3 = within(screen.getByTestId('plan-destination'))
    await act(async () => {
      type(s3.getByTestId('plan-s3-endpoint'), 'minio.local:9000')
      fireEvent.change(s3.getByTestId('plan-s3-credentials'), { target: { value: 'static' } })
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-save'))
    })
    expect(s3.getByText('A bucket is needed.')).toBeTruthy()
    expect(s3.getByText(/the endpoint is an http:\/\/ or https:\/\/ address/i)).toBeTruthy()
    expect(s3.getByText('An access key id is needed.')).toBeTruthy()
    expect(studio.calls.map((c) => c.method)).not.toContain('plans.create')

    const secret = s3.getByTestId('plan-destination-secret') as HTMLInputElement
    expect(secret.type).toBe('password')
    await act(async () => {
      type(s3.getByTestId('plan-s3-bucket'), 'backups')
      type(s3.getByTestId('plan-s3-endpoint'), 'http://minio.local:9000')
      fireEvent.click(s3.getByTestId('plan-s3-path-style'))
      type(s3.getByTestId('plan-s3-access-key-id'), 'AKIAEXAMPLE')
      type(secret, 'the-secret-key')
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-save'))
    })
    expect(created).toHaveLength(1)
    expect(created[0]!.destinations).toEqual([
      {
        kind: 's3',
        region: 'us-east-1',
        bucket: 'backups',
        prefix: 'consul-snapshot',
        endpoint: 'http://minio.local:9000',
        forcePathStyle: true,
        serverSideEncryption: { mode: 'none' },
        caFile: null,
        credentials: { kind: 'static', accessKeyId: 'AKIAEXAMPLE' },
        secret: { kind: 'set', value: 'the-secret-key' },
      },
    ])
  })

  it('shows a kept secret as "kept" without its value, and saving untouched leaves it to the host', async () => {
    const updated: PlanInput[] = []
    const azure = {
      kind: 'azure-blob' as const,
      id: 'd1',
      secretSet: true,
      auth: 'shared-key' as const,
      accountName: 'prodbackups',
      container: 'snapshots',
      prefix: '',
      endpoint: null,
      environment: 'AzurePublicCloud' as const,
      tenantId: null,
      clientId: null,
    }
    await openBackups({
      list: async () => ({ plans: [planView({ destinations: [azure] })], notice: null }),
      previewSchedule: () => [],
      update: async (_id, input) => {
        updated.push(input)
        return planView({ ...input })
      },
      history: async () => [],
    })
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Edit' }))
    })
    const destination = within(screen.getByTestId('plan-destination'))
    const secret = destination.getByTestId('plan-destination-secret') as HTMLInputElement
    expect(secret.value).toBe('')
    expect(destination.getByTestId('plan-destination-secret-kept').textContent).toBe('kept')
    expect(destination.getByText('Account key', { selector: '.destination-label' })).toBeTruthy()
    await act(async () => {
      type(destination.getByTestId('plan-azure-prefix'), 'prod')
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-save'))
    })
    expect(updated[0]!.destinations[0]).toMatchObject({ kind: 'azure-blob', id: 'd1', prefix: 'prod' })
    expect(updated[0]!.destinations[0]).not.toHaveProperty('secret')
  })

  it('asks for what each Azure sign-in and GCS need, and adds several destinations up to the limit', async () => {
    await openBackups({ list: async () => ({ plans: [], notice: null }), previewSchedule: () => [] })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-new'))
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-destination-add-azure-blob'))
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-destination-add-gcs'))
    })
    const [, azureBox, gcsBox] = screen.getAllByTestId('plan-destination')
    const azure = within(azureBox!)
    await act(async () => {
      fireEvent.change(azure.getByTestId('plan-azure-auth'), { target: { value: 'service-principal' } })
      type(azure.getByTestId('plan-azure-container'), 'Bad_Name')
      type(within(gcsBox!).getByTestId('plan-gcs-bucket'), 'x')
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-save'))
    })
    expect(azure.getByText('Client secret', { selector: '.destination-label' })).toBeTruthy()
    expect(azure.getByText('A tenant ID is needed.')).toBeTruthy()
    expect(azure.getByText(/container name is 3-63 lowercase/)).toBeTruthy()
    expect(azure.getByText(/account name is 3-24 lowercase/)).toBeTruthy()
    expect(within(gcsBox!).getByText(/bucket name is 3-63 lowercase/)).toBeTruthy()
    await act(async () => {
      fireEvent.change(azure.getByTestId('plan-azure-auth'), { target: { value: 'connection-string' } })
    })
    expect(azure.queryByTestId('plan-azure-account')).toBeNull()
    expect(azure.getByText('Connection string', { selector: '.destination-label' })).toBeTruthy()

    for (let i = 3; i < 8; i++)
      await act(async () => {
        fireEvent.click(screen.getByTestId('plan-destination-add-local'))
      })
    expect(screen.getAllByTestId('plan-destination')).toHaveLength(8)
    expect(screen.queryByTestId('plan-destination-add-s3')).toBeNull()
  })

  it('signs GCS in with Application Default Credentials or a key file, whose path is then needed', async () => {
    const created: PlanInput[] = []
    await openBackups({
      list: async () => ({ plans: [], notice: null }),
      previewSchedule: () => [],
      create: async (input) => {
        created.push(input)
        return planView({ ...input })
      },
      history: async () => [],
    })
    const save = async () =>
      act(async () => {
        fireEvent.click(screen.getByTestId('plan-save'))
      })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-new'))
    })
    await act(async () => {
      type(screen.getByLabelText('Name'), 'to gcs')
      fireEvent.click(screen.getByTestId('plan-destination-add-gcs'))
    })
    await act(async () => {
      fireEvent.click(screen.getAllByTestId('plan-destination-remove')[0]!)
    })
    const gcs = within(screen.getByTestId('plan-destination'))
    expect((gcs.getByTestId('plan-gcs-auth') as HTMLSelectElement).value).toBe('adc')
    expect(gcs.getByTestId('plan-gcs-adc-hint').textContent).toMatch(/GOOGLE_APPLICATION_CREDENTIALS/)
    expect(gcs.queryByTestId('plan-gcs-key-file')).toBeNull()

    await act(async () => {
      fireEvent.change(gcs.getByTestId('plan-gcs-auth'), { target: { value: 'key-file' } })
      type(gcs.getByTestId('plan-gcs-bucket'), 'consul-backups')
    })
    await save()
    expect(gcs.getByText('A key file path is needed.')).toBeTruthy()
    expect(created).toEqual([])

    await act(async () => {
      type(gcs.getByTestId('plan-gcs-key-file'), '/etc/snapshot-studio/gcs-key.json')
    })
    await save()
    expect(created[0]!.destinations).toEqual([
      {
        kind: 'gcs',
        bucket: 'consul-backups',
        prefix: '',
        endpoint: null,
        projectId: null,
        keyFile: '/etc/snapshot-studio/gcs-key.json',
      },
    ])
  })

  it('keeps an emulator\u2019s endpoint with Application Default Credentials', async () => {
    const created: PlanInput[] = []
    await openBackups({
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
    await act(async () => {
      type(screen.getByLabelText('Name'), 'to the emulator')
      fireEvent.click(screen.getByTestId('plan-destination-add-gcs'))
    })
    await act(async () => {
      fireEvent.click(screen.getAllByTestId('plan-destination-remove')[0]!)
    })
    const gcs = within(screen.getByTestId('plan-destination'))
    await act(async () => {
      fireEvent.change(gcs.getByTestId('plan-gcs-auth'), { target: { value: 'key-file' } })
    })
    await act(async () => {
      fireEvent.change(gcs.getByTestId('plan-gcs-auth'), { target: { value: 'adc' } })
      type(gcs.getByTestId('plan-gcs-bucket'), 'consul-backups')
      type(gcs.getByTestId('plan-gcs-endpoint'), 'http://127.0.0.1:4443')
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-save'))
    })
    expect(created[0]!.destinations).toEqual([
      {
        kind: 'gcs',
        bucket: 'consul-backups',
        prefix: '',
        endpoint: 'http://127.0.0.1:4443',
        projectId: null,
        keyFile: null,
      },
    ])
  })
})
