// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../../../../src/renderer/app/app'
import { useErrorStore } from '../../../../src/renderer/store/error-store'
import { useNavigationStore } from '../../../../src/renderer/store/navigation-store'
import { browserPlatform, createTestStudio, fakeProfiles } from '../studio-harness'

describe('app shell', () => {
  beforeEach(() => {
    delete document.documentElement.dataset.ready
    useNavigationStore.setState({ screen: 'profiles' })
    useErrorStore.getState().clear()
  })
  afterEach(cleanup)

  it('marks the document ready once the profiles are loaded, for tests and tools to wait on', async () => {
    const studio = createTestStudio()

    await act(async () => {
      studio.render(<App />)
    })

    expect(document.documentElement.dataset.ready).toBe('true')
    expect(screen.getByRole('heading', { name: 'Connections' })).toBeTruthy()
  })

  it('says on screen that a damaged profile file was kept aside, and where', async () => {
    const studio = createTestStudio({
      profiles: fakeProfiles({
        list: async () => ({
          profiles: [],
          notice: {
            kind: 'corrupt-file-kept-aside',
            keptAsidePath: '/home/op/.config/snapshot-studio/profiles.json.corrupt-2026-01-01',
            reason: 'it is not valid JSON (Unexpected end of JSON input)',
          },
        }),
      }),
    })

    await act(async () => {
      studio.render(<App />)
    })

    const alert = screen.getByRole('alert')
    expect(alert.textContent).toContain('profiles.json.corrupt-2026-01-01')
    expect(alert.textContent).toContain('not valid JSON')
    expect(screen.getByTestId('error-item').dataset.code).toBe('SETTINGS_CORRUPT')
  })

  it('opens a file dropped anywhere on the window in Inspect', async () => {
    const upload = vi.fn(() => new Promise<never>(() => undefined))
    const studio = createTestStudio({}, { ...browserPlatform, upload })
    await act(async () => {
      studio.render(<App />)
    })
    const file = new File(['x'], 'prod.snap')

    await act(async () => {
      fireEvent.drop(window, { dataTransfer: { files: [file], types: ['Files'] } })
    })

    expect(upload).toHaveBeenCalledWith(file, expect.anything())
    expect(screen.getByRole('heading', { name: 'Inspect' })).toBeTruthy()
  })

  it('follows the menu and the keyboard: new profile, save', async () => {
    const studio = createTestStudio()
    await act(async () => {
      studio.render(<App />)
    })

    await act(async () => studio.dispatcher.broadcast('menu.command', { command: 'save-snapshot' }))
    expect(screen.getByRole('heading', { name: 'Save snapshots' })).toBeTruthy()

    await act(async () => {
      fireEvent.keyDown(window, { key: 'n', ctrlKey: true })
    })
    expect(screen.getByTestId('profile-form')).toBeTruthy()
  })
})
