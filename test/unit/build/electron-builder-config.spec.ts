// The packaged app's hardening lives in electron-builder's configuration: the fuses baked into
// the Electron binary and the asar archive they protect.
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repositoryRoot } from './ensure-fresh-build'

interface BuilderConfig {
  asar?: unknown
  asarUnpack?: unknown
  files?: string[]
  electronFuses?: Record<string, boolean>
}

const config = createRequire(__filename)(join(repositoryRoot, 'electron-builder.config.cjs')) as BuilderConfig
const packageJson = createRequire(__filename)(join(repositoryRoot, 'package.json')) as {
  scripts: Record<string, string>
}

describe('the packaged app', () => {
  it('ships as one asar archive, with nothing of ours unpacked beside it', () => {
    expect(config.asar).toBe(true)
    expect(config.asarUnpack).toBeUndefined()
    expect(config.files).toContain('!**/*.map')
  })

  it('turns off every way to run other code in the signed binary', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
    })
  })

  it('loads the app only from its archive, checked against the hash taken at build time', () => {
    expect(config.electronFuses).toMatchObject({
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    })
  })

  it('is the configuration `npm run dist` uses', () => {
    expect(packageJson.scripts.dist).toContain('--config electron-builder.config.cjs')
  })
})
