// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ProfilesPort } from '../../../../../src/main/host/host-services'
import { ProfilesScreen } from '../../../../../src/renderer/features/profiles/profiles-screen'
import { useErrorStore } from '../../../../../src/renderer/store/error-store'
import type { ProfileView } from '../../../../../src/shared/profile-types'
import { createTestStudio, fakeProfiles, profileView } from '../../studio-harness'

const listing = (profiles: ProfileView[]) => async () => ({ profiles, notice: null })

async function renderLoaded(methods: Partial<ProfilesPort> = {}) {
  const studio = createTestStudio({ profiles: fakeProfiles(methods) })
  studio.render(<ProfilesScreen />)
  await act(() => studio.stores.profiles.getState().load())
  return studio
}

describe('connections screen', () => {
  beforeEach(() => {
    useErrorStore.getState().clear()
  })
  afterEach(cleanup)

  it('explains what to do when there are no profiles yet', async () => {
    await renderLoaded()

    expect(screen.getByRole('heading', { name: 'No profiles yet' })).toBeTruthy()
    expect(screen.getByTestId('empty-open-sample')).toBeTruthy()
  })

  it('lists profiles with their environment and whether a token is set, never the token', async () => {
    await renderLoaded({
      list: listing([profileView('prod-east', { environment: { label: 'production', colour: 'red' } })]),
    })

    const card = screen.getByTestId('profile-card')
    expect(card.textContent).toContain('prod-east')
    expect(card.textContent).toContain('production')
    expect(card.textContent).toContain('token set')
    expect(card.querySelector('.env-red')).not.toBeNull()
  })

  it('shows the test answer: leader, version, datacenter and whether the token may take snapshots', async () => {
    await renderLoaded({
      list: listing([profileView('prod-east')]),
      test: () =>
        Promise.resolve({
          endpoint: 'http://127.0.0.1:8500',
          leader: '127.0.0.1:8300',
          raftPeers: ['127.0.0.1:8300'],
          agent: { version: '1.14.8', datacenter: 'dc1', nodeName: 'n1', server: true },
          snapshotPermission: { answer: 'no', reason: 'The token lacks acl = "write".' },
          insecureTls: false,
          latencyMs: 3,
        }),
    })

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Test connection' })))

    expect(screen.getByTestId('test-leader').textContent).toBe('127.0.0.1:8300')
    expect(screen.getByTestId('test-version').textContent).toBe('1.14.8')
    expect(screen.getByTestId('test-datacenter').textContent).toBe('dc1')
    expect(screen.getByTestId('can-snapshot').dataset.answer).toBe('no')
  })

  it('refuses to save a profile without a name and says why, without calling the service', async () => {
    const create = vi.fn()
    await renderLoaded({ create })
    fireEvent.click(screen.getAllByRole('button', { name: 'New profile' })[0]!)

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save profile' })))

    expect(screen.getByText('Give the profile a name.')).toBeTruthy()
    expect(create).not.toHaveBeenCalled()
  })

  it('checks the name length and the datacenter with the contract’s own rules before calling the host', async () => {
    const create = vi.fn()
    await renderLoaded({ create })
    fireEvent.click(screen.getAllByRole('button', { name: 'New profile' })[0]!)
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'n'.repeat(81) } })
    fireEvent.change(screen.getByLabelText('Datacenter'), { target: { value: 'dc 2' } })

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save profile' })))

    expect(screen.getByText(/Keep the name to 80 characters/)).toBeTruthy()
    expect(screen.getByText(/A datacenter name has 1 to 64 letters/)).toBeTruthy()
    expect(create).not.toHaveBeenCalled()
  })

  it('sends a new token as a secret change and keeps the stored one when the field is left empty', async () => {
    const existing = profileView('prod-east')
    const update = vi.fn(async (_id: string, input: object) => ({ ...existing, ...input }))
    await renderLoaded({ list: listing([existing]), update })
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }))

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save profile' })))

    expect(update).toHaveBeenCalledWith(existing.id, expect.objectContaining({ token: { kind: 'keep' } }))
  })
})

