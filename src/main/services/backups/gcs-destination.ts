import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { PassThrough, Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CRC32C, Storage, type Bucket, type File, type StorageOptions } from '@google-cloud/storage'
import { AppError } from '../../../shared/app-error'
import type { Destination, ListPage, PutSource } from './destination'
import { gcsError } from './gcs-errors'
import { describeGcsDestination, validateGcsOptions, type GcsOptions } from './gcs-options'
import { nameInPrefix, objectKey } from './object-key'
import { pairSidecars, SIDECAR_SUFFIX, type StoreObject } from './sidecar-pages'

export type { GcsOptions } from './gcs-options'
export { validateGcsOptions }

const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024
const MAX_SIDECAR_BYTES = 1024 * 1024

/**
 * A Google Cloud Storage bucket. A snapshot goes up as a resumable upload in bounded chunks; GCS
 * creates the object only when the last chunk arrives, so readers never see a partial object and
 * an interrupted upload leaves nothing under the name. The upload is conditional on no object of
 * that name existing (`ifGenerationMatch=0`). Afterwards the object's size, CRC32C and MD5 as GCS
 * reports them are compared with those computed while reading the file.
 */
export class GcsDestination implements Destination {
  readonly description: string
  private readonly bucket: Bucket
  private readonly prefix: string
  private readonly chunkSize: number

  constructor(options: GcsOptions) {
    const settings = validateGcsOptions(options)
    this.prefix = settings.prefix
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE
    const storageOptions: StorageOptions = {
      retryOptions: {
        autoRetry: true,
        maxRetries: options.maxRetries ?? 3,
        maxRetryDelay: options.maxRetryDelay ?? 16,
        totalTimeout: 300,
      },
    }
    const projectId = options.projectId ?? settings.key?.project_id
    if (projectId) storageOptions.projectId = projectId
    if (settings.key) storageOptions.credentials = settings.key
    if (settings.endpoint) {
      storageOptions.apiEndpoint = settings.endpoint
      storageOptions.useAuthWithCustomEndpoint = settings.key !== null
    }
    this.bucket = new Storage(storageOptions).bucket(options.bucket)
    this.description = describeGcsDestination(options)
  }

