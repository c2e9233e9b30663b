import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { AzureAuthorityHosts, ClientSecretCredential } from '@azure/identity'
import {
  AnonymousCredential,
  BlobServiceClient,
  StorageSharedKeyCredential,
  type BlockBlobClient,
  type ContainerClient,
  type StoragePipelineOptions,
} from '@azure/storage-blob'
import { AppError } from '../../../shared/app-error'
import { azureBlobError } from './azure-blob-errors'
import type { Destination, ListPage, PutSource } from './destination'
import { nameInPrefix, normalisePrefix, objectKey } from './object-key'
import { pairSidecars, SIDECAR_SUFFIX, type StoreObject } from './sidecar-pages'

/** The four ways the Enterprise agent (and Azure's own tools) sign in to Blob storage. */
export type AzureBlobCredentials =
  | { kind: 'shared-key'; accountName: string; accountKey: string }
  | { kind: 'sas'; accountName: string; sasToken: string }
  | { kind: 'connection-string'; connectionString: string }
  | {
      kind: 'service-principal'
      accountName: string
      tenantId: string
      clientId: string
      clientSecret: string
    }

export interface AzureBlobOptions {
  credentials: AzureBlobCredentials
  container: string
  /** Blobs are named `<prefix>/consul-<ID>.snap`; none by default, as the Enterprise agent names them. */
  prefix?: string | null
  /** The Enterprise agent's `environment` (Go SDK names such as `AzureUSGovernmentCloud`); public by default. */
  environment?: string | null
  /** The Blob service URL for emulators and private endpoints, e.g. `http://127.0.0.1:10000/devstoreaccount1`. */
  endpoint?: string | null
  /** Bytes per staged block; at most `blockSize × concurrency` is held in memory. */
  blockSize?: number
  concurrency?: number
  /** Attempts per request, the first included. */
  maxTries?: number
  retryDelayMs?: number
}

const DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024
const MAX_BLOCKS = 50_000
const MAX_SIDECAR_BYTES = 1024 * 1024

interface AzureCloud {
  blobSuffix: string
  authorityHost: string
}

// The Go SDK's environment names, which the Enterprise agent's `environment` takes (case-insensitive).
const CLOUDS: Record<string, AzureCloud> = {
  azurepubliccloud: {
    blobSuffix: 'blob.core.windows.net',
    authorityHost: AzureAuthorityHosts.AzurePublicCloud,
  },
  azureusgovernmentcloud: {
    blobSuffix: 'blob.core.usgovcloudapi.net',
    authorityHost: AzureAuthorityHosts.AzureGovernment,
  },
  azurechinacloud: {
    blobSuffix: 'blob.core.chinacloudapi.cn',
    authorityHost: AzureAuthorityHosts.AzureChina,
  },
  // Retired by Microsoft in 2021, still accepted by the Enterprise agent's SDK.
  azuregermancloud: {
    blobSuffix: 'blob.core.cloudapi.de',
    authorityHost: 'https://login.microsoftonline.de',
  },
}

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
    this.container = createServiceClient(options.credentials, settings, pipeline).getContainerClient(
      options.container,
    )
    this.description = `azure:${settings.accountName}/${options.container}${this.prefix ? `/${this.prefix}` : ''}`
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

interface AzureSettings {
  prefix: string
  accountName: string
  cloud: AzureCloud
  endpoint: string | null
}

/**
 * Checks everything that can be checked without a network call, before any SDK client exists, so
 * a config mistake is reported in our words and never as an SDK stack. Secrets are only checked
 * for presence and shape; no message quotes them.
 */
