// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../../../../src/renderer/app/app'
import { useInspectStore } from '../../../../src/renderer/features/inspect/inspect-store'
import { installStudioPort, type MenuCommand } from '../../../../src/renderer/ports/studio-port'
import { useNavigationStore } from '../../../../src/renderer/store/navigation-store'
import { fakeStudioPort } from '../fake-studio-port'

describe('app shell', () => {
  beforeEach(() => {
    delete document.documentElement.dataset.ready
    useNavigationStore.setState({ screen: 'profiles' })
    useInspectStore.getState().close()
  })
  afterEach(cleanup)

  it('marks the document ready once the profiles are loaded, for tests and tools to wait on', async () => {
    installStudioPort(fakeStudioPort())

    await act(async () => {
      render(<App />)
    })

    expect(document.documentElement.dataset.ready).toBe('true')
    expect(screen.getByRole('heading', { name: 'Connections' })).toBeTruthy()
  })

  it('opens a file dropped anywhere on the window in Inspect', async () => {
    const fromFile = vi.fn(() => new Promise<never>(() => undefined))
    installStudioPort(fakeStudioPort({ files: { fromFile } }))
    await act(async () => {
      render(<App />)
    })
    const file = new File(['x'], 'prod.snap')

    await act(async () => {
      fireEvent.drop(window, { dataTransfer: { files: [file], types: ['Files'] } })
    })

    expect(fromFile).toHaveBeenCalledWith(file, expect.anything())
    expect(screen.getByRole('heading', { name: 'Inspect' })).toBeTruthy()
  })

  it('follows the menu and the keyboard: new profile, save', async () => {
    let menu: ((command: MenuCommand) => void) | undefined
    installStudioPort(fakeStudioPort({ onMenuCommand: (listener) => ((menu = listener), () => undefined) }))
    await act(async () => {
      render(<App />)
    })

    await act(async () => menu?.('save-snapshot'))
    expect(screen.getByRole('heading', { name: 'Save snapshots' })).toBeTruthy()

    await act(async () => {
      fireEvent.keyDown(window, { key: 'n', ctrlKey: true })
    })
    expect(screen.getByTestId('profile-form')).toBeTruthy()
  })
})