  async put(name: string, source: PutSource, signal?: AbortSignal): Promise<{ location: string }> {
    const key = objectKey(this.prefix, name)
    const file = this.bucket.file(key)
    const what = `upload of ${key}`
    const crc32c = new CRC32C()
    const md5 = createHash('md5')
    let sent = 0
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        crc32c.update(chunk)
        md5.update(chunk)
        sent += chunk.length
        done(null, chunk)
      },
    })
    try {
      await pipeline(
        createReadStream(source.path),
        hashing,
        file.createWriteStream({
          resumable: true,
          chunkSize: this.chunkSize,
          // Checked below against what GCS reports, so that a mismatch is ours to word and undo.
          validation: false,
          preconditionOpts: { ifGenerationMatch: 0 },
          metadata: { contentType: 'application/gzip' },
        }),
        { signal },
      )
    } catch (error) {
      if (signal?.aborted)
        throw new AppError('CANCELLED', `The ${what} was cancelled; nothing was stored under its name.`)
      throw this.error(error, what)
    }
    if (sent !== source.size) {
      await file.delete({ ignoreNotFound: true }).catch(() => undefined)
      throw new AppError(
        'FILE_UNREADABLE',
        `${source.path} changed while it was uploaded (${sent} bytes read, ${source.size} expected); nothing was stored.`,
      )
    }
    await this.verify(file, sent, crc32c.toString(), md5.digest('base64'), what)
    if (source.sidecarPath) {
      try {
        await this.uploadSidecar(key + SIDECAR_SUFFIX, source.sidecarPath)
      } catch (error) {
        // The pair is stored whole or not at all.
        await file.delete({ ignoreNotFound: true }).catch(() => undefined)
        throw error
      }
    }
    return { location: `gs://${this.bucket.name}/${key}` }
  }

  async list(options: { cursor?: string | null; limit?: number } = {}): Promise<ListPage> {
    try {
      const [files, next] = await this.bucket.getFiles({
        prefix: this.prefix === '' ? '' : `${this.prefix}/`,
        delimiter: '/',
        autoPaginate: false,
        maxResults: options.limit ?? 1000,
        pageToken: options.cursor ?? undefined,
      })
      const objects: StoreObject[] = []
      for (const file of files) {
        const name = nameInPrefix(this.prefix, file.name)
        if (name === null) continue
        objects.push({
          name,
          size: Number(file.metadata.size ?? 0),
          modifiedAt: new Date(String(file.metadata.updated ?? file.metadata.timeCreated ?? 0)),
        })
      }
      const token = (next as { pageToken?: string } | null | undefined)?.pageToken ?? null
      return await pairSidecars({ objects, token }, async (other) => {
        const [exists] = await this.bucket.file(objectKey(this.prefix, other)).exists()
        return exists
      })
    } catch (error) {
      throw this.error(error, 'listing')
    }
  }

  async delete(name: string): Promise<void> {
    const key = objectKey(this.prefix, name)
    try {
      // Sidecar first: a failure in between leaves a snapshot without its sidecar (still valid),
      // never an orphan sidecar that no retention rule would remove.
      await this.bucket.file(key + SIDECAR_SUFFIX).delete({ ignoreNotFound: true })
      await this.bucket.file(key).delete({ ignoreNotFound: true })
    } catch (error) {
      throw this.error(error, `deletion of ${key}`)
    }
  }

  async openRead(name: string): Promise<Readable> {
    const key = objectKey(this.prefix, name)
    const file = this.bucket.file(key)
    // Asked first so that a missing object or refused credentials fail here, in plain words,
    // rather than as an error event on a stream the caller has just started to read.
    try {
      await file.getMetadata()
    } catch (error) {
      throw this.error(error, `read of ${key}`, 'object')
    }
    const body = file.createReadStream({ validation: 'crc32c' })
    const out = new PassThrough()
    body.on('error', (error: unknown) => out.destroy(this.error(error, `read of ${key}`, 'object')))
    out.on('close', () => body.destroy())
    return body.pipe(out)
  }

  /**
   * Nothing of this client's own to end: the Google SDK sends every request through agents it
   * shares across the whole process (teeny-request's pool and Node's global agent), takes none
   * per client and offers no close, and Node unrefs their idle sockets, so they neither grow with
   * each client nor keep the process alive.
   */
  async close(): Promise<void> {}

  private async verify(file: File, size: number, crc32c: string, md5: string, what: string): Promise<void> {
    let problem: string | null = null
    try {
      const [metadata] = await file.getMetadata()
      if (Number(metadata.size) !== size)
        problem = `GCS reports ${String(metadata.size)} bytes, ${size} were sent`
      else if (metadata.crc32c !== crc32c) problem = 'GCS reports a different CRC32C'
      else if (metadata.md5Hash !== undefined && metadata.md5Hash !== md5)
        problem = 'GCS reports a different MD5'
    } catch (error) {
      throw this.error(error, `check of the ${what}`)
    }
    if (problem !== null) {
      await file.delete({ ignoreNotFound: true }).catch(() => undefined)
      throw new AppError(
        'STORAGE_VERIFY_FAILED',
        `The ${what} did not verify: ${problem}; the object was removed.`,
        {
          hint: 'Run the backup again; if it repeats, check the network path to the bucket.',
        },
      )
    }
  }

  private async uploadSidecar(key: string, path: string): Promise<void> {
    const body = await readFile(path)
    if (body.length > MAX_SIDECAR_BYTES)
      throw new AppError('INVALID_ARGUMENT', `${path} is too large for a sidecar.`)
    try {
      await this.bucket.file(key).save(body, {
        resumable: false,
        validation: 'md5',
        preconditionOpts: { ifGenerationMatch: 0 },
        metadata: { contentType: 'application/json' },
      })
    } catch (error) {
      throw this.error(error, `upload of ${key}`)
    }
  }

  private error(error: unknown, what: string, missing: 'object' | 'bucket' = 'bucket'): AppError {
    return gcsError(error, { what, where: this.description, bucket: this.bucket.name, missing })
  }
}
