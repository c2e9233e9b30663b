import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createInstanceFolder,
  instanceFolderPrefix,
  ownerIsAlive,
  processStartTime,
  sweepAbandonedInstanceFolders,
  type InstanceOwner,
} from '../../../src/main/host/instance-folder'

describe("a host's own temp folder", () => {
  let parent: string

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'instance-folder-'))
  })

  afterEach(async () => {
    await rm(parent, { recursive: true, force: true })
  })

  it('is private and names its owner', async () => {
    const instance = createInstanceFolder(parent)

    const owner = JSON.parse(await readFile(join(instance.path, 'owner.json'), 'utf8')) as InstanceOwner

    expect((await stat(instance.path)).mode & 0o777).toBe(0o700)
    expect(owner.pid).toBe(process.pid)
    expect(ownerIsAlive(owner)).toBe(true)
  })

  it('is removed with everything in it', async () => {
    const instance = createInstanceFolder(parent)
    await mkdir(join(instance.spillDir, 'snapshot-studio-catalogue-x'))
    await writeFile(join(instance.spillDir, 'snapshot-studio-catalogue-x', 'state.bin'), 'secret')

    instance.removeSync()

    expect(existsSync(instance.path)).toBe(false)
  })

  it('of a dead host is swept at once, whatever its age; a live host keeps its own', async () => {
    const dead = createInstanceFolder(parent)
    const alive = createInstanceFolder(parent)
    const deadPath = dead.path
    const isAlive = (owner: InstanceOwner) => owner.started !== 'dead'
    await writeFile(join(deadPath, 'owner.json'), JSON.stringify({ pid: process.pid, started: 'dead' }))

    const removed = sweepAbandonedInstanceFolders(parent, isAlive)

    expect(removed).toBe(1)
    expect(existsSync(deadPath)).toBe(false)
    expect(existsSync(alive.path)).toBe(true)
  })

  it('without an owner file is left alone while it may still be starting, and swept after', async () => {
    const young = join(parent, `${instanceFolderPrefix}young`)
    const old = join(parent, `${instanceFolderPrefix}old`)
    await mkdir(young)
    await mkdir(old)
    const longAgo = new Date(Date.now() - 10 * 60_000)
    await utimes(old, longAgo, longAgo)

    sweepAbandonedInstanceFolders(parent, () => true)

    expect(existsSync(young)).toBe(true)
    expect(existsSync(old)).toBe(false)
  })

  it('knows a process is gone', () => {
    expect(ownerIsAlive({ pid: 2 ** 22 + 12345, started: null })).toBe(false)
  })

  it.runIf(process.platform === 'linux')(
    'knows a pid that now belongs to another process (Linux start times)',
    () => {
      const started = processStartTime(process.pid)

      expect(started).toMatch(/^\d+$/)
      expect(ownerIsAlive({ pid: process.pid, started: `${started}1` })).toBe(false)
    },
  )
})
