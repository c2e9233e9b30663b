import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

/**
 * A sandboxed preload can only `require('electron')` (and a few Node built-ins Electron provides);
 * an ES module or a require of a package fails at run time, silently leaving the app without its
 * API. So the built file is checked, building it first when it is missing or older than its sources.
 */
const root = resolve(__dirname, '../../..')
const bundle = join(root, 'out', 'preload', 'index.js')

function newestSource(folder: string): number {
  let newest = 0
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs)
  }
  return newest
}

function ensureFreshBuild(): void {
  const sources = Math.max(newestSource(join(root, 'src', 'preload')), newestSource(join(root, 'src', 'shared')))
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return
  execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'pipe', timeout: 240_000 })
}

describe('the built preload', () => {
  let code = ''

  beforeAll(() => {
    ensureFreshBuild()
    code = readFileSync(bundle, 'utf8')
  }, 300_000)

  it('requires nothing but electron', () => {
    const required = [...code.matchAll(/require\(\s*(['"`])([^'"`]+)\1\s*\)/g)].map((match) => match[2])

    expect(required).toEqual(['electron'])
    expect(code).not.toMatch(/\brequire\(\s*[^'"`\s]/)
  })

  it('is a CommonJS script, not an ES module', () => {
    expect(code).not.toMatch(/^\s*import\s/m)
    expect(code).not.toMatch(/^\s*export\s/m)
    expect(code).not.toMatch(/\bimport\(/)
  })

  it('exposes exactly one global, the typed bridge, and not ipcRenderer itself', () => {
    const exposed = [...code.matchAll(/exposeInMainWorld\(/g)]

    expect(exposed).toHaveLength(1)
    expect(code).toMatch(/exposeInMainWorld\(bridgeGlobalName, createIpcBridge\(/)
    expect(code).toContain('"snapshotStudio"')
  })

  it('stays small: the contract schemas (zod) are not bundled into it', () => {
    expect(code).not.toContain('ZodError')
    expect(code.length).toBeLessThan(20_000)
  })
})

describe('the built command line and worker threads', () => {
  it('never load electron, so `snapshot-studio web` runs where Electron cannot', () => {
    const folder = join(root, 'out', 'main')
    const files = ['cli.js', 'inspect-worker.js', 'catalogue-worker.js', ...readdirSync(join(folder, 'chunks')).map((name) => join('chunks', name))]
    const loadingElectron = files.filter((file) => /require\(\s*["']electron["']\s*\)/.test(readFileSync(join(folder, file), 'utf8')))

    // Chunks shared with the desktop entry must not pull electron in either.
    expect(loadingElectron).toEqual([])
  })
})
