// A host ends the connections of the store clients it made: a retention preview's as soon as
// the preview is read, the Backups view's when the host stops (browser-mode close, desktop quit).
// Against real servers (versitygw for S3, Azurite for Azure Blob), every TCP connection the
// process opens to them is watched through Node's `net.client.socket` diagnostics channel.
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { mkdtemp, rm } from 'node:fs/promises'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobServiceClient } from '@azure/storage-blob'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers } from '../../src/main/api/create-handlers'
import { createDispatcher, type Dispatcher } from '../../src/main/api/dispatcher'
import { createHostServices, type HostServicesHandle } from '../../src/main/host/create-host-services'
import { createInProcessInspectRunner } from '../../src/main/host/workers/in-process-inspect-runner'
import { FileSecretStore } from '../../src/main/services/profiles'
import type { ApiResult } from '../../src/shared/api-result'
import { defaultPlanInput, type PlanDestination } from '../../src/shared/backup-plan-schema'
import type { RetentionPreviewOutcome } from '../../src/shared/backup-plan-types'
import type { StoredBackupList } from '../../src/shared/stored-backup-types'
import { startAzurite, type AzuriteServer } from '../support/azurite-server'
import { startS3Server, type S3TestServer } from '../support/s3-server'

/** Every client socket this process opens, with the port it connected to. */
class SocketWatch {
  private readonly sockets = new Map<Socket, number | undefined>()
  private readonly onSocket = (message: unknown) => {
    const { socket } = message as { socket: Socket }
    this.sockets.set(socket, undefined)
    socket.once('connect', () => this.sockets.set(socket, socket.remotePort))
  }

  start(): void {
    subscribe('net.client.socket', this.onSocket)
  }

  stop(): void {
    unsubscribe('net.client.socket', this.onSocket)
  }

  /** The sockets opened so far to this port. */
  to(port: number): Socket[] {
    return [...this.sockets].filter(([, at]) => at === port).map(([socket]) => socket)
  }
}

describe('store clients a host made are closed', { timeout: 90_000 }, () => {
  let s3: S3TestServer
  let azurite: AzuriteServer
  let root: string
  let host: HostServicesHandle | null = null
  let dispatcher: Dispatcher
  let planId: string
  const watch = new SocketWatch()

  async function value<T>(method: string, input: Record<string, unknown>): Promise<T> {
    const reply = (await dispatcher.dispatch('client-1', method, input)) as ApiResult<T>
    if (!reply.ok) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`)
    return reply.value
  }
  const open = (sockets: Socket[]) => sockets.filter((socket) => !socket.destroyed)

  beforeAll(async () => {
    ;[s3, azurite] = await Promise.all([startS3Server(), startAzurite()])
    await s3.createBucket('backups')
    // Not through the Azure SDK's process-wide keep-alive client, which the host's clients would
    // otherwise find already connected.
    await BlobServiceClient.fromConnectionString(azurite.connectionString, {
      keepAliveOptions: { enable: false },
    })
      .getContainerClient('backups')
      .create()
    root = await mkdtemp(join(tmpdir(), 'ss-store-clients-'))
    const dataDir = join(root, 'data')
    host = await createHostServices({
      kind: 'browser',
      version: '0.0.0-test',
      platform: process.platform,
      dataDir,
      env: {},
      defaultSaveFolder: join(root, 'saves'),
      secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
      inspect: createInProcessInspectRunner(),
    })
    dispatcher = createDispatcher({ host: 'browser', handlers: createHandlers(host.services) })
    // The plan never runs: no cluster is reached, only the stores.
    const profile = await host.services.profiles!.create({
      name: 'dev',
      environment: { label: '', colour: 'grey' },
      connection: { address: 'http://127.0.0.1:8500', useTls: false, tls: { insecureSkipVerify: false } },
    })
    const plan = await host.services.plans!.create({
      ...defaultPlanInput([profile.id]),
      name: 'dev to two stores',
      paused: true,
      destinations: [
        {
          kind: 's3',
          region: s3.region,
          bucket: 'backups',
          prefix: 'consul',
          endpoint: s3.endpoint,
          forcePathStyle: true,
          serverSideEncryption: { mode: 'none' },
          caFile: null,
          credentials: { kind: 'static', accessKeyId: s3.accessKeyId },
          secret: { kind: 'set', value: s3.secretAccessKey },
        },
        {
          kind: 'azure-blob',
          auth: 'shared-key',
          accountName: azurite.accountName,
          container: 'backups',
          prefix: 'consul',
          endpoint: azurite.blobEndpoint,
          environment: 'AzurePublicCloud',
          tenantId: null,
          clientId: null,
          secret: { kind: 'set', value: azurite.accountKey },
        },
      ],
    })
    planId = plan.id
    watch.start()
  })

  afterAll(async () => {
    watch.stop()
    await host?.dispose()
    await Promise.all([s3?.stop(), azurite?.stop()])
    if (root) await rm(root, { recursive: true, force: true })
  })

  it('ends a retention preview\u2019s connections once it is read, and the Backups view\u2019s when the host stops', async () => {
    const saved = (await host!.services.plans!.list()).plans[0]!.destinations
    const previews = await value<{ previews: RetentionPreviewOutcome[] }>('retention.preview', {
      destinations: saved as PlanDestination[],
      retention: defaultPlanInput().retention,
      nameTemplate: null,
    })
    expect(previews.previews.map((p) => p.ok)).toEqual([true, true])
    const byPreview = [...watch.to(s3.port), ...watch.to(azurite.port)]
    expect(watch.to(s3.port).length).toBeGreaterThan(0)
    expect(watch.to(azurite.port).length).toBeGreaterThan(0)
    expect(open(byPreview)).toEqual([])

    for (const destinationIndex of [0, 1]) {
      const list = await value<StoredBackupList>('storedBackups.list', { planId, destinationIndex })
      expect(list.backups).toEqual([])
    }
    const byView = [...watch.to(s3.port), ...watch.to(azurite.port)].filter((s) => !byPreview.includes(s))
    expect(byView.length).toBeGreaterThanOrEqual(2)

    const stopping = host!
    host = null
    await stopping.dispose()
    expect(open([...watch.to(s3.port), ...watch.to(azurite.port)])).toEqual([])
  })
})
