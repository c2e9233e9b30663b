import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { ClientSecretCredential } from '@azure/identity'
import {
  AnonymousCredential,
  BlobServiceClient,
  newPipeline,
  StorageSharedKeyCredential,
  type BlockBlobClient,
  type ContainerClient,
  type StoragePipelineOptions,
} from '@azure/storage-blob'
import { AppError } from '../../../shared/app-error'
import { azureBlobError } from './azure-blob-errors'
import { AzureOwnSockets } from './azure-own-sockets'
import type { Destination, ListPage, PutSource } from './destination'
import {
  describeAzureBlobDestination,
  validateAzureBlobOptions,
  type AzureBlobCredentials,
  type AzureBlobOptions,
  type AzureSettings,
} from './azure-blob-options'
import { nameInPrefix, objectKey } from './object-key'
import { pairSidecars, SIDECAR_SUFFIX, type StoreObject } from './sidecar-pages'

export type { AzureBlobCredentials, AzureBlobOptions } from './azure-blob-options'
export { validateAzureBlobOptions }

const DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024
const MAX_BLOCKS = 50_000
const MAX_SIDECAR_BYTES = 1024 * 1024

/**
 * An Azure Blob container. A snapshot is uploaded as staged blocks that the service checks one by
 * one against their MD5, and becomes a blob only when the block list is committed, so a reader
 * never sees a partial blob and an interrupted upload leaves only uncommitted blocks (which Azure
 * discards after a week). The commit refuses to replace an existing blob. Afterwards the committed
 * block list and the blob's length are read back and compared with what was sent.
 */
export class AzureBlobDestination implements Destination {
  readonly description: string
  private readonly container: ContainerClient
  private readonly prefix: string
  private readonly blockSize: number
  private readonly concurrency: number
  private readonly sockets = new AzureOwnSockets()

  constructor(options: AzureBlobOptions) {
    const settings = validateAzureBlobOptions(options)
    this.prefix = settings.prefix
    this.blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE
    this.concurrency = options.concurrency ?? 4
    const pipeline: StoragePipelineOptions = {
      retryOptions: {
        maxTries: options.maxTries ?? 3,
        retryDelayInMs: options.retryDelayMs ?? 500,
        maxRetryDelayInMs: Math.max(options.retryDelayMs ?? 500, 4000),
      },
    }
    this.container = createServiceClient(
      options.credentials,
      settings,
      pipeline,
      this.sockets,
    ).getContainerClient(options.container)
    this.description = describeAzureBlobDestination(options)
  }

  async put(name: string, source: PutSource, signal?: AbortSignal): Promise<{ location: string }> {
    const key = objectKey(this.prefix, name)
    const blob = this.container.getBlockBlobClient(key)
    const what = `upload of ${key}`
    await this.uploadBlocks(blob, source, what, signal)
    if (source.sidecarPath) {
      try {
        await this.uploadSidecar(key + SIDECAR_SUFFIX, source.sidecarPath, signal)
      } catch (error) {
        // The pair is stored whole or not at all.
        await blob.deleteIfExists().catch(() => undefined)
        throw error
      }
    }
    return { location: `az://${this.container.containerName}/${key}` }
  }

  async list(options: { cursor?: string | null; limit?: number } = {}): Promise<ListPage> {
    const pages = this.container
      .listBlobsByHierarchy('/', { prefix: this.prefix === '' ? '' : `${this.prefix}/` })
      .byPage({ continuationToken: options.cursor ?? undefined, maxPageSize: options.limit ?? 1000 })
    try {
      const first = await pages.next()
      if (first.done) return { entries: [], next: null }
      const objects: StoreObject[] = []
      for (const item of first.value.segment.blobItems) {
        const name = nameInPrefix(this.prefix, item.name)
        if (name === null) continue
        objects.push({
          name,
          size: item.properties.contentLength ?? 0,
          modifiedAt: item.properties.lastModified,
        })
      }
      const token = first.value.continuationToken
      return await pairSidecars({ objects, token: token ? token : null }, (other) =>
        this.container.getBlobClient(objectKey(this.prefix, other)).exists(),
      )
    } catch (error) {
      throw this.error(error, 'listing')
    }
  }

