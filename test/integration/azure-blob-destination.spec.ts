// The Azure Blob destination against a real Blob service (Azurite, started here) and a real
// Consul: what an agent cycle stores, as another client sees it; retention over more objects
// than one listing page; a server killed mid-upload; credentials the service refuses.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AzureBlobDestination,
  type AzureBlobOptions,
} from '../../src/main/services/backups/azure-blob-destination'
import { listAll } from '../../src/main/services/backups/destination'
import { startAzurite, type AzuriteServer } from '../support/azurite-server'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { keepNewest, runCycleTo, uploadCutOffBy } from '../support/destination-cycle'
import { createKeys, retentionRetain, retentionSeed } from '../support/retention-seed'

let azurite: AzuriteServer
let consul: ConsulAgent
let work: string
let service: BlobServiceClient

beforeAll(async () => {
  ;[azurite, consul] = await Promise.all([startAzurite(), startConsulAgent()])
  work = await mkdtemp(join(tmpdir(), 'azure-destination-'))
  service = BlobServiceClient.fromConnectionString(azurite.connectionString)
})

afterAll(async () => {
  await Promise.all([azurite?.stop(), consul?.stop()])
  if (work) await rm(work, { recursive: true, force: true })
})

async function newContainer(name: string): Promise<ContainerClient> {
  const container = service.getContainerClient(name)
  await container.create()
  return container
}

function destination(container: string, extra: Partial<AzureBlobOptions> = {}): AzureBlobDestination {
  return new AzureBlobDestination({
    credentials: { kind: 'shared-key', accountName: azurite.accountName, accountKey: azurite.accountKey },
    endpoint: azurite.blobEndpoint,
    container,
    // A second try only, quickly: the killed-server case should not wait out production back-offs.
    maxTries: 2,
    retryDelayMs: 100,
    ...extra,
  })
}

async function download(container: ContainerClient, key: string, path: string): Promise<string> {
  await container.getBlobClient(key).downloadToFile(path)
  const { readFile } = await import('node:fs/promises')
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex')
}

