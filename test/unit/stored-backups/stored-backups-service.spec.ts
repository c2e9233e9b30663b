import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentity } from 'age-encryption'
import type { AppError } from '../../../src/shared/app-error'
import { LocalDestination } from '../../../src/main/services/backups/local-destination'
import { recipientOf } from '../../../src/main/services/encryption/age-keys'
import { encryptStream } from '../../../src/main/services/encryption/age-stream'
import {
  StoredBackupsService,
  type StoredBackupsRef,
} from '../../../src/main/services/stored-backups/stored-backups-service'
import { createUploadStore } from '../../../src/main/host/upload-store'
import { buildSnapshot } from '../../support/snapshot-builder'

const root = mkdtempSync(join(tmpdir(), 'stored-backups-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const sound = buildSnapshot()
// The checksum list names another state.bin: the archive reads, but verification must refuse it.
const damaged = buildSnapshot({ sums: `${'0'.repeat(64)}  meta.json\n${'0'.repeat(64)}  state.bin\n` })
const identity = await generateIdentity()
const recipient = await recipientOf(identity)

async function encrypted(data: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of await encryptStream(Readable.from([data]), {
    kind: 'recipients',
    recipients: [recipient],
  }))
    chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks)
}

const ref: StoredBackupsRef = { planId: 'plan-1', destinationIndex: 0 }
let folder: string
let downloads: string
let scratchDir: string
let service: StoredBackupsService
let scratch: ReturnType<typeof createUploadStore>

function work<P>(signal = new AbortController().signal) {
  const seen: P[] = []
  return { signal, onProgress: (p: P) => seen.push(p), seen }
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    return error as AppError
  }
  throw new Error('expected a failure')
}

let counter = 0
beforeEach(() => {
  counter++
  folder = join(root, `store-${counter}`)
  downloads = join(root, `downloads-${counter}`)
  scratchDir = join(root, `scratch-${counter}`)

  mkdirSync(folder)
  mkdirSync(downloads)
  scratch = createUploadStore(scratchDir)
  service = new StoredBackupsService({
    open: async (asked) => {
      if (asked.planId !== ref.planId) throw new Error('unexpected plan')
      return {
        destination: new LocalDestination(folder),
        hints: { nameTemplate: '{profile}-{dc}-{version}-{index}-{time}.snap', profiles: ['orders-prod'] },
      }
    },
    scratch,
    defaultFolder: downloads,
  })
})

/** The sidecar a save writes beside `name` (consul/snapshot-sidecar.ts). */
function saveRecord(name: string) {
  return {
    kind: 'snapshot-studio/save-record',
    version: 1,
    file: name,
    size: sound.length,
    sha256: 'a'.repeat(64),
    index: 41,
    term: 2,
    consulVersion: '1.19.3',
    datacenter: 'east',
    profile: 'Orders (prod)',
    savedAt: '2026-01-01T10:00:01.000Z',
  }
}

describe('StoredBackupsService.list', () => {
  it('lists every backup newest first, with the facts its sidecar or its name carries', async () => {
    writeFileSync(join(folder, 'orders-prod-dc1-1.19.2-40-20260101T100000Z.snap'), sound)
    writeFileSync(join(folder, 'orders-prod-dc1-1.19.2-55-20260102T100000Z.snap'), sound)
    writeFileSync(join(folder, 'consul-1767400000000000000.snap.age'), sound)
    writeFileSync(join(folder, 'something-else.bin'), sound)
    writeFileSync(
      join(folder, 'orders-prod-dc1-1.19.2-40-20260101T100000Z.snap.json'),
      JSON.stringify(saveRecord('orders-prod-dc1-1.19.2-40-20260101T100000Z.snap')),
    )

    const list = await service.list(ref)

    expect(list.destination).toBe(`local:${folder}`)
    // A name that tells no time sorts by when the store wrote it: just now, so first.
    expect(list.backups.map((b) => b.name)).toEqual([
      'something-else.bin',
      'consul-1767400000000000000.snap.age',
      'orders-prod-dc1-1.19.2-55-20260102T100000Z.snap',
      'orders-prod-dc1-1.19.2-40-20260101T100000Z.snap',
    ])
    const [unknown, enterprise, byName, bySidecar] = list.backups
    expect(enterprise).toMatchObject({
      encrypted: true,
      takenAt: '2026-01-03T00:26:40.000Z',
      factsFrom: 'name',
    })
    expect(byName).toMatchObject({
      cluster: 'orders-prod',
      datacenter: 'dc1',
      index: '55',
      consulVersion: '1.19.2',
      takenAt: '2026-01-02T10:00:00.000Z',
      size: sound.length,
      factsFrom: 'name',
    })
    expect(bySidecar).toMatchObject({
      cluster: 'Orders (prod)',
      datacenter: 'east',
      index: '41',
      consulVersion: '1.19.3',
      factsFrom: 'sidecar',
    })
    expect(unknown).toMatchObject({ takenAt: null, cluster: null, factsFrom: 'none' })
  })
})

