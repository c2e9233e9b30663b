// The Backups view's operations on backups stored in S3, over the API of a real host (plans,
// secrets, the destination factory), against a real S3 server (versitygw) and a real Consul:
// a plan's run uploads a backup; the listing shows it with its sidecar's facts; inspect streams
// it from the bucket; verify names a damaged object; a download is the object, verified; a
// backup fetched for restore goes back into the cluster through restore.start as an upload;
// delete wants the name typed.
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { generateIdentity } from 'age-encryption'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers } from '../../src/main/api/create-handlers'
import { createDispatcher, type Dispatcher } from '../../src/main/api/dispatcher'
import { createHostServices, type HostServicesHandle } from '../../src/main/host/create-host-services'
import { createInProcessInspectRunner } from '../../src/main/host/workers/in-process-inspect-runner'
import { recipientOf } from '../../src/main/services/encryption/age-keys'
import { encryptStream } from '../../src/main/services/encryption/age-stream'
import { FileSecretStore } from '../../src/main/services/profiles'
import type { ApiResult } from '../../src/shared/api-result'
import { defaultPlanInput } from '../../src/shared/backup-plan-schema'
import type { StoredBackupList, StoredBackupVerifyReport } from '../../src/shared/stored-backup-types'
import { startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { startS3Server, type S3TestServer } from '../support/s3-server'
import { buildSnapshot } from '../support/snapshot-builder'

const BUCKET = 'plan-backups'
const PREFIX = 'consul/prod'

async function bytesOf(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}

describe('stored backups in S3, over the API', { timeout: 120_000 }, () => {
  let consul: ConsulAgent
  let s3: S3TestServer
  let root: string
  let host: HostServicesHandle
  let dispatcher: Dispatcher
  let admin: S3Client
  let planId: string
  let saveFolder: string
  /** The host's working folder: its upload area and the catalogues' working copies. */
  let spillDir: string
  let operation = 0

  async function call<T>(method: string, input: Record<string, unknown>): Promise<ApiResult<T>> {
    return (await dispatcher.dispatch('client-1', method, input)) as ApiResult<T>
  }
  async function value<T>(method: string, input: Record<string, unknown>): Promise<T> {
    const reply = await call<T>(method, input)
    if (!reply.ok) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`)
    return reply.value
  }
  const op = () => ({ operationId: `stored-op-${String(++operation).padStart(4, '0')}` })
  const at = () => ({ planId, destinationIndex: 0 })
  const consulKv = async (key: string, body?: string) => {
    const response = await fetch(`${consul.httpAddr}/v1/kv/${key}${body === undefined ? '?raw' : ''}`, {
      method: body === undefined ? 'GET' : 'PUT',
      headers: { 'X-Consul-Token': consul.token },
      body,
    })
    return response.text()
  }
  const objectKeys = async () =>
    ((await admin.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key).sort()

  beforeAll(async () => {
    ;[consul, s3] = await Promise.all([startConsulAgent(), startS3Server()])
    await s3.createBucket(BUCKET)
    admin = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    })
    root = await mkdtemp(join(tmpdir(), 'ss-stored-s3-'))
    saveFolder = join(root, 'saves')
    const dataDir = join(root, 'data')
    spillDir = join(root, 'spill')
    await mkdir(spillDir)
    host = await createHostServices({
      kind: 'browser',
      version: '0.0.0-test',
      platform: process.platform,
      dataDir,
      env: {},
      defaultSaveFolder: saveFolder,
      spillDir,
      secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
      inspect: createInProcessInspectRunner(),
    })
    dispatcher = createDispatcher({ host: 'browser', handlers: createHandlers(host.services) })
    const profile = await host.services.profiles!.create({
      name: 'dev',
      environment: { label: '', colour: 'grey' },
      connection: { address: consul.httpAddr, useTls: false, tls: { insecureSkipVerify: false } },
      token: { kind: 'set', value: consul.token },
    })
    const plan = await host.services.plans!.create({
      ...defaultPlanInput([profile.id]),
      name: 'dev to S3',
      paused: true,
      destinations: [
        {
          kind: 's3',
          region: s3.region,
          bucket: BUCKET,
          prefix: PREFIX,
          endpoint: s3.endpoint,
          forcePathStyle: true,
          serverSideEncryption: { mode: 'none' },
          caFile: null,
          credentials: { kind: 'static', accessKeyId: s3.accessKeyId },
          secret: { kind: 'set', value: s3.secretAccessKey },
        },
      ],
    })
    planId = plan.id
    await consulKv('app/colour', 'blue')
    const run = await host.services.plans!.runNow(planId)
    expect(run.ok).toBe(true)
  })

  afterAll(async () => {
    await host?.dispose()
    admin?.destroy()
    await Promise.all([consul?.stop(), s3?.stop()])
    await rm(root, { recursive: true, force: true })
  })

  it('lists the plan\u2019s backup with what its sidecar says, and leaves the sidecar out', async () => {
    const list = await value<StoredBackupList>('storedBackups.list', at())

    expect(list.destination).toContain(`${BUCKET}/${PREFIX}`)
    expect(list.backups).toHaveLength(1)
    const [backup] = list.backups
    expect(backup).toMatchObject({ cluster: 'dev', datacenter: consul.datacenter, factsFrom: 'sidecar' })
    expect(backup!.name).toMatch(/^consul-\d+\.snap$/)
    expect(await objectKeys()).toEqual([`${PREFIX}/${backup!.name}`, `${PREFIX}/${backup!.name}.json`])
  })

  it('inspects a backup streamed from the bucket, and an encrypted one with its key', async () => {
    const [backup] = (await value<StoredBackupList>('storedBackups.list', at())).backups
    const plain = await value<{ meta: { index: string }; kvStats: { name: string }[] | null }>(
      'storedBackups.inspect',
      { ...op(), ...at(), name: backup!.name, kvDetails: true, kvDepth: 1 },
    )
    expect(plain.meta.index).toBe(backup!.index)
    expect(plain.kvStats?.map((s) => s.name)).toContain('app')

    const identity = await generateIdentity()
    const original = await bytesOf(
      (await admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${backup!.name}` })))
        .Body as AsyncIterable<Uint8Array>,
    )
    const cipher = await bytesOf(
      await encryptStream(Readable.from([original]), {
        kind: 'recipients',
        recipients: [await recipientOf(identity)],
      }),
    )
    const encryptedName = 'consul-1700000000000000000.snap.age'
    await admin.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${encryptedName}`, Body: cipher }),
    )

    const withoutKey = await call('storedBackups.inspect', { ...op(), ...at(), name: encryptedName })
    const withKey = await value<{ meta: { index: string } }>('storedBackups.inspect', {
      ...op(),
      ...at(),
      name: encryptedName,
      decryption: { identitySecret: identity },
    })
    expect(withoutKey).toMatchObject({ ok: false, error: { code: 'ENCRYPTED_KEY_REQUIRED' } })
    expect(withKey.meta.index).toBe(backup!.index)
    await value('storedBackups.delete', { ...at(), name: encryptedName, confirmation: encryptedName })
  })

  it('opens a stored backup in the content browser, from a verified copy removed once the catalogue is built', async () => {
    const [backup] = (await value<StoredBackupList>('storedBackups.list', at())).backups
    const summary = await value<{ catalogueId: string; meta: { index: string } }>('storedBackups.browse', {
      ...op(),
      ...at(),
      name: backup!.name,
    })
    const colour = await value<{ valueBase64: string }>('snapshot.browse.kvValue', {
      catalogueId: summary.catalogueId,
      key: 'app/colour',
    })
    const uploadAreas = (await readdir(spillDir)).filter((name) =>
      name.startsWith('snapshot-studio-uploads-'),
    )
    const copiesLeft = (
      await Promise.all(uploadAreas.map(async (area) => readdir(join(spillDir, area))))
    ).flat()

    expect(summary.meta.index).toBe(backup!.index)
    expect(Buffer.from(colour.valueBase64, 'base64').toString('utf8')).toBe('blue')
    expect(uploadAreas).toHaveLength(1)
    expect(copiesLeft).toEqual([])
    await value('snapshot.browse.close', { catalogueId: summary.catalogueId })
  })

  it('verifies every stored backup and names the damaged one, writing nothing', async () => {
    const damaged = buildSnapshot({ sums: `${'0'.repeat(64)}  meta.json\n${'0'.repeat(64)}  state.bin\n` })
    await admin.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `${PREFIX}/consul-1600000000000000000.snap`,
        Body: damaged,
      }),
    )

    const report = await value<StoredBackupVerifyReport>('storedBackups.verify', { ...op(), ...at() })

    expect(report.sound).toBe(1)
    expect(report.checks.filter((c) => !c.ok).map((c) => [c.name, c.code])).toEqual([
      ['consul-1600000000000000000.snap', 'SNAPSHOT_CHECKSUM_MISMATCH'],
    ])
    await value('storedBackups.delete', {
      ...at(),
      name: 'consul-1600000000000000000.snap',
      confirmation: 'consul-1600000000000000000.snap',
    })
  })

  it('downloads a verified copy into the save folder: the object\u2019s bytes, owner-only', async () => {
    const [backup] = (await value<StoredBackupList>('storedBackups.list', at())).backups
    const result = await value<{ path: string; size: number }>('storedBackups.download', {
      ...op(),
      ...at(),
      name: backup!.name,
    })
    const stored = await bytesOf(
      (await admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${backup!.name}` })))
        .Body as AsyncIterable<Uint8Array>,
    )
    expect(result.path).toBe(join(saveFolder, backup!.name))
    expect(await readFile(result.path)).toEqual(stored)
    expect(await readdir(saveFolder)).toEqual([backup!.name])
    expect((await stat(result.path)).mode & 0o777).toBe(0o600)
  })

  it('restores a stored backup through the restore wizard\u2019s own method, as an upload', async () => {
    const [backup] = (await value<StoredBackupList>('storedBackups.list', at())).backups
    await consulKv('app/colour', 'red')

    const prepared = await value<{ uploadId: string; name: string }>('storedBackups.prepareRestore', {
      ...op(),
      ...at(),
      name: backup!.name,
    })
    const source = { kind: 'upload', uploadId: prepared.uploadId }
    const profileId = (await host.services.profiles!.list()).profiles[0]!.id
    const refused = await call('restore.start', {
      ...op(),
      source,
      profileId,
      confirmation: 'not dev',
      safetySnapshot: false,
    })
    const restored = await call('restore.start', {
      ...op(),
      source,
      profileId,
      confirmation: 'dev',
      safetySnapshot: false,
    })

    expect(refused).toMatchObject({ ok: false, error: { code: 'RESTORE_REFUSED' } })
    expect(restored.ok).toBe(true)
    expect(await consulKv('app/colour')).toBe('blue')
    expect(await value('storedBackups.discardPrepared', { uploadId: prepared.uploadId })).toEqual({
      removed: true,
    })
    expect(await call('restore.verify', { ...op(), source })).toMatchObject({
      ok: false,
      error: { code: 'FILE_NOT_FOUND' },
    })
  })

  it('deletes a backup and its sidecar only when its name is typed', async () => {
    const [backup] = (await value<StoredBackupList>('storedBackups.list', at())).backups
    const refused = await call('storedBackups.delete', { ...at(), name: backup!.name, confirmation: 'yes' })
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
    expect(await objectKeys()).toHaveLength(2)

    await value('storedBackups.delete', { ...at(), name: backup!.name, confirmation: backup!.name })

    expect(await objectKeys()).toEqual([])
    expect((await value<StoredBackupList>('storedBackups.list', at())).backups).toEqual([])
  })

  it('refuses a name that could leave the destination before reaching the store', async () => {
    const reply = await call('storedBackups.inspect', { ...op(), ...at(), name: '../secrets.json' })
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
  })
})