describe('testing settings before saving them', () => {
  beforeEach(() => {
    useErrorStore.getState().clear()
  })
  afterEach(cleanup)

  it('sends the settings as typed, token included, and shows the answer in the form', async () => {
    const test = vi.fn<ProfilesPort['test']>(() =>
      Promise.resolve({
        endpoint: 'http://10.0.0.5:8500',
        leader: '10.0.0.5:8300',
        raftPeers: ['10.0.0.5:8300'],
        agent: { version: '1.14.8', datacenter: 'dc2', nodeName: 'n', server: true },
        snapshotPermission: { answer: 'yes' as const, reason: 'management token' },
        insecureTls: false,
        latencyMs: 2,
      }),
    )
    await renderLoaded({ test })
    fireEvent.click(screen.getAllByRole('button', { name: 'New profile' })[0]!)
    fireEvent.change(screen.getByLabelText('Address', { exact: true }), {
      target: { value: 'http://10.0.0.5:8500' },
    })
    fireEvent.change(screen.getByLabelText('ACL token'), { target: { value: 's3cret' } })

    await act(async () => fireEvent.click(screen.getByTestId('profile-form-test')))

    expect(test.mock.calls[0]?.[0]).toEqual({
      input: expect.objectContaining({
        connection: expect.objectContaining({ address: 'http://10.0.0.5:8500' }),
        token: { kind: 'set', value: 's3cret' },
      }),
    })
    expect(screen.getByTestId('test-datacenter').textContent).toBe('dc2')
  })

  it('does not test an edited profile without its token, and says how to', async () => {
    const test = vi.fn()
    await renderLoaded({ list: listing([profileView('prod-east')]), test })
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }))

    await act(async () => fireEvent.click(screen.getByTestId('profile-form-test')))

    expect(test).not.toHaveBeenCalled()
    expect(screen.getByTestId('connection-test').textContent).toContain('Type the token')
  })
})

describe('a token that would travel in clear text', () => {
  beforeEach(() => {
    useErrorStore.getState().clear()
  })
  afterEach(cleanup)

  const address = () => screen.getByLabelText('Address', { exact: true })
  const warning = () => screen.queryByTestId('clear-text-token')?.textContent ?? null

  it('warns while a kept token would go over plain http to another machine, before anything is sent', async () => {
    const test = vi.fn()
    await renderLoaded({ list: listing([profileView('prod-east')]), test })
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }))

    fireEvent.change(address(), { target: { value: 'http://10.0.0.5:8500' } })

    expect(warning()).toContain('10.0.0.5 over plain http')
    expect(test).not.toHaveBeenCalled()
  })

  it('warns for a token typed into a new profile, and not once the address is https or loopback', async () => {
    await renderLoaded()
    fireEvent.click(screen.getAllByRole('button', { name: 'New profile' })[0]!)
    fireEvent.change(address(), { target: { value: 'consul.internal:8500' } })
    expect(warning()).toBeNull()

    fireEvent.change(screen.getByLabelText('ACL token'), { target: { value: 's3cret' } })
    expect(warning()).toContain('consul.internal over plain http')

    fireEvent.change(address(), { target: { value: 'https://consul.internal:8501' } })
    expect(warning()).toBeNull()
    fireEvent.change(address(), { target: { value: 'http://127.0.0.1:8500' } })
    expect(warning()).toBeNull()
  })

  it('marks a scratch cluster with a badge, and saves the mark with protection forced to normal', async () => {
    const create = vi.fn<ProfilesPort['create']>((input) =>
      Promise.resolve(profileView(input.name, { scratchCluster: true })),
    )
    await renderLoaded({
      list: listing([profileView('drills', { scratchCluster: true }), profileView('prod-east')]),
      create,
    })
    const cards = screen.getAllByTestId('profile-card')
    expect(cards.map((c) => c.querySelector('[data-scratch-cluster]') !== null)).toEqual([true, false])

    fireEvent.click(screen.getAllByRole('button', { name: 'New profile' })[0]!)
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'scratch-2' } })
    fireEvent.change(screen.getByLabelText('Protection'), { target: { value: 'protected' } })
    fireEvent.click(screen.getByLabelText('Scratch cluster for restore drills'))
    expect((screen.getByLabelText('Protection') as HTMLSelectElement).disabled).toBe(true)
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save profile' })))

    expect(create.mock.calls[0]?.[0]).toMatchObject({
      name: 'scratch-2',
      scratchCluster: true,
      protection: 'normal',
    })
  })
})
