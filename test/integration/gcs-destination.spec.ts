// The GCS destination against a real GCS JSON API (fake-gcs-server, built from the Go module in
// test/storage/fake-gcs-server and started here) and a real Consul: what an agent cycle stores,
// as the SDK sees it; retention over more objects than one listing page; a server killed
// mid-upload; a bucket that is not there. fake-gcs-server accepts any credentials, so refused
// keys are covered where they can be: a key file that is not a key is refused before any request.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Storage, type Bucket } from '@google-cloud/storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAll } from '../../src/main/services/backups/destination'
import { GcsDestination, type GcsOptions } from '../../src/main/services/backups/gcs-destination'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { keepNewest, runCycleTo, uploadCutOffBy } from '../support/destination-cycle'
import { createKeys, retentionRetain, retentionSeed } from '../support/retention-seed'
import { startFakeGcsServer, type FakeGcsServer } from '../support/fake-gcs-server'

let gcs: FakeGcsServer
let consul: ConsulAgent
let work: string
let storage: Storage

beforeAll(async () => {
  ;[gcs, consul] = await Promise.all([startFakeGcsServer(), startConsulAgent()])
  work = await mkdtemp(join(tmpdir(), 'gcs-destination-'))
  storage = new Storage({ apiEndpoint: gcs.endpoint, projectId: 'snapshot-studio-test' })
})

afterAll(async () => {
  await Promise.all([gcs?.stop(), consul?.stop()])
  if (work) await rm(work, { recursive: true, force: true })
})

async function newBucket(name: string): Promise<Bucket> {
  const [bucket] = await storage.createBucket(name)
  return bucket
}

function destination(bucket: string, extra: Partial<GcsOptions> = {}): GcsDestination {
  // One quick retry: the killed-server case should not wait out production back-offs.
  return new GcsDestination({ bucket, endpoint: gcs.endpoint, maxRetries: 1, maxRetryDelay: 1, ...extra })
}

async function names(bucket: Bucket): Promise<string[]> {
  const [files] = await bucket.getFiles()
  return files.map((file) => file.name).sort()
}

describe('GCS destination', () => {
  it('stores a verified snapshot from an agent cycle that the SDK lists and downloads and Consul accepts', async () => {
    const bucket = await newBucket('cycle')
    const target = destination('cycle', { prefix: '/dc1/', chunkSize: 256 * 1024 })

    const report = await runCycleTo(target, consul, { scratchPath: join(work, 'scratch') })

    expect(report.error).toBeNull()
    expect(report.ok).toBe(true)
    const key = `dc1/consul-${report.id}.snap`
    expect(report.destinations).toEqual([
      { destination: target.description, ok: true, location: `gs://cycle/${key}` },
    ])
    expect(await names(bucket)).toEqual([key, `${key}.json`])
    const copy = join(work, 'downloaded.snap')
    await bucket.file(key).download({ destination: copy, validation: 'crc32c' })
    expect(
      createHash('sha256')
        .update(await readFile(copy))
        .digest('hex'),
    ).toBe(report.sha256)
    const inspect = await runConsul(['snapshot', 'inspect', copy])
    expect(inspect.stderr).toBe('')
    expect(inspect.code).toBe(0)
    expect(inspect.stdout).toContain('Index')
  })

  it('applies retention over more objects than one listing page: exactly the oldest go, with their sidecars', async () => {
    const bucket = await newBucket('retention')
    const target = destination('retention', { prefix: 'team' })
    const seed = retentionSeed('team')
    await createKeys(seed.keys, (key) => bucket.file(key).save('x', { resumable: false }))

    const report = await runCycleTo(target, consul, {
      scratchPath: join(work, 'scratch'),
      retention: keepNewest(retentionRetain),
    })

    expect(report.ok).toBe(true)
    // 1,105 seeded + this cycle's = 1,106: the 106 oldest go (under the cap of 2 × retain).
    expect(report.retention).toEqual([{ destination: target.description, deleted: seed.doomed, deferred: 0 }])
    expect(await names(bucket)).toEqual(seed.keysAfter(report.id))
    const entries = await listAll(target, 400)
    expect(entries.map((entry) => entry.name)).toEqual(seed.listedAfter(report.id))
    expect(entries.filter((entry) => entry.hasSidecar).map((entry) => entry.name)).toEqual(
      seed.withSidecarAfter(report.id),
    )
  })

  it('leaves no object under the final name when the server is killed mid-upload, and says it cannot reach it', async () => {
    const bucket = await newBucket('killed')
    const target = destination('killed', { chunkSize: 256 * 1024 })

    const error = await uploadCutOffBy(() => gcs.kill(), target, work)

    expect(error).toMatchObject({
      code: 'STORAGE_UNREACHABLE',
      message: expect.stringMatching(
        // Which of the two depends on whether the SDK was sending a chunk or asking for the
        // server's offset when the server went away.
        /^The upload of consul-2\.snap in gcs:killed failed: (Google Cloud Storage cannot be reached|the connection to Google Cloud Storage broke off mid-upload)/,
      ),
    })
    await gcs.start()
    expect(await names(bucket)).toEqual(['consul-1.snap'])
    expect((await listAll(target)).map((entry) => entry.name)).toEqual(['consul-1.snap'])
  })

  it('says in plain words that the bucket does not exist, and refuses a key file that is not a key', async () => {
    const file = join(work, 'small.snap')
    await writeFile(file, randomBytes(5000))

    const missing = await destination('no-such-bucket')
      .put('consul-1.snap', { path: file, size: 5000 })
      .catch((error: unknown) => error)
    expect(missing).toMatchObject({
      code: 'STORAGE_NOT_FOUND',
      message:
        'The upload of consul-1.snap in gcs:no-such-bucket failed: the bucket "no-such-bucket" does not exist.',
    })

    const notAKey = join(work, 'user-credentials.json')
    await writeFile(notAKey, JSON.stringify({ type: 'authorized_user', refresh_token: 'REFRESH-SECRET' }))
    let refused: unknown
    try {
      destination('cycle', { keyFile: notAKey })
    } catch (error) {
      refused = error
    }
    expect(refused).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('not a service-account key'),
    })
    expect(String(refused)).not.toContain('REFRESH-SECRET')
  })

  it('refuses to replace an object of the same name and reads a stored one back as a stream', async () => {
    await newBucket('replace')
    const target = destination('replace')
    const first = join(work, 'first.snap')
    const second = join(work, 'second.snap')
    await writeFile(first, randomBytes(3000))
    await writeFile(second, randomBytes(3000))
    await target.put('consul-5.snap', { path: first, size: 3000 })

    const again = await target
      .put('consul-5.snap', { path: second, size: 3000 })
      .catch((error: unknown) => error)

    expect(again).toMatchObject({ code: 'FILE_EXISTS' })
    const chunks: Buffer[] = []
    for await (const chunk of await target.openRead('consul-5.snap')) chunks.push(chunk as Buffer)
    expect(Buffer.concat(chunks).equals(await readFile(first))).toBe(true)
    await expect(target.openRead('consul-6.snap')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
  })
})