export function validateAzureBlobOptions(options: AzureBlobOptions): AzureSettings {
  const invalid = (message: string, hint?: string) => new AppError('INVALID_ARGUMENT', message, { hint })
  const container = options.container
  if (!/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(container) && container !== '$root')
    throw invalid(
      `Azure container name "${container}" is not valid.`,
      'Container names are 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.',
    )
  const environment = (options.environment ?? '').trim()
  const cloud = CLOUDS[environment === '' ? 'azurepubliccloud' : environment.toLowerCase()]
  if (!cloud)
    throw invalid(
      `Azure environment "${environment}" is not known.`,
      'Use AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud or AzureGermanCloud.',
    )
  let endpoint: string | null = null
  if (options.endpoint) {
    let url: URL
    try {
      url = new URL(options.endpoint)
    } catch {
      throw invalid(`Azure endpoint "${options.endpoint}" is not a URL.`)
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw invalid(`Azure endpoint "${options.endpoint}" must start with https:// or http://.`)
    if (url.search !== '' || url.username !== '' || url.password !== '')
      throw invalid(
        'The Azure endpoint must not carry credentials or a query; give the SAS token on its own.',
      )
    endpoint = url.toString().replace(/\/+$/, '')
  }
  const credentials = options.credentials
  const required = (value: string, what: string) => {
    if (value.trim() === '') throw invalid(`Azure ${what} is empty.`)
  }
  let accountName: string
  switch (credentials.kind) {
    case 'connection-string': {
      required(credentials.connectionString, 'connection string')
      const fields = parseConnectionString(credentials.connectionString)
      if (!fields)
        throw invalid(
          'The Azure connection string is not a list of Key=Value pairs.',
          'Copy it from the storage account\'s "Access keys" page.',
        )
      const hasKey = fields.has('accountname') && fields.has('accountkey')
      const hasSas = fields.has('blobendpoint') && fields.has('sharedaccesssignature')
      if (!hasKey && !hasSas && fields.get('usedevelopmentstorage') !== 'true')
        throw invalid(
          'The Azure connection string has neither AccountName and AccountKey nor BlobEndpoint and SharedAccessSignature.',
        )
      accountName =
        fields.get('accountname') ?? (fields.get('usedevelopmentstorage') ? 'devstoreaccount1' : '')
      if (accountName === '') accountName = hostAccount(fields.get('blobendpoint') ?? '') ?? 'account'
      if (endpoint !== null)
        throw invalid('Give the Azure endpoint inside the connection string (BlobEndpoint=).')
      break
    }
    case 'shared-key':
      required(credentials.accountName, 'account name')
      required(credentials.accountKey, 'account key')
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credentials.accountKey.trim()))
        throw invalid('The Azure account key is not base64.', 'Copy key1 or key2 from the storage account.')
      accountName = credentials.accountName
      break
    case 'sas':
      required(credentials.accountName, 'account name')
      required(credentials.sasToken, 'SAS token')
      if (!/(^|[?&])sig=/.test(credentials.sasToken.trim()))
        throw invalid(
          'The Azure SAS token has no signature (sig=).',
          'Give the whole token, from sv= to sig=.',
        )
      accountName = credentials.accountName
      break
    case 'service-principal':
      required(credentials.accountName, 'account name')
      required(credentials.tenantId, 'tenant ID')
      required(credentials.clientId, 'service principal ID')
      required(credentials.clientSecret, 'service principal secret')
      accountName = credentials.accountName
      break
  }
  if (credentials.kind !== 'connection-string' && endpoint === null && !/^[a-z0-9]{3,24}$/.test(accountName))
    throw invalid(
      `Azure storage account name "${accountName}" is not valid.`,
      'Account names are 3-24 lowercase letters and digits.',
    )
  return { prefix: normalisePrefix(options.prefix), accountName, cloud, endpoint }
}

function createServiceClient(
  credentials: AzureBlobCredentials,
  settings: AzureSettings,
  pipeline: StoragePipelineOptions,
): BlobServiceClient {
  const serviceUrl = settings.endpoint ?? `https://${settings.accountName}.${settings.cloud.blobSuffix}`
  switch (credentials.kind) {
    case 'connection-string':
      return BlobServiceClient.fromConnectionString(credentials.connectionString.trim(), pipeline)
    case 'shared-key':
      return new BlobServiceClient(
        serviceUrl,
        new StorageSharedKeyCredential(credentials.accountName, credentials.accountKey.trim()),
        pipeline,
      )
    case 'sas':
      return new BlobServiceClient(
        `${serviceUrl}?${credentials.sasToken.trim().replace(/^\?/, '')}`,
        new AnonymousCredential(),
        pipeline,
      )
    case 'service-principal':
      return new BlobServiceClient(
        serviceUrl,
        new ClientSecretCredential(credentials.tenantId, credentials.clientId, credentials.clientSecret, {
          authorityHost: settings.cloud.authorityHost,
        }),
        pipeline,
      )
  }
}

function parseConnectionString(text: string): Map<string, string> | null {
  const fields = new Map<string, string>()
  for (const part of text.trim().split(';')) {
    if (part === '') continue
    const at = part.indexOf('=')
    if (at <= 0) return null
    fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim())
  }
  return fields.size > 0 ? fields : null
}

function hostAccount(endpoint: string): string | null {
  try {
    return new URL(endpoint).hostname.split('.')[0] ?? null
  } catch {
    return null
  }
}
