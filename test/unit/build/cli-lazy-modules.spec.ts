import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSnapshot } from '../../support/snapshot-builder'
import { ensureFreshBuild, repositoryRoot } from './ensure-fresh-build'

/**
 * The cloud SDKs and the age library cost a CLI start-up hundreds of milliseconds to load, so the
 * built CLI loads them only for a command that reads a store or an encrypted file: a plain local
 * `inspect` must not pay for them (nor must the app's inspect of a local file, which shares the
 * modules). Each command runs in a child process that logs every package it loads.
 */
const cli = join(repositoryRoot, 'bin', 'snapshot-studio.js')
const logHook = join(repositoryRoot, 'test', 'support', 'module-load-log.mjs')
const heavy = /\/node_modules\/(@aws-sdk|@smithy|@azure|@google-cloud|age-encryption|@noble)\//
const work = mkdtempSync(join(tmpdir(), 'cli-lazy-modules-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function runCli(args: string[]): {
  status: number | null
  stdout: string
  heavyLoaded: string[]
  pinoLoaded: boolean
  stderr: string
} {
  const run = spawnSync(process.execPath, ['--import', logHook, cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  })
  const loaded = run.stderr.split('\n').filter((line) => line.startsWith('module-loaded '))
  return {
    status: run.status,
    stdout: run.stdout,
    heavyLoaded: loaded.filter((line) => heavy.test(line)),
    pinoLoaded: loaded.some((line) => line.includes('/node_modules/pino/')),
    stderr: run.stderr
      .split('\n')
      .filter((line) => !line.startsWith('module-loaded '))
      .join('\n'),
  }
}

describe('what the built CLI loads', () => {
  beforeAll(() => ensureFreshBuild(), 300_000)

  it('inspects a local file without loading a cloud SDK or the age library', () => {
    const file = join(work, 'plain.snap')
    writeFileSync(file, buildSnapshot())

    const run = runCli(['inspect', file])

    expect(run.stderr.trim()).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('Index')
    expect(run.heavyLoaded).toEqual([])
  })

  // A save or restore loads everything before its first request, and nothing overlaps that wait.
  it('loads the logging library only when a log was asked for', () => {
    const file = join(work, 'logged.snap')
    writeFileSync(file, buildSnapshot())

    const quiet = runCli(['inspect', file])
    const logged = runCli(['-log-level=debug', 'inspect', file])

    expect(quiet.status).toBe(0)
    expect(quiet.pinoLoaded).toBe(false)
    expect(logged.status).toBe(0)
    expect(logged.stderr).toContain('Command started')
    expect(logged.pinoLoaded).toBe(true)
  })

  it('loads the S3 SDK for a stored address (so the log above sees what a command loads)', () => {
    const run = runCli([
      'inspect',
      '-aws-s3-endpoint',
      'http://127.0.0.1:9',
      '-aws-access-key-id',
      'test',
      '-aws-secret-access-key',
      'test',
      '-aws-s3-force-path-style',
      's3://backups/consul-1.snap',
    ])

    expect(run.status).not.toBe(0)
    expect(run.stderr).toContain('cannot be reached')
    expect(run.heavyLoaded.some((line) => line.includes('/@aws-sdk/client-s3/'))).toBe(true)
  })
})
