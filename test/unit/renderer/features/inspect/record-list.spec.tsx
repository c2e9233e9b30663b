// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RecordList } from '../../../../../src/renderer/features/inspect/record-list'

const token = {
  id: 'accessor-1',
  title: 'bootstrap token',
  fields: [
    ['AccessorID', 'accessor-1'],
    ['SecretID', '••••••••'],
  ] as Array<[string, string]>,
  secretFields: ['SecretID'],
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
