/**
 * `npm start`'s one decision: open the desktop window, or serve browser mode and say why.
 * Electron 45 has no install-time download: its binary is fetched on first use, so when it is
 * missing this fetches it (with Electron's own downloader and installer) before giving up.
 * Everything that touches the machine comes in through `LaunchDependencies`, so every branch is
 * specified in plain Node (test/unit/launcher).
 */

export type Check = { ok: true } | { ok: false; reason: string }

export type ElectronBinary =
  | { state: 'ready'; executable: string }
  /** The package is installed but its binary was never fetched (or was removed). */
  | { state: 'not-downloaded'; reason: string }
  /** Nothing to download into: the electron package itself is missing. */
  | { state: 'not-installed'; reason: string }

export interface LaunchDependencies {
  /** SNAPSHOT_STUDIO_BROWSER=1 */
  browserRequested: boolean
  /** ELECTRON_SKIP_BINARY_DOWNLOAD set: the user said not to fetch the binary. */
  downloadForbidden: boolean
  /** process.versions.node */
  nodeVersion: string
  findDisplay(): Check
  locateElectron(): ElectronBinary
  /** Fetches and installs the binary, showing its own progress. */
  downloadElectron(): Promise<Check>
  /** Whether the binary starts at all on this machine (libraries, architecture). */
  electronRuns(executable: string): Check
  startDesktop(executable: string): void
  startBrowser(): void
  say(text: string): void
}

export type LaunchOutcome =
  { mode: 'desktop'; executable: string } | { mode: 'browser'; reason: string; advice: string }

/** Electron 45's package and its downloader (@electron/get 5) declare Node >= 22.12. */
export const ELECTRON_NODE_RANGE = { major: 22, minor: 12 }

const INSTALL_COMMAND = 'node node_modules/electron/install.js'

export async function launchDesktopOrBrowser(deps: LaunchDependencies): Promise<LaunchOutcome> {
  const outcome = await decide(deps)
  if (outcome.mode === 'desktop') deps.startDesktop(outcome.executable)
  else {
    deps.say(
      `The desktop window cannot open: ${outcome.reason}.\n${outcome.advice}\n` +
        'Starting browser mode instead (snapshot-studio web).\n\n',
    )
    deps.startBrowser()
  }
  return outcome
}

async function decide(deps: LaunchDependencies): Promise<LaunchOutcome> {
  if (deps.browserRequested) {
    return browser(
      'SNAPSHOT_STUDIO_BROWSER=1 asks for browser mode',
      'Unset SNAPSHOT_STUDIO_BROWSER to open the desktop window.',
    )
  }
  // Without a display the window could not open even with the binary: do not fetch ~100 MB for nothing.
  const display = deps.findDisplay()
  if (!display.ok) {
    return browser(
      display.reason,
      'Run `npm start` in a desktop session (DISPLAY or WAYLAND_DISPLAY set) to get the window.',
    )
  }
  let binary = deps.locateElectron()
  if (binary.state === 'not-installed') {
    return browser(binary.reason, 'Run `npm install`, then `npm start` again.')
  }
  if (binary.state === 'not-downloaded') {
    if (deps.downloadForbidden) {
      return browser(
        `${binary.reason}, and ELECTRON_SKIP_BINARY_DOWNLOAD forbids fetching it`,
        `Unset ELECTRON_SKIP_BINARY_DOWNLOAD, or run \`${INSTALL_COMMAND}\`, then \`npm start\` again.`,
      )
    }
    deps.say(`${capitalised(binary.reason)}: fetching it now with Electron's installer.\n`)
    const downloaded = await deps.downloadElectron()
    if (!downloaded.ok) {
      return browser(
        `Electron's binary could not be downloaded (${downloaded.reason})`,
        downloadAdvice(deps.nodeVersion),
      )
    }
    binary = deps.locateElectron()
    if (binary.state !== 'ready') {
      return browser(
        `Electron's installer finished but the binary is still missing (${binary.reason})`,
        `Delete node_modules/electron/dist, run \`${INSTALL_COMMAND}\` and read its output, then \`npm start\` again.`,
      )
    }
  }
  const runs = deps.electronRuns(binary.executable)
  if (!runs.ok) {
    return browser(
      `Electron's binary does not run here (${runs.reason})`,
      'Install the system libraries Electron needs (on Debian or Ubuntu: libgtk-3-0 libnss3 libasound2 libgbm1), then `npm start` again.',
    )
  }
  return { mode: 'desktop', executable: binary.executable }
}

function downloadAdvice(nodeVersion: string): string {
  const lines = [
    `When the network allows it, run \`${INSTALL_COMMAND}\`, then \`npm start\` again.`,
    'Behind a proxy set HTTPS_PROXY and ELECTRON_GET_USE_PROXY=1; to use a mirror set ELECTRON_MIRROR.',
  ]
  if (!nodeAtLeast(nodeVersion, ELECTRON_NODE_RANGE)) {
    lines.push(
      `This is Node ${nodeVersion}; Electron 45 and its downloader are made for Node >= ${ELECTRON_NODE_RANGE.major}.${ELECTRON_NODE_RANGE.minor}.`,
    )
  }
  return lines.join('\n')
}

export function nodeAtLeast(version: string, wanted: { major: number; minor: number }): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number)
  return major > wanted.major || (major === wanted.major && minor >= wanted.minor)
}

function browser(reason: string, advice: string): LaunchOutcome {
  return { mode: 'browser', reason, advice }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
