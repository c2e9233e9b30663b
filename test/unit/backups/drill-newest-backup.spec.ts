import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentity } from 'age-encryption'
import { AppError } from '../../../src/shared/app-error'
import { drillNewestBackup } from '../../../src/main/services/backups/drill-newest-backup'
import { LocalDestination } from '../../../src/main/services/backups/local-destination'
import { enterpriseNamePattern } from '../../../src/main/services/backups/retention'
import type { DrillResult, runDrill } from '../../../src/main/services/drill/run-drill'
import { recipientOf } from '../../../src/main/services/encryption/age-keys'
import { encryptStream } from '../../../src/main/services/encryption/age-stream'

let dir: string
let scratch: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drill-step-'))
  scratch = join(dir, 'scratch')
  await mkdir(scratch)
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const pattern = enterpriseNamePattern()
const identity = await generateIdentity()
const recipient = await recipientOf(identity)

async function destination(name: string, files: Record<string, Buffer>) {
  const folder = join(dir, name)
  await mkdir(folder)
  for (const [file, bytes] of Object.entries(files)) await writeFile(join(folder, file), bytes)
  return new LocalDestination(folder)
}

const result = (overrides: Partial<DrillResult>): DrillResult => ({
  passed: true,
  failure: null,
  differences: [],
  counts: [{ kind: 'kv', file: 3, agent: 3 }],
  notes: [],
  consul: { path: '/usr/bin/consul', version: '1.21.0' },
  durationMs: 1,
  ...overrides,
})

/** Stands in for the drill engine: records the file it was given and what it held. */
function engine(answer: DrillResult | Error) {
  const seen: { path: string; bytes: Buffer }[] = []
  const drill: typeof runDrill = async (path) => {
    seen.push({ path, bytes: await readFile(path) })
    if (answer instanceof Error) throw answer
    return answer
  }
  return { drill, seen }
}

describe('the scheduled drill step', () => {
  it('drills the newest backup of the first destination that has one, from a private copy removed afterwards', async () => {
    const { drill, seen } = engine(result({}))
    const backups = await drillNewestBackup(
      [
        await destination('empty', {}),
        await destination('full', {
          'consul-1.snap': Buffer.from('old'),
          'consul-2.snap': Buffer.from('new'),
        }),
      ],
      pattern,
      { consulBinary: null, env: {}, keys: null, scratchPath: scratch, drill },
    )
    expect(seen.map((s) => s.bytes.toString())).toEqual(['new'])
    expect(backups).toEqual([
      expect.objectContaining({
        name: 'consul-2.snap',
        outcome: 'restored',
        destination: `local:${join(dir, 'full')}`,
      }),
    ])
    expect(await readdir(scratch)).toEqual([])
  })

  it('decrypts a .snap.age with the identity into the copy, and without one says it could not drill', async () => {
    const sealed: Buffer[] = []
    for await (const chunk of await encryptStream(Readable.from([Buffer.from('plain snapshot')]), {
      kind: 'recipients',
      recipients: [recipient],
    }))
      sealed.push(Buffer.from(chunk as Uint8Array))
    const store = await destination('sealed', { 'consul-5.snap.age': Buffer.concat(sealed) })
    const { drill, seen } = engine(result({}))
    const withKey = await drillNewestBackup([store], pattern, {
      consulBinary: null,
      env: {},
      keys: { identities: [identity], passphrases: [] },
      scratchPath: scratch,
      drill,
    })
    expect(withKey[0]?.outcome).toBe('restored')
    expect(seen[0]?.bytes.toString()).toBe('plain snapshot')
    expect(seen[0]?.path).toMatch(/consul-5\.snap$/)
    const withoutKey = await drillNewestBackup([store], pattern, {
      consulBinary: null,
      env: {},
      keys: null,
      scratchPath: scratch,
      drill,
    })
    expect(withoutKey[0]).toMatchObject({
      outcome: 'unchecked',
      message: expect.stringMatching(/no identity/),
    })
    expect(seen).toHaveLength(1)
    expect(await readdir(scratch)).toEqual([])
  })

  it('reports a failed drill as damage with its differences, and a drill that cannot run as unchecked; the copy goes either way', async () => {
    const store = await destination('one', { 'consul-7.snap': Buffer.from('x') })
    const failed = await drillNewestBackup([store], pattern, {
      consulBinary: null,
      env: {},
      keys: null,
      scratchPath: scratch,
      drill: engine(
        result({
          passed: false,
          differences: [{ kind: 'kv', message: 'the file holds 3, the restored agent 2' }],
        }),
      ).drill,
    })
    expect(failed[0]).toMatchObject({
      outcome: 'damaged',
      differences: ['kv: the file holds 3, the restored agent 2'],
      message: expect.stringMatching(/came back different: kv: the file holds 3/),
    })
    const broken = await drillNewestBackup([store], pattern, {
      consulBinary: null,
      env: {},
      keys: null,
      scratchPath: scratch,
      drill: engine(new AppError('FILE_NOT_FOUND', 'No consul binary was found for the drill.')).drill,
    })
    expect(broken[0]).toMatchObject({
      outcome: 'unchecked',
      message: expect.stringMatching(/could not run: No consul binary/),
    })
    expect(await readdir(scratch)).toEqual([])
  })

  it('says so when no destination holds a backup', async () => {
    const backups = await drillNewestBackup(
      [await destination('none', { 'notes.txt': Buffer.from('x') })],
      pattern,
      {
        consulBinary: null,
        env: {},
        keys: null,
        scratchPath: scratch,
        drill: engine(result({})).drill,
      },
    )
    expect(backups).toEqual([expect.objectContaining({ name: null, outcome: 'none' })])
  })
})
