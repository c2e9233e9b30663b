// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { SaveWizard } from '../../../../../src/renderer/features/save/save-wizard'
import { createTestStudio, fakeProfiles, profileView } from '../../studio-harness'

const east = profileView('east')

async function openWizard(recentFolders: string[]) {
  const studio = createTestStudio({
    profiles: fakeProfiles({ list: async () => ({ profiles: [east], notice: null }) }),
    recentFolders: { list: async () => recentFolders, add: async () => undefined },
  })
  await act(async () => {
    studio.render(<SaveWizard />)
  })
  return studio
}

describe('save wizard in browser mode', () => {
  afterEach(cleanup)

  it('offers the default folder and the recently used ones instead of asking for a typed host path', async () => {
    await openWizard(['/srv/backups/consul', '/tmp/snapshots'])
    const choices = screen.getByRole('group', { name: 'Folders to save into' })

    expect(
      within(choices)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Default /tmp/snapshots', 'Recent /srv/backups/consul'])
    expect(screen.getByLabelText<HTMLInputElement>('Folder').value).toBe('/tmp/snapshots')

    fireEvent.click(within(choices).getByRole('button', { name: /\/srv\/backups\/consul/ }))

    expect(screen.getByLabelText<HTMLInputElement>('Folder').value).toBe('/srv/backups/consul')
    expect(within(choices).getByRole('button', { name: /\/srv\/backups\/consul/ }).ariaPressed).toBe('true')
  })

  it('says the folder is on the host, not in the browser', async () => {
    await openWizard([])

    expect(screen.getByText(/computer that runs Snapshot Studio, not this browser/)).toBeTruthy()
  })
})