  async delete(name: string): Promise<void> {
    const key = objectKey(this.prefix, name)
    try {
      // Sidecar first: a failure in between leaves a snapshot without its sidecar (still valid),
      // never an orphan sidecar that no retention rule would remove.
      await this.container.getBlobClient(key + SIDECAR_SUFFIX).deleteIfExists({ deleteSnapshots: 'include' })
      await this.container.getBlobClient(key).deleteIfExists({ deleteSnapshots: 'include' })
    } catch (error) {
      throw this.error(error, `deletion of ${key}`)
    }
  }

  async openRead(name: string): Promise<Readable> {
    const key = objectKey(this.prefix, name)
    try {
      const response = await this.container.getBlobClient(key).download(0)
      const body = response.readableStreamBody
      if (!body) throw new AppError('INTERNAL', `Azure returned no body for ${key}.`)
      return body as Readable
    } catch (error) {
      if (error instanceof AppError) throw error
      throw this.error(error, `read of ${key}`)
    }
  }

  /** Ends this destination's connections to the store; the destination is unusable afterwards. */
  async close(): Promise<void> {
    this.sockets.destroy()
  }

  private async uploadBlocks(blob: BlockBlobClient, source: PutSource, what: string, signal?: AbortSignal) {
    if (Math.ceil(source.size / this.blockSize) > MAX_BLOCKS)
      throw new AppError(
        'INVALID_ARGUMENT',
        `${source.path} is too large for blocks of ${this.blockSize} bytes.`,
      )
    // A fresh ID per attempt: blocks left uncommitted by an interrupted attempt never mix in.
    const attempt = randomBytes(8).toString('hex')
    const blockIds: string[] = []
    const blockSizes: number[] = []
    const whole = createHash('md5')
    const inFlight = new Set<Promise<void>>()
    let failure: unknown = null
    let sent = 0
    const stage = (block: Buffer) => {
      const id = Buffer.from(`${attempt}-${String(blockIds.length).padStart(6, '0')}`).toString('base64')
      blockIds.push(id)
      blockSizes.push(block.length)
      whole.update(block)
      sent += block.length
      const md5 = createHash('md5').update(block).digest()
      const task = blob
        .stageBlock(id, block, block.length, { transactionalContentMD5: md5, abortSignal: signal })
        .then(
          () => undefined,
          (error: unknown) => {
            failure ??= error
          },
        )
      const tracked = task.finally(() => inFlight.delete(tracked))
      inFlight.add(tracked)
    }

    try {
      let pending: Buffer[] = []
      let pendingBytes = 0
      for await (const chunk of createReadStream(source.path, { highWaterMark: 1024 * 1024, signal })) {
        let rest = chunk as Buffer
        while (rest.length > 0) {
          const take = Math.min(rest.length, this.blockSize - pendingBytes)
          pending.push(rest.subarray(0, take))
          pendingBytes += take
          rest = rest.subarray(take)
          if (pendingBytes === this.blockSize) {
            stage(Buffer.concat(pending))
            pending = []
            pendingBytes = 0
            while (inFlight.size >= this.concurrency) await Promise.race(inFlight)
            if (failure !== null) throw failure
          }
        }
      }
      if (pendingBytes > 0 || blockIds.length === 0) stage(Buffer.concat(pending))
      await Promise.all(inFlight)
      if (failure !== null) throw failure
    } catch (error) {
      await Promise.allSettled(inFlight)
      throw this.uploadError(error, what, signal)
    }
    if (sent !== source.size)
      throw new AppError(
        'FILE_UNREADABLE',
        `${source.path} changed while it was uploaded (${sent} bytes read, ${source.size} expected); nothing was stored.`,
      )

    const md5 = whole.digest()
    try {
      await blob.commitBlockList(blockIds, {
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: { blobContentMD5: md5, blobContentType: 'application/gzip' },
        abortSignal: signal,
      })
    } catch (error) {
      throw this.uploadError(error, what, signal)
    }
    await this.verifyCommitted(blob, blockIds, blockSizes, source.size, md5, what)
  }