describe('StoredBackupsService.list: a sidecar is believed only when it is the save record of that backup', () => {
  const name = 'orders-prod-dc1-1.19.2-40-20260101T100000Z.snap'
  const record = saveRecord(name)
  // What the name says, which is all a refused sidecar leaves.
  const byName = { cluster: 'orders-prod', datacenter: 'dc1', index: '40', consulVersion: '1.19.2' }

  async function listedWith(sidecar: string | Buffer, stored = name) {
    writeFileSync(join(folder, stored), sound)
    writeFileSync(join(folder, `${stored}.json`), sidecar)
    const list = await service.list(ref)
    expect(list.backups).toHaveLength(1)
    return list.backups[0]!
  }

  it('takes the facts of an untouched record, and says nothing is wrong', async () => {
    const view = await listedWith(JSON.stringify(record))
    expect(view).toMatchObject({
      index: '41',
      datacenter: 'east',
      factsFrom: 'sidecar',
      sidecarProblem: null,
    })
  })

  it('takes a record saved before its copy was encrypted on the way to the store', async () => {
    const view = await listedWith(JSON.stringify({ ...record, size: 1 }), `${name}.age`)
    expect(view).toMatchObject({ index: '41', factsFrom: 'sidecar', sidecarProblem: null })
  })

  it.each([
    ['not JSON', '{"kind": "snapshot-studio/save-record", ', /not JSON/],
    ['another kind of JSON', JSON.stringify({ hello: 'world' }), /field "kind"/],
    ['an index that is not a whole number', JSON.stringify({ ...record, index: 'x' }), /field "index"/],
    ['a time that is not an instant', JSON.stringify({ ...record, savedAt: 'yesterday' }), /field "savedAt"/],
    [
      'a datacenter Consul would not name',
      JSON.stringify({ ...record, datacenter: 'east\u001b[2J' }),
      /field "datacenter"/,
    ],
    [
      'the record of another file',
      JSON.stringify({ ...record, file: 'other.snap' }),
      /another file, "other.snap"/,
    ],
    [
      'a size the backup does not have',
      JSON.stringify({ ...record, size: sound.length + 1 }),
      /records \d+ bytes/,
    ],
    [
      'far larger than any record',
      JSON.stringify({ ...record, pad: ' '.repeat(70 * 1024) }),
      /larger than 64 KiB/,
    ],
  ])('refuses %s with a typed reason, and lists the backup by its name', async (_what, sidecar, why) => {
    const view = await listedWith(sidecar)
    expect(view).toMatchObject({ ...byName, factsFrom: 'name' })
    expect(view.sidecarProblem).toMatch(/^The sidecar orders-prod-.*\.snap\.json is not believed: /)
    expect(view.sidecarProblem).toMatch(why)
  })

  it('escapes control characters a tampered record would have echoed', async () => {
    const view = await listedWith(JSON.stringify({ ...record, file: 'x\u001b]0;owned\u0007.snap' }))
    expect(view.sidecarProblem).toContain('\\u001b]0;owned\\u0007')
    // eslint-disable-next-line no-control-regex
    expect(view.sidecarProblem).not.toMatch(/[\u0000-\u001f]/)
  })
})

