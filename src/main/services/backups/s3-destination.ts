import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { Agent as HttpsAgent } from 'node:https'
import { rootCertificates } from 'node:tls'
import { Readable } from 'node:stream'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3'
import { AppError } from '../../../shared/app-error'
import type { Destination, ListPage, PutSource, StreamedPutSource } from './destination'
import type { S3DestinationConfig } from './destination-config'
import { assertBackupName, nameInPrefix, objectKey } from './object-key'
import { pairSidecars, SIDECAR_SUFFIX, type StoreObject } from './sidecar-pages'
import { describeS3Destination } from './s3-destination-config'
import { s3Error } from './s3-errors'
import { fileUploadSource, piecesUploadSource, uploadFile, type UploadSource } from './s3-file-upload'
import { streamDigest, type UploadDigest } from './upload-digest'

const MIN_PART_SIZE = 8 * 1024 * 1024
/** S3 allows 10,000 parts; stay below so a slightly larger file still fits. */
const MAX_PARTS = 9_000
/** Parts in flight at once: memory is about this many part sizes. */
const QUEUE_SIZE = 4

/**
 * An S3 bucket (AWS or any S3-compatible store). Objects are `<prefix>/<name>`. Uploads go from
 * the verified scratch file in parts, each with its Content-MD5 (never the whole file in memory,
 * see s3-file-upload.ts); the object appears
 * under its final name only when the single PUT or the multipart "complete" succeeds, so readers
 * never see a partial object, and a failed multipart upload is aborted. Every upload is checked
 * afterwards against what the store reports: size, and the ETag as the MD5 (single PUT) or the
 * MD5 of part MD5s (multipart); when the ETag is not an MD5 (SSE-KMS, some S3-compatible stores)
 * the object is read back and hashed in the same parts.
 */
export class S3Destination implements Destination {
  readonly description: string
  private readonly client: S3Client
  private readonly listPrefix: string

  constructor(private readonly config: S3DestinationConfig) {
    this.listPrefix = config.keyPrefix === '' ? '' : `${config.keyPrefix}/`
    this.description = describeS3Destination(config)
    this.client = new S3Client(clientConfig(config))
  }

  /** The object key of a snapshot name: `<prefix>/<name>`, or `<name>` without a prefix. */
  keyFor(name: string): string {
    return objectKey(this.config.keyPrefix, name)
  }

  async put(name: string, source: PutSource, signal?: AbortSignal): Promise<{ location: string }> {
    assertBackupName(name)
    signal?.throwIfAborted()
    const file = await fileUploadSource(source.path, source.size)
    try {
      return await this.store(name, file, source.sidecarPath, signal)
    } finally {
      await file.close().catch(() => undefined)
    }
  }

  async putStream(
    name: string,
    source: StreamedPutSource,
    signal?: AbortSignal,
  ): Promise<{ location: string }> {
    assertBackupName(name)
    signal?.throwIfAborted()
    return this.store(
      name,
      piecesUploadSource(source.pieces, source.size, source.label),
      source.sidecarPath,
      signal,
    )
  }

