/**
 * Electron's binary as its npm package lays it out: `path.txt` names the executable under
 * `dist/`, both written by the package's `install.js`. Electron 45 fetches the binary lazily
 * (`require('electron')` runs install.js when path.txt is missing), so `npm start` fetches it here
 * on purpose instead, with progress, and can still fall back to browser mode when that fails.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Check, ElectronBinary } from './desktop-or-browser'

/** The electron package folder (resolving package.json never starts a download), or null. */
export function electronPackageDir(root: string): string | null {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'))
  } catch {
    return null
  }
}

export function locateElectron(packageDir: string | null): ElectronBinary {
  if (packageDir === null) return { state: 'not-installed', reason: 'the electron package is not installed' }
  const pathFile = join(packageDir, 'path.txt')
  if (!existsSync(pathFile)) {
    return {
      state: 'not-downloaded',
      reason: "Electron's binary was never downloaded (node_modules/electron/path.txt is missing)",
    }
  }
  const executable = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  if (!existsSync(executable)) {
    return { state: 'not-downloaded', reason: `Electron's binary is missing (${executable})` }
  }
  return { state: 'ready', executable }
}

/** Starts the binary as plain Node: it fails fast when a system library is missing. */
export function electronRuns(executable: string, env: NodeJS.ProcessEnv): Check {
  const probe = spawnSync(executable, ['--version'], {
    encoding: 'utf8',
    timeout: 15_000,
    env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
  })
  if (probe.error) return { ok: false, reason: probe.error.message }
  if (probe.status !== 0) {
    const said = probe.stderr.trim().split('\n')[0]
    return { ok: false, reason: `exit code ${probe.status}${said ? `: ${said}` : ''}` }
  }
  return { ok: true }
}

export interface DownloadProgress {
  transferred: number
  total: number | null
  percent: number
}

/** The part of @electron/get's API used here (the downloader install.js itself uses). */
export interface ElectronGet {
  downloadArtifact(details: {
    version: string
    artifactName: 'electron'
    platform: string
    arch: string
    checksums: Record<string, string>
    cacheRoot?: string
    force?: boolean
    downloadOptions: { quiet: boolean; getProgressCallback(progress: DownloadProgress): Promise<void> }
  }): Promise<string>
}

export interface DownloaderOptions {
  packageDir: string
  env: NodeJS.ProcessEnv
  platform: NodeJS.Platform
  arch: string
  /** Progress lines; a terminal gets one line rewritten in place. */
  write(text: string): void
  interactive: boolean
  /** Loads @electron/get from the electron package's dependencies. */
  loadElectronGet?(packageDir: string): Promise<ElectronGet>
  /** Runs the package's install.js; returns its exit code. */
  runInstaller?(packageDir: string): number | null
}

/**
 * Downloads the zip into Electron's cache with a progress line (install.js alone shows nothing
 * for the first 30 seconds), checked against the package's own checksums, then runs install.js,
 * which finds it in the cache, checks it again, unpacks it and writes path.txt.
 */
export function createElectronDownloader(options: DownloaderOptions): () => Promise<Check> {
  const loadGet = options.loadElectronGet ?? loadElectronGet
  const runInstaller = options.runInstaller ?? runElectronInstaller
  return async () => {
    const manifest = JSON.parse(readFileSync(join(options.packageDir, 'package.json'), 'utf8')) as {
      version: string
    }
    const checksums = JSON.parse(readFileSync(join(options.packageDir, 'checksums.json'), 'utf8')) as Record<
      string,
      string
    >
    // The same platform and architecture install.js will ask for.
    const platform =
      options.env.ELECTRON_INSTALL_PLATFORM || options.env.npm_config_platform || options.platform
    const arch = options.env.ELECTRON_INSTALL_ARCH || options.env.npm_config_arch || options.arch
    const progress = progressPrinter(options, `Electron ${manifest.version} (${platform}-${arch})`)
    try {
      const get = await loadGet(options.packageDir)
      await get.downloadArtifact({
        version: manifest.version,
        artifactName: 'electron',
        platform,
        arch,
        checksums,
        cacheRoot: options.env.electron_config_cache || undefined,
        force: options.env.force_no_cache === 'true',
        downloadOptions: { quiet: true, getProgressCallback: async (p) => progress.update(p) },
      })
      progress.done()
    } catch (error) {
      progress.done()
      return { ok: false, reason: describeFailure(error) }
    }
    const code = runInstaller(options.packageDir)
    if (code !== 0) {
      return { ok: false, reason: `node_modules/electron/install.js exited with code ${code ?? 'unknown'}` }
    }
    return { ok: true }
  }
}

function progressPrinter(options: DownloaderOptions, what: string) {
  let shown = -1
  let started = false
  return {
    update(p: DownloadProgress) {
      started = true
      const percent = Math.floor(p.percent * 100)
      // A log file gets a line per 10%; a terminal one line redrawn per percent.
      const step = options.interactive ? 1 : 10
      // The downloader reports 100% once more when the file is complete.
      if (percent === shown || (percent < shown + step && percent !== 100)) return
      shown = percent
      const size = p.total ? ` of ${megabytes(p.total)}` : ''
      const line = `Downloading ${what}: ${percent}% (${megabytes(p.transferred)}${size})`
      options.write(options.interactive ? `\r${line}` : `${line}\n`)
    },
    done() {
      if (started && options.interactive) options.write('\n')
    },
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** "fetch failed" alone says nothing: name the innermost cause too (DNS, refused, TLS...). */
export function describeFailure(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code
    const text =
      typeof code === 'string' && !current.message.includes(code)
        ? `${current.message} [${code}]`
        : current.message
    const clause = text.replace(/\.$/, '')
    if (clause !== '' && !parts.includes(clause)) parts.push(clause)
    current = current.cause
  }
  return parts.length > 0 ? parts.join(': ') : String(error)
}

async function loadElectronGet(packageDir: string): Promise<ElectronGet> {
  const entry = createRequire(join(packageDir, 'package.json')).resolve('@electron/get')
  // An ES module: import it at run time, from where the electron package found it.
  return (await import(pathToFileURL(entry).href)) as ElectronGet
}

function runElectronInstaller(packageDir: string): number | null {
  return spawnSync(process.execPath, [join(packageDir, 'install.js')], { stdio: 'inherit' }).status
}