describe('Azure Blob destination', () => {
  it('stores a verified snapshot from an agent cycle that another client lists, downloads and Consul accepts', async () => {
    const container = await newContainer('cycle')
    const target = destination('cycle', { prefix: 'dc1/', blockSize: 256 * 1024 })

    const report = await runCycleTo(target, consul, { scratchPath: join(work, 'scratch') })

    expect(report.error).toBeNull()
    expect(report.ok).toBe(true)
    const key = `dc1/consul-${report.id}.snap`
    expect(report.destinations).toEqual([
      { destination: target.description, ok: true, location: `az://cycle/${key}` },
    ])
    const listed: string[] = []
    for await (const blob of container.listBlobsFlat()) listed.push(blob.name)
    expect(listed).toEqual([key, `${key}.json`])
    const copy = join(work, 'downloaded.snap')
    expect(await download(container, key, copy)).toBe(report.sha256)
    const inspect = await runConsul(['snapshot', 'inspect', copy])
    expect(inspect.stderr).toBe('')
    expect(inspect.code).toBe(0)
    expect(inspect.stdout).toContain(`Index`)
    // The blob says what it is, so tools that check Content-MD5 on download can.
    const properties = await container.getBlobClient(key).getProperties()
    expect(properties.contentLength).toBe(report.size)
    expect(properties.contentMD5).toBeDefined()
  })

  it('applies retention over more blobs than one listing page: exactly the oldest go, with their sidecars', async () => {
    const container = await newContainer('retention')
    const target = destination('retention', { prefix: 'team' })
    const seed = retentionSeed('team')
    await createKeys(seed.keys, (key) => container.getBlockBlobClient(key).upload('x', 1))

    const report = await runCycleTo(target, consul, {
      scratchPath: join(work, 'scratch'),
      retention: keepNewest(retentionRetain),
    })

    expect(report.ok).toBe(true)
    // 1,105 seeded + this cycle's = 1,106: the 106 oldest go (under the cap of 2 × retain).
    expect(report.retention).toEqual([{ destination: target.description, deleted: seed.doomed, deferred: 0 }])
    const remaining: string[] = []
    for await (const blob of container.listBlobsFlat()) remaining.push(blob.name)
    expect(remaining.sort()).toEqual(seed.keysAfter(report.id))
    // And the destination's own listing, page by page, agrees.
    const entries = await listAll(target, 400)
    expect(entries.map((entry) => entry.name)).toEqual(seed.listedAfter(report.id))
    expect(entries.filter((entry) => entry.hasSidecar).map((entry) => entry.name)).toEqual(
      seed.withSidecarAfter(report.id),
    )
  })

  it('leaves no blob under the final name when the server stops mid-upload, and says it cannot reach it', async () => {
    const container = await newContainer('killed')
    const target = destination('killed', { blockSize: 256 * 1024, concurrency: 2 })

    // Started again whatever this case finds, so the cases after it still have their server.
    const error = await uploadCutOffBy(() => azurite.shutDown(), target, work).finally(() => azurite.start())

    expect(error).toMatchObject({
      code: 'STORAGE_UNREACHABLE',
      message: expect.stringMatching(
        // Which of the two depends on whether the SDK's last try found the server gone or reused a
        // kept-alive connection it was still closing (CI, under load, saw the message differ).
        /^The upload of consul-2\.snap in azure:devstoreaccount1\/killed failed: the Azure Blob service cannot be reached \((connection refused by 127\.0\.0\.1:\d+|the connection was cut)\)\.$/,
      ),
    })
    expect((await listAll(target)).map((entry) => entry.name)).toEqual(['consul-1.snap'])
    expect(await container.getBlobClient('consul-2.snap').exists()).toBe(false)
  })

  it('says in plain words that the account key is wrong, that a container is missing, and never shows the key', async () => {
    await newContainer('guarded')
    const wrongKey = Buffer.from('not the key of this account, but base64 all the same').toString('base64')
    const wrong = new AzureBlobDestination({
      credentials: { kind: 'shared-key', accountName: azurite.accountName, accountKey: wrongKey },
      endpoint: azurite.blobEndpoint,
      container: 'guarded',
    })
    const refused = await wrong.list().catch((error: unknown) => error)
    expect(refused).toMatchObject({
      code: 'STORAGE_AUTH',
      message: expect.stringContaining('the key or token is wrong, or it may not do this'),
    })
    expect(JSON.stringify(refused) + String(refused)).not.toContain(wrongKey)

    const missing = await destination('no-such-container')
      .list()
      .catch((error: unknown) => error)
    expect(missing).toMatchObject({
      code: 'STORAGE_NOT_FOUND',
      message: expect.stringContaining(
        'the container "no-such-container" does not exist (ContainerNotFound)',
      ),
    })
  })

  it('signs in with a connection string and with a SAS token as well as with the account key', async () => {
    const container = await newContainer('other-credentials')
    const file = join(work, 'small.snap')
    await writeFile(file, randomBytes(5000))
    const sas = await container.generateSasUrl({
      permissions: (await import('@azure/storage-blob')).ContainerSASPermissions.parse('racwdl'),
      expiresOn: new Date(Date.now() + 3600_000),
    })
    const viaSas = new AzureBlobDestination({
      credentials: { kind: 'sas', accountName: azurite.accountName, sasToken: new URL(sas).search },
      endpoint: azurite.blobEndpoint,
      container: 'other-credentials',
    })
    const viaConnectionString = new AzureBlobDestination({
      credentials: { kind: 'connection-string', connectionString: azurite.connectionString },
      container: 'other-credentials',
    })

    await viaSas.put('consul-10.snap', { path: file, size: 5000 })
    await viaConnectionString.put('consul-11.snap', { path: file, size: 5000 })

    expect((await listAll(viaSas)).map((entry) => entry.name)).toEqual(['consul-10.snap', 'consul-11.snap'])
    expect(viaSas.description).not.toContain('sig=')
    await viaSas.delete('consul-11.snap')
    expect((await listAll(viaConnectionString)).map((entry) => entry.name)).toEqual(['consul-10.snap'])
  })
})