  private async store(
    name: string,
    source: UploadSource,
    sidecarPath: string | null | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ location: string }> {
    const key = this.keyFor(this.config.staticSnapshotName ?? name)
    const context = { action: `upload ${key}`, store: this.description, bucket: this.config.bucket }
    const partSize = Math.max(MIN_PART_SIZE, Math.ceil(source.size / MAX_PARTS))
    let sent: UploadDigest
    try {
      sent = await uploadFile({
        client: this.client,
        bucket: this.config.bucket,
        key,
        source,
        partSize,
        queueSize: QUEUE_SIZE,
        objectParams: this.encryptionParams(),
        // Rotating names are new every cycle: refuse to replace one (a second agent on the same
        // name). A static name is meant to be replaced.
        ifNoneMatch: this.config.staticSnapshotName === null,
        signal,
      })
    } catch (error) {
      throw signal?.aborted
        ? new AppError('CANCELLED', `The upload to ${this.description} was cancelled; nothing was stored.`, {
            cause: error,
          })
        : s3Error(error, context)
    }

    try {
      signal?.throwIfAborted()
      await this.verify(key, source.size, partSize, sent, context)
      if (sidecarPath) {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.config.bucket,
            Key: key + SIDECAR_SUFFIX,
            Body: await readFile(sidecarPath),
            ContentType: 'application/json',
            ...this.encryptionParams(),
          }),
          { abortSignal: signal },
        )
      }
    } catch (error) {
      // A snapshot that failed its check, or lost its sidecar, is not kept under the final name.
      await this.removeKey(key).catch(() => undefined)
      if (signal?.aborted)
        throw new AppError(
          'CANCELLED',
          `The upload to ${this.description} was cancelled; nothing was stored.`,
          {
            cause: error,
          },
        )
      throw s3Error(error, context)
    }
    return { location: `s3://${this.config.bucket}/${key}` }
  }

  async list(options: { cursor?: string | null; limit?: number } = {}): Promise<ListPage> {
    const context = { action: 'list the backups', store: this.description, bucket: this.config.bucket }
    let page
    try {
      page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.config.bucket,
          Prefix: this.listPrefix,
          // Only this prefix's own objects, not those of deeper "folders".
          Delimiter: '/',
          MaxKeys: Math.min(Math.max(options.limit ?? 1000, 1), 1000),
          ...(options.cursor ? { ContinuationToken: options.cursor } : {}),
        }),
      )
    } catch (error) {
      throw s3Error(error, context)
    }
    const objects: StoreObject[] = []
    for (const object of page.Contents ?? []) {
      const name = object.Key === undefined ? null : nameInPrefix(this.config.keyPrefix, object.Key)
      if (name !== null)
        objects.push({ name, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) })
    }
    const token = page.IsTruncated === true && page.NextContinuationToken ? page.NextContinuationToken : null
    return pairSidecars({ objects, token }, (name) => this.exists(name))
  }

  async delete(name: string): Promise<void> {
    assertBackupName(name)
    const key = this.keyFor(name)
    try {
      // Sidecar first: a failure in between leaves a snapshot without sidecar, never an orphan sidecar.
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key + SIDECAR_SUFFIX }),
      )
      await this.removeKey(key)
    } catch (error) {
      throw s3Error(error, { action: `delete ${key}`, store: this.description, bucket: this.config.bucket })
    }
  }

  async openRead(name: string): Promise<Readable> {
    assertBackupName(name)
    return this.openKey(this.keyFor(name))
  }

  /** Releases the client's sockets; the destination is unusable afterwards. */
  async close(): Promise<void> {
    this.client.destroy()
  }

  private async openKey(key: string, signal?: AbortSignal): Promise<Readable> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: key }),
        {
          abortSignal: signal,
        },
      )
      if (!(response.Body instanceof Readable))
        throw new AppError('STORAGE_REFUSED', `${this.description} sent no body for ${key}.`)
      return response.Body
    } catch (error) {
      throw s3Error(error, { action: `read ${key}`, store: this.description, bucket: this.config.bucket })
    }
  }

  private async exists(name: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: this.keyFor(name) }))
      return true
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
      if (status === 404) return false
      throw s3Error(error, {
        action: `look for ${name}`,
        store: this.description,
        bucket: this.config.bucket,
      })
    }
  }

  private async removeKey(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }))
  }

  private encryptionParams(): Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId'> {
    const sse = this.config.serverSideEncryption
    if (sse.mode === 'AES256') return { ServerSideEncryption: 'AES256' }
    if (sse.mode === 'aws:kms')
      return { ServerSideEncryption: 'aws:kms', ...(sse.keyId !== null ? { SSEKMSKeyId: sse.keyId } : {}) }
    return {}
  }

  private async verify(
    key: string,
    size: number,
    partSize: number,
    sent: UploadDigest,
    context: { action: string; store: string; bucket: string },
  ): Promise<void> {
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key }))
    if (head.ContentLength !== size)
      throw new AppError(
        'STORAGE_VERIFY_FAILED',
        `${context.store} holds ${head.ContentLength ?? 'an unknown number of'} bytes for ${key} after the upload, not ${size}; the object was removed.`,
        { hint: 'The store lost or changed data in transit; the next cycle tries again.' },
      )
    const etag = (head.ETag ?? '').replaceAll('"', '').toLowerCase()
    if (etag === sent.md5 || etag === sent.multipart) return
    // Not an MD5 ETag (SSE-KMS, or a store that computes its own): read it back, hashed in the
    // parts it was sent in.
    const back = await streamDigest(await this.openKey(key), partSize)
    if (back.multipart !== sent.multipart)
      throw new AppError(
        'STORAGE_VERIFY_FAILED',
        `${context.store} returned different bytes for ${key} than were uploaded; the object was removed.`,
        { hint: 'The store changed data in transit or at rest; the next cycle tries again.' },
      )
  }
}

function clientConfig(config: S3DestinationConfig): S3ClientConfig {
  // The SDK announces its Node support plans with process.emitWarning, which would reach the
  // operator's terminal on every start; the switch below is the SDK's own way to silence it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const out: S3ClientConfig = {
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    // Our own ETag/read-back check covers integrity; CRC trailers are not understood by every
    // S3-compatible store and cost CPU on every part.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  }
  if (config.endpoint !== null) out.endpoint = config.endpoint
  if (config.credentials !== null) out.credentials = { ...config.credentials }
  if (config.caFile !== null) {
    let pem: Buffer
    try {
      pem = readFileSync(config.caFile)
    } catch (error) {
      throw new AppError(
        'FILE_UNREADABLE',
        `The CA bundle ${config.caFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        { hint: 'Check s3_ca_file (-aws-s3-ca-file) and its permissions.', cause: error },
      )
    }
    out.requestHandler = {
      httpsAgent: new HttpsAgent({ keepAlive: true, ca: [...rootCertificates, pem.toString('utf8')] }),
    }
  }
  return out
}
