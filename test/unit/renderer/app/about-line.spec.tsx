// @vitest-environment jsdom
// The sidebar's foot carries the version and the way the app runs, from the host's app.info: the
// line an operator copies into a bug report.
import { act, cleanup, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { SidebarNav } from '../../../../src/renderer/app/sidebar-nav'
import { createFakeHostServices } from '../../api/fake-host-services'
import { createTestStudio, electronPlatform } from '../studio-harness'

describe('about line in the sidebar', () => {
  afterEach(cleanup)

  it('shows the version and browser mode as the host reports them', async () => {
    const studio = createTestStudio({
      appInfo: () => ({ ...createFakeHostServices().appInfo(), version: '1.4.2', platform: 'linux' }),
    })

    await act(async () => {
      studio.render(<SidebarNav modifier="Ctrl+" />)
    })

    const about = screen.getByLabelText('About')
    expect(about.textContent).toBe('Snapshot Studio for Consul 1.4.2browser mode on linux')
    expect(studio.calls.map((call) => call.method)).toEqual(['app.info'])
  })

  it('says desktop in the desktop window', async () => {
    const base = createFakeHostServices().appInfo()
    const studio = createTestStudio(
      {
        appInfo: () => ({
          ...base,
          version: '2.0.0',
          platform: 'darwin',
          capabilities: { kind: 'electron', nativeDialogs: true, fileUpload: false },
        }),
      },
      electronPlatform,
    )

    await act(async () => {
      studio.render(<SidebarNav modifier="⌘" />)
    })

    expect(screen.getByLabelText('About').textContent).toBe(
      'Snapshot Studio for Consul 2.0.0desktop on darwin',
    )
  })

  it('shows nothing, and keeps the navigation, when the host cannot answer', async () => {
    const studio = createTestStudio({
      appInfo: () => {
        throw new Error('host unavailable')
      },
    })

    await act(async () => {
      studio.render(<SidebarNav modifier="Ctrl+" />)
    })

    expect(screen.queryByLabelText('About')).toBeNull()
    expect(screen.getByRole('button', { name: /Connections/ })).toBeTruthy()
  })
})
