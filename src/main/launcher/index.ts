/**
 * What `bin/start.js` loads after the build: the decision and the probes of this machine. The
 * launcher keeps the spawning (the window, or browser mode) and passes it in.
 */
import { findDisplay } from './display-probe'
import { launchDesktopOrBrowser, type LaunchDependencies, type LaunchOutcome } from './desktop-or-browser'
import { createElectronDownloader, electronPackageDir, electronRuns, locateElectron } from './electron-binary'

export interface LauncherHost {
  root: string
  env: NodeJS.ProcessEnv
  platform: NodeJS.Platform
  arch: string
  nodeVersion: string
  output: { write(text: string): unknown; isTTY?: boolean }
  startDesktop(executable: string): void
  startBrowser(): void
}

export function startDesktopOrBrowser(host: LauncherHost): Promise<LaunchOutcome> {
  const packageDir = electronPackageDir(host.root)
  const say = (text: string) => void host.output.write(text)
  const deps: LaunchDependencies = {
    browserRequested: host.env.SNAPSHOT_STUDIO_BROWSER === '1',
    downloadForbidden: Boolean(host.env.ELECTRON_SKIP_BINARY_DOWNLOAD),
    nodeVersion: host.nodeVersion,
    findDisplay: () => findDisplay(host.platform, host.env),
    locateElectron: () => locateElectron(packageDir),
    downloadElectron:
      packageDir === null
        ? async () => ({ ok: false, reason: 'the electron package is not installed' })
        : createElectronDownloader({
            packageDir,
            env: host.env,
            platform: host.platform,
            arch: host.arch,
            write: say,
            interactive: host.output.isTTY === true,
          }),
    electronRuns: (executable) => electronRuns(executable, host.env),
    startDesktop: host.startDesktop,
    startBrowser: host.startBrowser,
    say,
  }
  return launchDesktopOrBrowser(deps)
}
