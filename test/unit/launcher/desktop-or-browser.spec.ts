import { describe, expect, it } from 'vitest'
import {
  launchDesktopOrBrowser,
  nodeAtLeast,
  type Check,
  type ElectronBinary,
  type LaunchDependencies,
} from '../../../src/main/launcher/desktop-or-browser'

const EXECUTABLE = '/app/node_modules/electron/dist/electron'
const NOT_DOWNLOADED: ElectronBinary = {
  state: 'not-downloaded',
  reason: "Electron's binary was never downloaded (node_modules/electron/path.txt is missing)",
}

/** A machine described by its answers; records what the launcher did with it. */
function machine(answers: {
  browserRequested?: boolean
  downloadForbidden?: boolean
  nodeVersion?: string
  display?: Check
  binaries?: ElectronBinary[]
  download?: Check
  runs?: Check
}) {
  const binaries = [...(answers.binaries ?? [{ state: 'ready', executable: EXECUTABLE }])]
  const did = {
    said: '',
    downloads: 0,
    desktop: [] as string[],
    browser: 0,
    probed: [] as string[],
  }
  const deps: LaunchDependencies = {
    browserRequested: answers.browserRequested ?? false,
    downloadForbidden: answers.downloadForbidden ?? false,
    nodeVersion: answers.nodeVersion ?? '22.12.0',
    findDisplay: () => answers.display ?? { ok: true },
    locateElectron: () => (binaries.length > 1 ? binaries.shift()! : binaries[0]!),
    downloadElectron: async () => {
      did.downloads++
      return answers.download ?? { ok: true }
    },
    electronRuns: (executable) => {
      did.probed.push(executable)
      return answers.runs ?? { ok: true }
    },
    startDesktop: (executable) => did.desktop.push(executable),
    startBrowser: () => did.browser++,
    say: (text) => (did.said += text),
  }
  return { deps, did }
}

describe('npm start: the desktop window or browser mode', () => {
  it('opens the window when the binary is there, runs, and there is a display', async () => {
    const { deps, did } = machine({})

    const outcome = await launchDesktopOrBrowser(deps)

    expect(outcome).toEqual({ mode: 'desktop', executable: EXECUTABLE })
    expect(did.desktop).toEqual([EXECUTABLE])
    expect(did.browser).toBe(0)
    expect(did.downloads).toBe(0)
    expect(did.said).toBe('')
  })

  it('fetches a binary that was never downloaded, then opens the window (what `npm start` never did)', async () => {
    const { deps, did } = machine({ binaries: [NOT_DOWNLOADED, { state: 'ready', executable: EXECUTABLE }] })

    const outcome = await launchDesktopOrBrowser(deps)

    expect(did.downloads).toBe(1)
    expect(did.said).toMatch(/never downloaded.*fetching it now with Electron's installer/)
    expect(outcome.mode).toBe('desktop')
    expect(did.desktop).toEqual([EXECUTABLE])
  })

  it('starts browser mode when the download fails, saying why and what to run', async () => {
    const { deps, did } = machine({
      binaries: [NOT_DOWNLOADED],
      download: { ok: false, reason: 'fetch failed: getaddrinfo ENOTFOUND github.com' },
    })

    const outcome = await launchDesktopOrBrowser(deps)

    expect(outcome.mode).toBe('browser')
    expect(did.browser).toBe(1)
    expect(did.desktop).toEqual([])
    expect(did.said).toContain(
      "Electron's binary could not be downloaded (fetch failed: getaddrinfo ENOTFOUND github.com)",
    )
    expect(did.said).toContain('node node_modules/electron/install.js')
    expect(did.said).toContain('ELECTRON_MIRROR')
    expect(did.said).toContain('Starting browser mode instead')
  })

  it('names the Node version Electron asks for when a failed download ran on an older Node', async () => {
    const failing = { binaries: [NOT_DOWNLOADED], download: { ok: false as const, reason: 'boom' } }

    const old = machine({ ...failing, nodeVersion: '20.20.2' })
    const current = machine({ ...failing, nodeVersion: '22.12.0' })
    await launchDesktopOrBrowser(old.deps)
    await launchDesktopOrBrowser(current.deps)

    expect(old.did.said).toContain(
      'This is Node 20.20.2; Electron 45 and its downloader are made for Node >= 22.12',
    )
    expect(current.did.said).not.toContain('This is Node')
  })

  it('does not download without a display: browser mode, and how to get the window', async () => {
    const { deps, did } = machine({
      display: { ok: false, reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' },
      binaries: [NOT_DOWNLOADED],
    })

    const outcome = await launchDesktopOrBrowser(deps)

    expect(outcome.mode).toBe('browser')
    expect(did.downloads).toBe(0)
    expect(did.said).toContain('The desktop window cannot open: there is no display')
    expect(did.said).toContain('desktop session')
    expect(did.browser).toBe(1)
  })

  it('honours SNAPSHOT_STUDIO_BROWSER=1 before looking at anything else', async () => {
    const { deps, did } = machine({ browserRequested: true, binaries: [NOT_DOWNLOADED] })

    const outcome = await launchDesktopOrBrowser(deps)

    expect(outcome).toMatchObject({
      mode: 'browser',
      reason: expect.stringContaining('SNAPSHOT_STUDIO_BROWSER=1'),
    })
    expect(did.downloads).toBe(0)
    expect(did.probed).toEqual([])
  })

  it('does not download when ELECTRON_SKIP_BINARY_DOWNLOAD says not to', async () => {
    const { deps, did } = machine({ downloadForbidden: true, binaries: [NOT_DOWNLOADED] })

    const outcome = await launchDesktopOrBrowser(deps)

    expect(outcome.mode).toBe('browser')
    expect(did.downloads).toBe(0)
    expect(did.said).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD')
  })

  it('asks for `npm install` when the electron package itself is missing', async () => {
    const { deps, did } = machine({
      binaries: [{ state: 'not-installed', reason: 'the electron package is not installed' }],
    })

    await launchDesktopOrBrowser(deps)

    expect(did.downloads).toBe(0)
    expect(did.said).toContain('the electron package is not installed')
    expect(did.said).toContain('npm install')
    expect(did.browser).toBe(1)
  })

  it('reports an installer that succeeded without leaving a binary', async () => {
    const { deps, did } = machine({ binaries: [NOT_DOWNLOADED, NOT_DOWNLOADED] })

    const outcome = await launchDesktopOrBrowser(deps)

    expect(outcome).toMatchObject({ mode: 'browser', reason: expect.stringContaining('still missing') })
    expect(did.browser).toBe(1)
  })

  it('falls back when the binary does not start here, naming the libraries to install', async () => {
    const { deps, did } = machine({
      runs: { ok: false, reason: 'exit code 127: error while loading shared libraries: libnss3.so' },
    })

    const outcome = await launchDesktopOrBrowser(deps)

    expect(outcome.mode).toBe('browser')
    expect(did.probed).toEqual([EXECUTABLE])
    expect(did.said).toContain(
      "Electron's binary does not run here (exit code 127: error while loading shared libraries",
    )
    expect(did.said).toContain('libnss3')
    expect(did.desktop).toEqual([])
  })
})

describe('nodeAtLeast', () => {
  it('compares major, then minor', () => {
    expect(nodeAtLeast('22.12.0', { major: 22, minor: 12 })).toBe(true)
    expect(nodeAtLeast('v24.1.0', { major: 22, minor: 12 })).toBe(true)
    expect(nodeAtLeast('22.11.9', { major: 22, minor: 12 })).toBe(false)
    expect(nodeAtLeast('20.20.2', { major: 22, minor: 12 })).toBe(false)
  })
})
