import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createElectronDownloader,
  describeFailure,
  electronRuns,
  locateElectron,
  type DownloadProgress,
  type ElectronGet,
} from '../../../src/main/launcher/electron-binary'

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

/** An electron package folder as npm leaves it (no binary yet). */
function electronPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'electron-package-'))
  folders.push(dir)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.3.4' }))
  writeFileSync(join(dir, 'checksums.json'), JSON.stringify({ 'electron-v45.3.4-linux-x64.zip': 'abc123' }))
  return dir
}

describe('locateElectron', () => {
  it('says the binary was never downloaded when path.txt is missing', () => {
    expect(locateElectron(electronPackage())).toMatchObject({
      state: 'not-downloaded',
      reason: expect.stringContaining('never downloaded'),
    })
  })

  it('finds the executable path.txt names under dist/', () => {
    const dir = electronPackage()
    writeFileSync(join(dir, 'path.txt'), 'electron')
    mkdirSync(join(dir, 'dist'))
    writeFileSync(join(dir, 'dist', 'electron'), '')

    expect(locateElectron(dir)).toEqual({ state: 'ready', executable: join(dir, 'dist', 'electron') })
  })

  it('treats a path.txt whose executable is gone as not downloaded', () => {
    const dir = electronPackage()
    writeFileSync(join(dir, 'path.txt'), 'electron')

    expect(locateElectron(dir).state).toBe('not-downloaded')
  })

  it('says the package is not installed when there is no package folder', () => {
    expect(locateElectron(null).state).toBe('not-installed')
  })
})

describe('electronRuns', () => {
  it('accepts an executable that starts', () => {
    expect(electronRuns(process.execPath, process.env)).toEqual({ ok: true })
  })

  it('names the reason when it cannot start', () => {
    const result = electronRuns(join(tmpdir(), 'no-such-electron-binary'), process.env)

    expect(result.ok).toBe(false)
    expect(result.ok === false && result.reason).toContain('ENOENT')
  })
})

describe('the Electron downloader', () => {
  function downloader(options: {
    get: ElectronGet
    installerExit?: number
    interactive?: boolean
    env?: NodeJS.ProcessEnv
  }) {
    const packageDir = electronPackage()
    const written: string[] = []
    const installed: string[] = []
    const download = createElectronDownloader({
      packageDir,
      env: options.env ?? {},
      platform: 'linux',
      arch: 'x64',
      write: (text) => written.push(text),
      interactive: options.interactive ?? false,
      loadElectronGet: async () => options.get,
      runInstaller: (dir) => {
        installed.push(dir)
        return options.installerExit ?? 0
      },
    })
    return { download, written, installed, packageDir }
  }

  /** Reports progress in ten steps of 10 MB, as @electron/get does while the body streams in. */
  function fakeGet(asked: unknown[], failure?: Error): ElectronGet {
    return {
      async downloadArtifact(details) {
        asked.push(details)
        if (failure) throw failure
        const total = 100 * 1024 * 1024
        for (let step = 1; step <= 10; step++) {
          const progress: DownloadProgress = { transferred: (total * step) / 10, total, percent: step / 10 }
          await details.downloadOptions.getProgressCallback(progress)
        }
        // As @electron/get does once the file is complete.
        await details.downloadOptions.getProgressCallback({ transferred: total, total, percent: 1 })
        return '/cache/electron.zip'
      },
    }
  }

  it("asks Electron's downloader for the package's version, platform and checksums, then runs install.js", async () => {
    const asked: unknown[] = []
    const { download, installed, packageDir } = downloader({ get: fakeGet(asked) })

    expect(await download()).toEqual({ ok: true })

    expect(asked).toEqual([
      expect.objectContaining({
        version: '45.3.4',
        artifactName: 'electron',
        platform: 'linux',
        arch: 'x64',
        checksums: { 'electron-v45.3.4-linux-x64.zip': 'abc123' },
      }),
    ])
    expect(installed).toEqual([packageDir])
  })

  it('follows the platform and architecture overrides install.js reads', async () => {
    const asked: Array<{ platform: string; arch: string }> = []
    const { download } = downloader({
      get: fakeGet(asked),
      env: { ELECTRON_INSTALL_PLATFORM: 'darwin', ELECTRON_INSTALL_ARCH: 'arm64' },
    })

    await download()

    expect(asked[0]).toMatchObject({ platform: 'darwin', arch: 'arm64' })
  })

  it('shows progress from the first bytes: a line per 10% in a log', async () => {
    const { download, written } = downloader({ get: fakeGet([]) })

    await download()

    expect(written).toHaveLength(10)
    expect(written[0]).toBe('Downloading Electron 45.3.4 (linux-x64): 10% (10.0 MB of 100.0 MB)\n')
    expect(written[9]).toBe('Downloading Electron 45.3.4 (linux-x64): 100% (100.0 MB of 100.0 MB)\n')
  })

  it('redraws one line on a terminal and ends it when done', async () => {
    const { download, written } = downloader({ get: fakeGet([]), interactive: true })

    await download()

    expect(written.slice(0, -1).every((line) => line.startsWith('\r'))).toBe(true)
    expect(written.at(-1)).toBe('\n')
  })

  it('reports a failed download with its innermost cause and does not run the installer', async () => {
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND github.com'), { code: 'ENOTFOUND' })
    const { download, installed } = downloader({
      get: fakeGet([], new TypeError('fetch failed', { cause })),
    })

    expect(await download()).toEqual({ ok: false, reason: 'fetch failed: getaddrinfo ENOTFOUND github.com' })
    expect(installed).toEqual([])
  })

  it('reports an installer that exits with an error', async () => {
    const { download } = downloader({ get: fakeGet([]), installerExit: 1 })

    expect(await download()).toEqual({
      ok: false,
      reason: 'node_modules/electron/install.js exited with code 1',
    })
  })
})

describe('describeFailure', () => {
  it('adds an error code the message does not already name', () => {
    const error = new Error('connect failed', {
      cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    })

    expect(describeFailure(error)).toBe('connect failed: socket hang up [ECONNRESET]')
  })

  it('does not end a clause in the middle of the sentence', () => {
    expect(describeFailure(new Error('Generated checksum did not match expected checksum.'))).toBe(
      'Generated checksum did not match expected checksum',
    )
  })
})
