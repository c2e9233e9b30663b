import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { generateIdentity } from 'age-encryption'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import type { SaveResult } from '../../../src/shared/consul-types'
import { silentLogger } from '../../../src/main/services/backups/agent-logger'
import type { Destination } from '../../../src/main/services/backups/destination'
import { LocalDestination } from '../../../src/main/services/backups/local-destination'
import type { RetentionPolicy } from '../../../src/main/services/backups/retention'
import { SnapshotIdSource } from '../../../src/main/services/backups/snapshot-id'
import {
  runSnapshotCycle,
  type CycleOptions,
  type SaveFunction,
} from '../../../src/main/services/backups/snapshot-cycle'
import type { SaveSnapshotOptions } from '../../../src/main/services/consul/save-snapshot'
import { recipientOf } from '../../../src/main/services/encryption/age-keys'
import { decryptStream } from '../../../src/main/services/encryption/age-stream'

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ss-cycle-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

const keepAll: RetentionPolicy = {
  retain: 0,
  maxAgeMs: null,
  hourly: 0,
  daily: 0,
  weekly: 0,
  monthly: 0,
  yearly: 0,
  timeZone: 'UTC',
}
const clockAt = (iso: string) => () => new Date(iso)

/** A save service standing in for Consul: writes a small "verified" file and its sidecar. */
function fakeSave(calls: SaveSnapshotOptions[] = []): SaveFunction {
  return async (options) => {
    calls.push(options)
    const name = options.fileName ?? 'templated-20260315T120000Z.snap'
    const path = join(options.destinationDir, name)
    await writeFile(path, 'snapshot bytes')
    await writeFile(`${path}.json`, '{"sidecar":true}')
    const result: SaveResult = {
      path,
      sidecarPath: `${path}.json`,
      size: 14,
      sha256: 'a'.repeat(64),
      index: 42,
      term: 2,
      consulVersion: '1.14.8',
      datacenter: 'dc1',
      knownLeader: true,
      lastContactMs: 0,
      durationMs: 1,
    }
    return result
  }
}

const failingSave: SaveFunction = async () => {
  throw new AppError('SNAPSHOT_TRUNCATED', 'The snapshot ended early.')
}

function options(overrides: Partial<CycleOptions> = {}): CycleOptions {
  return {
    connection: {
      name: 'consul',
      settings: { address: '127.0.0.1:1', useTls: false, tls: { insecureSkipVerify: false } },
    },
    datacenter: null,
    stale: false,
    scratchPath: join(root, 'scratch'),
    nameTemplate: null,
    retention: keepAll,
    ...overrides,
  }
}

function deps(destinations: Destination[], save: SaveFunction, clock = clockAt('2026-03-15T12:00:00Z')) {
  return {
    save,
    destinations,
    clock,
    now: () => 0,
    logger: silentLogger,
    ids: new SnapshotIdSource(clock, () => 7n),
  }
}

const listScratch = async () => readdir(join(root, 'scratch')).catch(() => [])

