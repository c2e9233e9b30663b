// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RecordItemWire } from '../../../../../src/shared/browse-wire-types'
import { RecordList } from '../../../../../src/renderer/features/inspect/record-list'

const masked = { masked: true, text: '••••••••' }

const token: RecordItemWire = {
  id: 'accessor-1',
  title: 'bootstrap token',
  fields: [
    ['AccessorID', 'accessor-1'],
    ['SecretID', masked],
  ],
  secretFields: ['SecretID'],
}

// Shapes as the catalogue sends them: bytes as { binary }, Go nil as null, lists of maps.
const policyToken: RecordItemWire = {
  id: 'accessor-2',
  title: 'web token',
  fields: [
    ['Description', ''],
    ['Policies', [{ ID: 'policy-1', Name: 'web-read' }]],
    ['ServiceIdentities', null],
    ['Hash', { binary: 'q83vEjRWeJA=' }],
    ['Local', false],
    ['Tags', ['blue', 'canary']],
    ['AuthMethod', { Config: { Host: 'https://k8s', PrivateKey: masked } }],
  ],
  secretFields: ['AuthMethod.Config.PrivateKey'],
}

function renderCards(...items: RecordItemWire[]) {
  const reveal = vi.fn((_id: string, _field: string) => Promise.resolve('revealed-secret'))
  render(
    <RecordList
      kind="acl-tokens"
      label="ACL tokens"
      listing={{ total: items.length, items, loading: false }}
      load={() => undefined}
      reveal={reveal}
    />,
  )
  return { reveal, card: screen.getByText(items[0]?.title ?? '').closest('li') as HTMLElement }
}

describe('record list', () => {
  afterEach(cleanup)

  it('masks ACL secrets until the operator reveals one, and fetches it only then', async () => {
    const reveal = vi.fn(() => Promise.resolve('9c1f-secret'))
    render(
      <RecordList
        kind="acl-tokens"
        label="ACL tokens"
        listing={{ total: 1, items: [token], loading: false }}
        load={() => undefined}
        reveal={reveal}
      />,
    )

    expect(document.body.textContent).not.toContain('9c1f-secret')
    expect(reveal).not.toHaveBeenCalled()

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Reveal SecretID' })))

    expect(reveal).toHaveBeenCalledWith('accessor-1', 'SecretID')
    expect(screen.getByTestId('secret-value').textContent).toBe('9c1f-secret')

    fireEvent.click(screen.getByRole('button', { name: 'Hide SecretID' }))
    expect(document.body.textContent).not.toContain('9c1f-secret')
  })

  it('lays record fields out as fields, never as JSON text', () => {
    const { card } = renderCards(policyToken)

    expect(card.textContent).not.toMatch(/[{}[\]"]|null|binary/)
    const policies = within(card).getByText('Policies').nextElementSibling as HTMLElement
    expect(within(policies).getByText('Name').nextElementSibling?.textContent).toBe('web-read')
    expect(within(card).getByText('ServiceIdentities').nextElementSibling?.textContent).toBe('none')
    expect(within(card).getByText('Description').nextElementSibling?.textContent).toBe('empty')
    expect(
      within(card)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(expect.arrayContaining(['blue', 'canary']))
  })

  it('shows bytes as hex, and as base64 on request', () => {
    const { card } = renderCards(policyToken)
    const hash = within(card).getByText('Hash').nextElementSibling as HTMLElement

    expect(within(hash).getByTestId('bytes-text').textContent).toBe('abcdef1234567890')
    expect(hash.textContent).toContain('8 bytes')

    fireEvent.click(within(hash).getByRole('button', { name: 'Base64' }))

    expect(within(hash).getByTestId('bytes-text').textContent).toBe('q83vEjRWeJA=')
  })

  it('masks a secret nested in a map and reveals it by its path', async () => {
    const { card, reveal } = renderCards(policyToken)

    expect(card.textContent).not.toContain('revealed-secret')

    await act(async () =>
      fireEvent.click(within(card).getByRole('button', { name: 'Reveal AuthMethod.Config.PrivateKey' })),
    )

    expect(reveal).toHaveBeenCalledWith('accessor-2', 'AuthMethod.Config.PrivateKey')
    expect(within(card).getByTestId('secret-value').textContent).toBe('revealed-secret')
  })

  it('says so when the snapshot holds none of the kind', () => {
    render(
      <RecordList
        kind="sessions"
        label="Sessions"
        listing={{ total: 0, items: [], loading: false }}
        load={() => undefined}
        reveal={() => Promise.resolve('')}
      />,
    )

    expect(screen.getByText('This snapshot holds no sessions.')).toBeTruthy()
  })
})
