// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { InspectScreen } from '../../../../../src/renderer/features/inspect/inspect-screen'
import { AppError } from '../../../../../src/shared/app-error'
import { sampleInspection } from '../../../api/fake-host-services'
import { createTestStudio } from '../../studio-harness'

const good = { kind: 'path' as const, path: '/backups/good.snap', name: 'good.snap' }
const bad = { kind: 'path' as const, path: '/backups/bad.snap', name: 'bad.snap' }

describe('inspect screen', () => {
  afterEach(cleanup)

  it('shows why a dropped file could not be opened beside the file that stays open', async () => {
    const studio = createTestStudio({
      inspect: {
        verify: async () => sampleInspection,
        inspect: async (path) => {
          if (path === bad.path) throw new AppError('SNAPSHOT_NOT_GZIP', 'bad.snap is not gzip data.')
          return sampleInspection
        },
      },
    })
    await act(async () => {
      studio.render(<InspectScreen />)
      await studio.stores.inspect.getState().open(good)
    })

    await act(() => studio.stores.inspect.getState().open(bad))

    const alert = screen.getByRole('alert')
    expect(alert.textContent).toContain('bad.snap could not be opened: bad.snap is not gzip data.')
    expect(alert.textContent).toContain('Still showing good.snap.')
    expect(document.querySelector('[data-screen="inspect"]')?.getAttribute('data-state')).toBe('ready')
    expect(screen.getByText(sampleInspection.meta.id)).toBeTruthy()

    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }))

    expect(screen.queryByRole('alert')).toBeNull()
  })
})