  private async verifyCommitted(
    blob: BlockBlobClient,
    blockIds: string[],
    blockSizes: number[],
    size: number,
    md5: Buffer,
    what: string,
  ): Promise<void> {
    let problem: string | null = null
    try {
      const [properties, list] = await Promise.all([blob.getProperties(), blob.getBlockList('committed')])
      const committed = list.committedBlocks ?? []
      if (properties.contentLength !== size)
        problem = `Azure reports ${properties.contentLength ?? 'no'} bytes, ${size} were sent`
      else if (properties.contentMD5 && !md5.equals(Buffer.from(properties.contentMD5)))
        problem = 'Azure reports a different Content-MD5'
      else if (
        committed.length !== blockIds.length ||
        committed.some((block, i) => block.name !== blockIds[i] || block.size !== blockSizes[i])
      )
        problem = 'the committed block list differs from the blocks sent'
    } catch (error) {
      throw this.error(error, `check of the ${what}`)
    }
    if (problem !== null) {
      await blob.deleteIfExists().catch(() => undefined)
      throw new AppError(
        'STORAGE_VERIFY_FAILED',
        `The ${what} did not verify: ${problem}; the blob was removed.`,
        {
          hint: 'Run the backup again; if it repeats, check the storage account and any proxy in between.',
        },
      )
    }
  }

  private async uploadSidecar(key: string, path: string, signal?: AbortSignal): Promise<void> {
    const body = await readFile(path)
    if (body.length > MAX_SIDECAR_BYTES)
      throw new AppError('INVALID_ARGUMENT', `${path} is too large for a sidecar.`)
    try {
      await this.container.getBlockBlobClient(key).upload(body, body.length, {
        conditions: { ifNoneMatch: '*' },
        // Put Blob checks the body it received against x-ms-blob-content-md5.
        blobHTTPHeaders: {
          blobContentType: 'application/json',
          blobContentMD5: createHash('md5').update(body).digest(),
        },
        abortSignal: signal,
      })
    } catch (error) {
      throw this.uploadError(error, `upload of ${key}`, signal)
    }
  }

  private uploadError(error: unknown, what: string, signal?: AbortSignal): AppError {
    if (error instanceof AppError) return error
    if (signal?.aborted)
      return new AppError('CANCELLED', `The ${what} was cancelled; nothing was stored under its name.`)
    return this.error(error, what)
  }

  private error(error: unknown, what: string): AppError {
    return azureBlobError(error, { what, where: this.description, container: this.container.containerName })
  }
}

function createServiceClient(
  credentials: AzureBlobCredentials,
  settings: AzureSettings,
  options: StoragePipelineOptions,
  sockets: AzureOwnSockets,
): BlobServiceClient {
  const serviceUrl = settings.endpoint ?? `https://${settings.accountName}.${settings.cloud.blobSuffix}`
  let url: string
  let credential: BlobServiceClient['credential']
  switch (credentials.kind) {
    case 'connection-string': {
      // The SDK's own reading of the string (account key or SAS, endpoints, development storage);
      // this client only reads it and sends nothing.
      const parsed = BlobServiceClient.fromConnectionString(credentials.connectionString.trim())
      url = parsed.url
      credential = parsed.credential
      break
    }
    case 'shared-key':
      url = serviceUrl
      credential = new StorageSharedKeyCredential(credentials.accountName, credentials.accountKey.trim())
      break
    case 'sas':
      url = `${serviceUrl}?${credentials.sasToken.trim().replace(/^\?/, '')}`
      credential = new AnonymousCredential()
      break
    case 'service-principal':
      url = serviceUrl
      credential = new ClientSecretCredential(
        credentials.tenantId,
        credentials.clientId,
        credentials.clientSecret,
        {
          authorityHost: settings.cloud.authorityHost,
          additionalPolicies: [{ policy: sockets.tokenPolicy, position: 'perCall' }],
        },
      )
      break
  }
  const pipeline = newPipeline(credential, options)
  pipeline.factories.push(sockets.blobPolicy)
  return new BlobServiceClient(url, pipeline)
}
