import { useCallback, useEffect } from 'react'
import { BackupsScreen } from '../features/backups/backups-screen'
import { CompareScreen } from '../features/compare/compare-screen'
import { FleetScreen } from '../features/fleet/fleet-screen'
import { GrowthScreen } from '../features/growth/growth-screen'
import { InspectScreen } from '../features/inspect/inspect-screen'
import { useInspectStore } from '../features/inspect/inspect-store'
import { ProfilesScreen } from '../features/profiles/profiles-screen'
import { useProfilesStore } from '../features/profiles/profiles-store'
import { RestoreWizard } from '../features/restore/restore-wizard'
import { SaveWizard } from '../features/save/save-wizard'
import type { MenuCommand } from '../../shared/api-contract'
import { selectScreen, useNavigationStore } from '../store/navigation-store'
import { useStudio } from '../store/studio-context'
import { ErrorCenter } from './error-center'
import { isMac, useKeyboardShortcuts } from './keyboard-shortcuts'
import { SidebarNav } from './sidebar-nav'
import { useWindowDrop } from './window-drop'

/** The shell: navigation, the one error region, and the screen of the moment. */
export function App() {
  const screen = useNavigationStore(selectScreen)
  const loadProfiles = useProfilesStore((s) => s.load)
  const openFile = useInspectStore((s) => s.openFile)
  const { client } = useStudio()

  const runCommand = useCallback((command: MenuCommand) => {
    const nav = useNavigationStore.getState()
    if (command === 'open-snapshot') nav.requestOpenFile()
    else if (command === 'new-profile') nav.requestNewProfile()
    else nav.go('save')
  }, [])
  useKeyboardShortcuts(runCommand)

  useEffect(() => {
    const stopMenu = client.on('menu.command', ({ command }) => runCommand(command))
    const stopOpen = client.on('app.openFile', ({ path }) =>
      useNavigationStore.getState().openInInspect(path),
    )
    return () => {
      stopMenu()
      stopOpen()
    }
  }, [client, runCommand])

  // The first paint has profiles: e2e tests (and people) can act as soon as `data-ready` is set.
  useEffect(() => {
    void loadProfiles().finally(() => {
      document.documentElement.dataset.ready = 'true'
    })
  }, [loadProfiles])

  const onDrop = useCallback(
    (file: File) => {
      useNavigationStore.getState().go('inspect')
      void openFile(file)
    },
    [openFile],
  )
  const dragging = useWindowDrop(onDrop)

  return (
    <div className={`app-shell${dragging ? ' dragging' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <SidebarNav modifier={isMac() ? '⌘' : 'Ctrl+'} />
      <main id="main" tabIndex={-1}>
        <ErrorCenter />
        {screen === 'profiles' && <ProfilesScreen />}
        {screen === 'inspect' && <InspectScreen />}
        {screen === 'save' && <SaveWizard />}
        {screen === 'restore' && <RestoreWizard />}
        {screen === 'backups' && <BackupsScreen />}
        {screen === 'fleet' && <FleetScreen />}
        {screen === 'growth' && <GrowthScreen />}
        {screen === 'compare' && <CompareScreen />}
      </main>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <p>Drop the snapshot to inspect it</p>
        </div>
      )}
    </div>
  )
}
