// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ErrorCenter } from '../../../../src/renderer/app/error-center'
import { AppError } from '../../../../src/shared/app-error'
import { reportError, useErrorStore } from '../../../../src/renderer/store/error-store'

describe('error center', () => {
  beforeEach(() => useErrorStore.getState().clear())
  afterEach(cleanup)

  it('shows what failed, the message and the next step in one alert region', () => {
    render(<ErrorCenter />)

    act(() => {
      reportError(
        'Testing the connection to prod-east',
        new AppError('CONSUL_ACL_DENIED', 'Consul refused the token: ACL not found.', {
          hint: 'Check the profile token; it may have been deleted or expired.',
        }),
      )
    })

    const region = screen.getByRole('alert')
    expect(region.textContent).toContain('Testing the connection to prod-east')
    expect(region.textContent).toContain('Consul refused the token: ACL not found.')
    expect(region.textContent).toContain('What to do: Check the profile token')
    expect(screen.getByTestId('error-item').dataset.code).toBe('CONSUL_ACL_DENIED')
  })

  it('accepts errors that crossed the transport as payloads and lets the operator dismiss them', () => {
    render(<ErrorCenter />)
    act(() => {
      reportError('Opening bad.snap', {
        code: 'SNAPSHOT_NOT_GZIP',
        message: 'bad.snap is not a gzip file.',
        hint: 'Choose a .snap made by consul snapshot save.',
      })
    })

    fireEvent.click(screen.getByRole('button', { name: /Dismiss/ }))

    expect(screen.queryByTestId('error-item')).toBeNull()
  })

  it('says nothing when the operator cancelled', () => {
    render(<ErrorCenter />)

    act(() => {
      reportError('Opening big.snap', new AppError('CANCELLED', 'Cancelled.'))
    })

    expect(screen.queryByTestId('error-item')).toBeNull()
  })

  it('hides the internals of unexpected failures behind a bug-report hint', () => {
    render(<ErrorCenter />)

    act(() => {
      reportError('Reading', new TypeError('x is undefined'))
    })

    expect(screen.getByTestId('error-item').dataset.code).toBe('INTERNAL')
    expect(screen.getByRole('alert').textContent).toContain('please report it')
  })
})
