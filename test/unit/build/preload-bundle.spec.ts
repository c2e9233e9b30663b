import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureFreshBuild, repositoryRoot } from './ensure-fresh-build'

/**
 * A sandboxed preload can only `require('electron')` (and a few Node built-ins Electron provides);
 * an ES module or a require of a package fails at run time, silently leaving the app without its
 * API. So the built file is checked, building it first when it is missing or older than its sources.
 */
const root = repositoryRoot
const bundle = join(root, 'out', 'preload', 'index.js')

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
    const files = [
      'cli.js',
      'inspect-worker.js',
      'catalogue-worker.js',
      ...readdirSync(join(folder, 'chunks')).map((name) => join('chunks', name)),
    ]
    const loadingElectron = files.filter((file) =>
      /require\(\s*["']electron["']\s*\)/.test(readFileSync(join(folder, file), 'utf8')),
    )

    // Chunks shared with the desktop entry must not pull electron in either.
    expect(loadingElectron).toEqual([])
  })
})