describe('StoredBackupsService.inspect', () => {
  it('inspects a stored backup as it streams, with progress against its listed size', async () => {
    writeFileSync(join(folder, 'a.snap'), sound)
    await service.list(ref)
    const w = work<{ bytes: number; totalBytes: number | null }>()

    const inspection = await service.inspect(
      ref,
      'a.snap',
      { kvDetails: true, kvDepth: 2, kvFilter: '' },
      undefined,
      w,
    )

    expect(inspection.meta.index).toBe(13n)
    expect(inspection.integrity.verified).toBe(true)
    expect(inspection.kvStats?.map((s) => s.name)).toEqual(['foo'])
    expect(w.seen.at(-1)).toEqual({ bytes: sound.length, totalBytes: sound.length })
  })

  it('decrypts an encrypted backup with the key from the prompt, and asks for one without it', async () => {
    writeFileSync(join(folder, 'b.snap.age'), await encrypted(sound))

    const missing = await failure(
      service.inspect(ref, 'b.snap.age', { kvDetails: false, kvDepth: 1, kvFilter: '' }, undefined, work()),
    )
    const inspection = await service.inspect(
      ref,
      'b.snap.age',
      { kvDetails: false, kvDepth: 1, kvFilter: '' },
      { identitySecret: identity },
      work(),
    )

    expect(missing.code).toBe('ENCRYPTED_KEY_REQUIRED')
    expect(inspection.meta.index).toBe(13n)
  })

  it('names the damage of a damaged backup', async () => {
    writeFileSync(join(folder, 'bad.snap'), damaged)
    const error = await failure(
      service.inspect(ref, 'bad.snap', { kvDetails: false, kvDepth: 1, kvFilter: '' }, undefined, work()),
    )
    expect(error.code).toBe('SNAPSHOT_CHECKSUM_MISMATCH')
  })
})

describe('StoredBackupsService.download', () => {
  it('writes a verified private copy under the backup\u2019s name', async () => {
    writeFileSync(join(folder, 'a.snap'), sound)

    const result = await service.download(ref, 'a.snap', undefined, undefined, work())

    expect(result).toEqual({ path: join(downloads, 'a.snap'), size: sound.length, index: '13' })
    expect(readFileSync(result.path)).toEqual(sound)
    expect(statSync(result.path).mode & 0o777).toBe(0o600)
  })

  it('keeps an encrypted backup encrypted, verified through its plaintext', async () => {
    const cipher = await encrypted(sound)
    writeFileSync(join(folder, 'b.snap.age'), cipher)

    const result = await service.download(ref, 'b.snap.age', downloads, { identitySecret: identity }, work())

    expect(readFileSync(result.path)).toEqual(cipher)
    expect(result.index).toBe('13')
  })

  it('leaves nothing behind when the backup is damaged', async () => {
    writeFileSync(join(folder, 'bad.snap'), damaged)
    const error = await failure(service.download(ref, 'bad.snap', downloads, undefined, work()))
    expect(error.code).toBe('SNAPSHOT_CHECKSUM_MISMATCH')
    expect(readdirSync(downloads)).toEqual([])
  })

  it('never replaces a file of the same name', async () => {
    writeFileSync(join(folder, 'a.snap'), sound)
    writeFileSync(join(downloads, 'a.snap'), 'mine')
    const error = await failure(service.download(ref, 'a.snap', downloads, undefined, work()))
    expect(error.code).toBe('FILE_EXISTS')
    expect(readFileSync(join(downloads, 'a.snap'), 'utf8')).toBe('mine')
    expect(readdirSync(downloads)).toEqual(['a.snap'])
  })

  it('makes the default folder, but not a folder the operator named', async () => {
    writeFileSync(join(folder, 'a.snap'), sound)
    rmSync(downloads, { recursive: true })

    const missing = await failure(service.download(ref, 'a.snap', join(root, 'nowhere'), undefined, work()))
    const result = await service.download(ref, 'a.snap', undefined, undefined, work())

    expect(missing.code).toBe('FILE_NOT_FOUND')
    expect(result.path).toBe(join(downloads, 'a.snap'))
  })

  it('stops and keeps nothing when cancelled', async () => {
    writeFileSync(join(folder, 'a.snap'), sound)
    const controller = new AbortController()
    controller.abort()
    const error = await failure(
      service.download(ref, 'a.snap', downloads, undefined, work(controller.signal)),
    )
    expect(error.code).toBe('CANCELLED')
    expect(readdirSync(downloads)).toEqual([])
  })
})

