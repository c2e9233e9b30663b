// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FleetScreen } from '../../../../../src/renderer/features/fleet/fleet-screen'
import type { FleetPort } from '../../../../../src/main/host/host-services'
import type { FleetClusterOk, FleetStatus } from '../../../../../src/shared/fleet-types'
import { createTestStudio } from '../../studio-harness'

const base: Omit<FleetClusterOk, 'profileId' | 'profileName'> = {
  state: 'ok',
  service: 'consul-snapshot',
  instances: [],
  leader: null,
  saving: 'none',
  statusKnown: false,
  statusError: null,
  lastSuccess: null,
  lastFailure: null,
  plans: 0,
  coverage: 'none',
  warning: 'no-scheduled-backups',
}

const fleet: FleetStatus = {
  readAt: '2026-12-01T15:00:00Z',
  clusters: [
    {
      ...base,
      profileId: 'p1',
      profileName: 'prod',
      leader: 'consul-snapshot:a',
      saving: 'passing',
      statusKnown: true,
      coverage: 'agent',
      warning: null,
      lastSuccess: { at: '2026-12-01T14:00:00Z', name: 'consul-1.snap', size: 2048, error: null },
      instances: [
        {
          serviceId: 'consul-snapshot:a',
          node: 'server-1',
          address: '10.0.0.1',
          role: 'leader',
          alive: 'passing',
          saving: 'passing',
          savingOutput: 'Saved snapshot 1',
        },
        {
          serviceId: 'consul-snapshot:b',
          node: 'server-2',
          address: '10.0.0.2',
          role: 'standby',
          alive: 'passing',
          saving: null,
          savingOutput: '',
        },
      ],
    },
    {
      ...base,
      profileId: 'p2',
      profileName: 'enterprise',
      leader: 'consul-snapshot:e',
      saving: 'passing',
      coverage: 'agent',
      warning: null,
      instances: [
        {
          serviceId: 'consul-snapshot:e',
          node: 'server-9',
          address: '',
          role: 'leader',
          alive: 'passing',
          saving: 'passing',
          savingOutput: '',
        },
      ],
    },
    { ...base, profileId: 'p3', profileName: 'staging' },
    {
      state: 'error',
      profileId: 'p4',
      profileName: 'gone',
      error: { code: 'CONSUL_REFUSED', message: 'gone refused the connection.', hint: 'Is Consul running?' },
    },
  ],
}

async function openFleet(status: FleetPort['status']) {
  const studio = createTestStudio({ fleet: { status } })
  await act(async () => {
    studio.render(<FleetScreen />)
  })
  return studio
}

const card = (name: string) => document.querySelector<HTMLElement>(`[data-profile="${name}"]`) as HTMLElement

describe('the fleet screen', () => {
  afterEach(cleanup)

  it('shows the leader with its passing Saving check, the standby, and the last success', async () => {
    await openFleet(async () => fleet)

    const prod = within(card('prod'))
    expect(prod.getByTestId('fleet-saving').textContent).toBe('saving passing')
    expect(prod.getByTestId('fleet-leader').textContent).toBe('consul-snapshot:a on server-1')
    expect(prod.getByTestId('fleet-last-success').textContent).toMatch(/consul-1\.snap · 2KB/)
    const rows = card('prod').querySelectorAll('tbody tr')
    expect([...rows].map((row) => [row.getAttribute('data-role'), row.getAttribute('data-saving')])).toEqual([
      ['leader', 'passing'],
      ['standby', 'none'],
    ])
  })

  it('says "unknown" for the last runs of an agent without a status key (HashiCorp’s)', async () => {
    await openFleet(async () => fleet)

    expect(within(card('enterprise')).getByTestId('fleet-last-success').textContent).toMatch(/^unknown/)
  })

  it('flags a cluster without agent or plan, and shows a failed cluster beside the others', async () => {
    await openFleet(async () => fleet)

    expect(within(card('staging')).getByTestId('no-scheduled-backups').textContent).toBe(
      'no scheduled backups',
    )
    expect(card('gone').textContent).toContain('gone refused the connection.')
    expect(card('gone').textContent).toContain('Is Consul running?')
  })

  it('asks again with the service name the operator gives', async () => {
    const asked: string[] = []
    const studio = await openFleet(async (request) => {
      asked.push(request.service)
      return fleet
    })

    fireEvent.change(screen.getByLabelText('Agent service'), { target: { value: 'vault-snapshot' } })
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Apply' }))
    })

    expect(asked).toEqual(['consul-snapshot', 'vault-snapshot'])
    expect(studio.calls.filter((call) => call.method === 'fleet.status')).toHaveLength(2)
  })
})