describe('one snapshot cycle', () => {
  it('saves through the save service, stores consul-<unix ns>.snap with its sidecar, and cleans the scratch folder', async () => {
    const dest = new LocalDestination(join(root, 'backups'))
    const calls: SaveSnapshotOptions[] = []
    const report = await runSnapshotCycle(
      options({ stale: true, datacenter: 'dc2' }),
      deps([dest], fakeSave(calls)),
    )

    expect(report.ok).toBe(true)
    expect(report.id).toBe('1773576000000000007')
    expect(report.name).toBe('consul-1773576000000000007.snap')
    expect(calls[0]).toMatchObject({
      stale: true,
      datacenter: 'dc2',
      fileName: 'consul-1773576000000000007.snap',
    })
    expect((await readdir(join(root, 'backups'))).sort()).toEqual([
      'consul-1773576000000000007.snap',
      'consul-1773576000000000007.snap.json',
    ])
    expect(await readFile(join(root, 'backups', 'consul-1773576000000000007.snap'), 'utf8')).toBe(
      'snapshot bytes',
    )
    expect(report).toMatchObject({ size: 14, index: 42, error: null, destinations: [{ ok: true }] })
    expect(await listScratch()).toEqual([])
  })

  it('uses a name template instead when configured', async () => {
    const dest = new LocalDestination(join(root, 'backups'))
    const calls: SaveSnapshotOptions[] = []
    const report = await runSnapshotCycle(
      options({ nameTemplate: '{profile}-{time}.snap' }),
      deps([dest], fakeSave(calls)),
    )
    expect(calls[0]).toMatchObject({ template: '{profile}-{time}.snap' })
    expect(calls[0]?.fileName).toBeUndefined()
    expect(report.name).toBe('templated-20260315T120000Z.snap')
  })

  it('stores nothing when the save fails, and says why', async () => {
    const dest = new LocalDestination(join(root, 'backups'))
    const report = await runSnapshotCycle(options(), deps([dest], failingSave))
    expect(report.ok).toBe(false)
    expect(report.error).toMatchObject({ code: 'SNAPSHOT_TRUNCATED' })
    expect(await readdir(join(root, 'backups')).catch(() => [])).toEqual([])
    expect(await listScratch()).toEqual([])
  })

  it('stores in every destination it can: one failing leaves the others their copy, and the report says which failed', async () => {
    const good = new LocalDestination(join(root, 'good'))
    const notAFolder = join(root, 'file-in-the-way')
    await writeFile(notAFolder, '')
    const bad = new LocalDestination(notAFolder)
    const report = await runSnapshotCycle(
      options({ retention: { ...keepAll, retain: 1 } }),
      deps([good, bad], fakeSave()),
    )
    expect(report).toMatchObject({ ok: false, partial: true })
    expect(report.destinations.map((d) => [d.destination, d.ok])).toEqual([
      [good.description, true],
      [bad.description, false],
    ])
    expect(report.destinations[1]?.error?.message).toMatch(/cannot be written/)
    expect(report.error?.message).toContain(`Stored in 1 of 2 destinations; failed: ${bad.description}:`)
    expect((await readdir(join(root, 'good'))).sort()).toEqual([
      'consul-1773576000000000007.snap',
      'consul-1773576000000000007.snap.json',
    ])
    // Rotation runs where the snapshot landed, and only there.
    expect(report.retention.map((r) => r.destination)).toEqual([good.description])
    expect(await listScratch()).toEqual([])
  })

  it('fails, not partial, when no destination takes the file', async () => {
    const notAFolder = join(root, 'file-in-the-way')
    await writeFile(notAFolder, '')
    const report = await runSnapshotCycle(options(), deps([new LocalDestination(notAFolder)], fakeSave()))
    expect(report).toMatchObject({ ok: false, partial: false, retention: [] })
    expect(report.error?.message).toMatch(/cannot be written/)
    expect(await listScratch()).toEqual([])
  })

  it('takes back the copies already stored when cancelled during the uploads', async () => {
    const controller = new AbortController()
    const folder = new LocalDestination(join(root, 'first'))
    let firstStored!: () => void
    const stored = new Promise<void>((resolve) => (firstStored = resolve))
    const first: Destination = {
      description: folder.description,
      put: async (...args) => {
        const result = await folder.put(...args)
        firstStored()
        return result
      },
      list: (o) => folder.list(o),
      delete: (name) => folder.delete(name),
      openRead: (name) => folder.openRead(name),
      close: () => folder.close(),
    }
    const cancelling: Destination = {
      description: 'cancels-the-cycle',
      async put() {
        // Cancelled only once the other copy is complete, so there is something to take back.
        await stored
        controller.abort()
        throw new AppError('CANCELLED', 'cancelled')
      },
      list: async () => ({ entries: [], next: null }),
      delete: async () => undefined,
      openRead: async () => {
        throw new Error('not used')
      },
      close: async () => undefined,
    }
    const report = await runSnapshotCycle(
      options({ signal: controller.signal }),
      deps([first, cancelling], fakeSave()),
    )
    expect(report).toMatchObject({ ok: false, partial: false, error: { code: 'CANCELLED' } })
    expect(await readdir(join(root, 'first'))).toEqual([])
  })

  it('stops and stores nothing when cancelled', async () => {
    const dest = new LocalDestination(join(root, 'backups'))
    const controller = new AbortController()
    const save: SaveFunction = async (o) => {
      const result = await fakeSave()(o)
      controller.abort()
      return result
    }
    const report = await runSnapshotCycle(options({ signal: controller.signal }), deps([dest], save))
    expect(report.error).toMatchObject({ code: 'CANCELLED' })
    expect(await readdir(join(root, 'backups')).catch(() => [])).toEqual([])
    expect(await listScratch()).toEqual([])
  })

  it('applies retention after a good save, with its sidecars, and never touches foreign files', async () => {
    const backups = join(root, 'backups')
    const dest = new LocalDestination(backups)
    const hour = 3_600_000_000_000n
    const base = 1773576000000000000n
    const old = [base - 3n * hour, base - 2n * hour, base - hour].map((id) => `consul-${id}.snap`)
    await runSnapshotCycle(options(), deps([dest], fakeSave())) // creates the folder
    for (const name of old) {
      await writeFile(join(backups, name), 'x')
      await writeFile(join(backups, `${name}.json`), '{}')
    }
    await writeFile(join(backups, 'README.txt'), 'mine')
    const clock = clockAt('2026-03-15T12:30:00Z')
    const report = await runSnapshotCycle(
      options({ retention: { ...keepAll, retain: 2 } }),
      deps([dest], fakeSave(), clock),
    )
    expect(report.ok).toBe(true)
    expect(report.retention[0]).toMatchObject({ deleted: [old[0], old[1], old[2]], deferred: 0 })
    const left = (await readdir(backups)).sort()
    expect(left).toEqual(
      [
        'README.txt',
        'consul-1773576000000000007.snap',
        'consul-1773576000000000007.snap.json',
        `${report.name}`,
        `${report.name}.json`,
      ].sort(),
    )
  })

  it('encrypts into a destination that takes a stream while it uploads, with no sealed copy in the scratch folder', async () => {
    const identity = await generateIdentity()
    const received: { name: string; size: number; bytes: Buffer; sidecar: unknown; scratch: string[] }[] = []
    const streaming: Destination = {
      description: 'streaming',
      put: () => Promise.reject(new Error('a destination that takes a stream is not handed a file')),
      async putStream(name, source) {
        const bytes: Buffer[] = []
        for (let next = await source.pieces.next(); next.done !== true; next = await source.pieces.next())
          bytes.push(...next.value)
        const scratch = (await readdir(join(root, 'scratch'), { recursive: true })).map(String)
        received.push({
          name,
          size: source.size,
          bytes: Buffer.concat(bytes),
          sidecar: source.sidecarPath,
          scratch,
        })
        return { location: `streaming/${name}` }
      },
      list: () => Promise.resolve({ entries: [], next: null }),
      delete: () => Promise.resolve(),
      openRead: () => Promise.reject(new Error('not read here')),
      close: () => Promise.resolve(),
    }
    const report = await runSnapshotCycle(
      options({ encryption: { recipients: [await recipientOf(identity)] } }),
      deps([streaming], fakeSave()),
    )
    expect(report.ok).toBe(true)
    expect(report.name).toBe('consul-1773576000000000007.snap.age')
    const [got] = received
    expect(got?.name).toBe('consul-1773576000000000007.snap.age')
    expect(got?.size).toBe(got?.bytes.length)
    expect(got?.sidecar).toMatch(/consul-1773576000000000007\.snap\.json$/)
    expect(
      got?.scratch
        .filter((entry) => entry.includes('/'))
        .map((entry) => entry.replace(/^[^/]+\//, ''))
        .sort(),
    ).toEqual(['consul-1773576000000000007.snap', 'consul-1773576000000000007.snap.json'])
    const plain: Buffer[] = []
    const opened = await decryptStream(
      Readable.from([got?.bytes ?? Buffer.alloc(0)]),
      { identities: [identity], passphrases: [] },
      'x',
    )
    for await (const chunk of opened) plain.push(chunk as Buffer)
    expect(Buffer.concat(plain).toString()).toBe('snapshot bytes')
    expect(await listScratch()).toEqual([])
  })
})