describe('StoredBackupsService.delete', () => {
  it('refuses unless the name is typed, then deletes the backup and its sidecar', async () => {
    writeFileSync(join(folder, 'a.snap'), sound)
    writeFileSync(join(folder, 'a.snap.json'), '{}')

    const refused = await failure(service.delete(ref, 'a.snap', 'a.snap '))
    expect(refused.code).toBe('INVALID_ARGUMENT')
    expect(readdirSync(folder).sort()).toEqual(['a.snap', 'a.snap.json'])

    await service.delete(ref, 'a.snap', 'a.snap')
    expect(readdirSync(folder)).toEqual([])
  })

  it('says so when the backup is not there', async () => {
    const error = await failure(service.delete(ref, 'gone.snap', 'gone.snap'))
    expect(error.code).toBe('STORAGE_NOT_FOUND')
  })
})

describe('StoredBackupsService.verify', () => {
  it('verifies every backup, names the damaged ones, and writes nothing', async () => {
    writeFileSync(join(folder, 'consul-1767200000000000000.snap'), sound)
    writeFileSync(join(folder, 'consul-1767300000000000000.snap'), damaged)
    writeFileSync(join(folder, 'consul-1767400000000000000.snap.age'), await encrypted(sound))
    const w = work<{ done: number; total: number; name: string }>()

    const report = await service.verify(ref, undefined, { identitySecret: identity }, w)

    expect(report.checks.map((c) => [c.name, c.ok, c.code])).toEqual([
      ['consul-1767400000000000000.snap.age', true, null],
      ['consul-1767300000000000000.snap', false, 'SNAPSHOT_CHECKSUM_MISMATCH'],
      ['consul-1767200000000000000.snap', true, null],
    ])
    expect(report).toMatchObject({ sound: 2, damaged: 1 })
    expect(w.seen.at(-1)).toMatchObject({ done: 3, total: 3 })
    expect(readdirSync(folder)).toHaveLength(3)
  })

  it('verifies only the chosen ones, and reports a chosen name that is not stored', async () => {
    writeFileSync(join(folder, 'a.snap'), sound)
    writeFileSync(join(folder, 'bad.snap'), damaged)

    const report = await service.verify(ref, ['a.snap', 'nope.snap'], undefined, work())

    expect(report.checks.map((c) => [c.name, c.ok, c.code])).toEqual([
      ['a.snap', true, null],
      ['nope.snap', false, 'STORAGE_NOT_FOUND'],
    ])
  })
})

describe('StoredBackupsService.prepareRestore', () => {
  it('puts the verified plaintext in the scratch area, where the restore wizard reads uploads', async () => {
    writeFileSync(join(folder, 'b.snap.age'), await encrypted(sound))

    const uploaded = await service.prepareRestore(ref, 'b.snap.age', { identitySecret: identity }, work())

    expect(uploaded).toMatchObject({ name: 'b.snap', size: sound.length })
    expect(readFileSync(scratch.pathOf(uploaded.uploadId)!)).toEqual(sound)
    expect(await service.discardPrepared(uploaded.uploadId)).toBe(true)
    expect(scratch.pathOf(uploaded.uploadId)).toBeNull()
    expect(readdirSync(scratchDir)).toEqual([])
  })

  it('keeps nothing of a damaged backup', async () => {
    writeFileSync(join(folder, 'bad.snap'), damaged)
    const error = await failure(service.prepareRestore(ref, 'bad.snap', undefined, work()))
    expect(error.code).toBe('SNAPSHOT_CHECKSUM_MISMATCH')
    expect(readdirSync(scratchDir)).toEqual([])
  })

  it('keeps nothing of a tampered encrypted backup', async () => {
    const cipher = await encrypted(sound)
    cipher.writeUInt8(cipher.readUInt8(cipher.length - 20) ^ 0x01, cipher.length - 20)
    writeFileSync(join(folder, 'b.snap.age'), cipher)
    const error = await failure(
      service.prepareRestore(ref, 'b.snap.age', { identitySecret: identity }, work()),
    )
    expect(error.code).toBe('ENCRYPTED_DAMAGED')
    expect(readdirSync(scratchDir)).toEqual([])
  })
})
