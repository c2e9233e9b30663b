import { createHash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3'
import { AppError } from '../../../shared/app-error'
import { uploadDigest, type UploadDigest } from './upload-digest'

export interface FileUpload {
  client: S3Client
  bucket: string
  key: string
  /** The verified file and the size it had when it was verified. */
  path: string
  size: number
  partSize: number
  /** Parts in flight at once; memory is about this many part buffers. */
  queueSize: number
  /** Server-side encryption of the object. */
  objectParams: Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId'>
  /** Refuse to replace an object already stored under the key. */
  ifNoneMatch: boolean
  signal?: AbortSignal
}

/**
 * Uploads a file to S3: one PUT when it fits a part, else a multipart upload. Done here rather
 * than with lib-storage's Upload because that one, fed a file stream, joins every part with the
 * start of the next (a copy of every byte, in 64 KiB reads), and left us hashing each byte twice
 * more to check the ETag: together three times s3cmd's CPU for the same file. Here each part is
 * one positional read into a buffer its worker keeps, hashed once, and sent with that MD5 as its
 * Content-MD5 (the store refuses a part that arrives different; the signature still covers the
 * payload's SHA-256 as before). The object appears under its key only when the PUT or the
 * "complete" succeeds; a multipart upload that fails or is cancelled is aborted, so no part is
 * left behind. The digest returned is of the bytes that were sent.
 */
export async function uploadFile(upload: FileUpload): Promise<UploadDigest> {
  let file: FileHandle
  try {
    file = await open(upload.path, 'r')
  } catch (error) {
    throw unreadable(upload.path, error)
  }
  try {
    const parts = Math.max(1, Math.ceil(upload.size / upload.partSize))
    return parts === 1 ? await putWhole(upload, file) : await putInParts(upload, file, parts)
  } finally {
    await file.close().catch(() => undefined)
  }
}

async function putWhole(upload: FileUpload, file: FileHandle): Promise<UploadDigest> {
  const body = await readPart(upload, file, Buffer.allocUnsafe(upload.size), 0)
  await assertEnds(upload, file)
  const md5 = createHash('md5').update(body).digest()
  await upload.client.send(
    new PutObjectCommand({
      Bucket: upload.bucket,
      Key: upload.key,
      Body: body,
      ContentLength: body.length,
      ContentMD5: md5.toString('base64'),
      ...upload.objectParams,
      ...(upload.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
    }),
    { abortSignal: upload.signal },
  )
  return uploadDigest([md5])
}

async function putInParts(upload: FileUpload, file: FileHandle, count: number): Promise<UploadDigest> {
  const { client, bucket, key } = upload
  const created = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...upload.objectParams }),
    { abortSignal: upload.signal },
  )
  const uploadId = created.UploadId
  if (uploadId === undefined || uploadId === '')
    throw new AppError('STORAGE_REFUSED', `The store started no multipart upload for ${key} (no upload id).`)
  // One part failing stops the others at once; the caller's cancel does the same.
  const stop = new AbortController()
  const cancel = () => stop.abort()
  upload.signal?.addEventListener('abort', cancel, { once: true })
  const md5s: Buffer[] = new Array<Buffer>(count)
  const completed: CompletedPart[] = new Array<CompletedPart>(count)
  let next = 0
  let failure: { error: unknown } | null = null
  const worker = async (): Promise<void> => {
    const buffer = Buffer.allocUnsafe(upload.partSize)
    try {
      while (next < count && !stop.signal.aborted) {
        const index = next++
        const body = await readPart(upload, file, buffer, index * upload.partSize)
        const md5 = createHash('md5').update(body).digest()
        const sent = await client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: index + 1,
            Body: body,
            ContentLength: body.length,
            ContentMD5: md5.toString('base64'),
          }),
          { abortSignal: stop.signal },
        )
        md5s[index] = md5
        completed[index] = { PartNumber: index + 1, ETag: sent.ETag }
      }
    } catch (error) {
      failure ??= { error }
      stop.abort()
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(upload.queueSize, count) }, worker))
    if (failure !== null) throw (failure as { error: unknown }).error
    upload.signal?.throwIfAborted()
    await assertEnds(upload, file)
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: completed },
        ...(upload.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
      }),
      { abortSignal: upload.signal },
    )
  } catch (error) {
    // Not under the caller's signal: a cancelled upload must still be taken down.
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => undefined)
    throw error
  } finally {
    upload.signal?.removeEventListener('abort', cancel)
  }
  return uploadDigest(md5s)
}

/** The part at `position` (a part's length, or what is left), read into `buffer`. */
async function readPart(
  upload: FileUpload,
  file: FileHandle,
  buffer: Buffer,
  position: number,
): Promise<Buffer> {
  const length = Math.min(upload.partSize, upload.size - position)
  let filled = 0
  while (filled < length) {
    let bytesRead: number
    try {
      ;({ bytesRead } = await file.read(buffer, filled, length - filled, position + filled))
    } catch (error) {
      throw unreadable(upload.path, error)
    }
    if (bytesRead === 0) throw changed(upload, 'shorter')
    filled += bytesRead
  }
  return buffer.subarray(0, length)
}

/** The file must end where its verified size says: more bytes were never verified. */
async function assertEnds(upload: FileUpload, file: FileHandle): Promise<void> {
  const { bytesRead } = await file.read(Buffer.alloc(1), 0, 1, upload.size)
  if (bytesRead !== 0) throw changed(upload, 'longer')
}

function changed(upload: FileUpload, how: 'shorter' | 'longer'): AppError {
  return new AppError(
    'FILE_UNREADABLE',
    `${upload.path} is ${how} than the ${upload.size} bytes it had when it was verified; nothing was stored under ${upload.key}.`,
    { hint: 'Something changed the file during the upload; the next cycle takes a new snapshot.' },
  )
}

function unreadable(path: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error'
  return new AppError('FILE_UNREADABLE', `The snapshot ${path} cannot be read for the upload (${code}).`, {
    cause: error,
  })
}
