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
import { takeFront } from '../streams/byte-queue'
import { uploadDigest, type UploadDigest } from './upload-digest'

/**
 * The bytes of an upload, part by part: a verified file read at each part's offset, or bytes made
 * on the way (an age encryption) cut into parts in order. Its size is known before the first part.
 */
export interface UploadSource {
  size: number
  /** Names the object in errors about its bytes. */
  label: string
  /**
   * Part `index` (a part's length, or what is left) in `buffer`. Parts are asked for in index
   * order, each as soon as the one before it was asked for, not necessarily once it arrived.
   */
  readPart(index: number, buffer: Buffer, partSize: number): Promise<Buffer>
  /** After the last part: fails when more bytes follow than `size` said. */
  finish(): Promise<void>
}

export interface FileUpload {
  client: S3Client
  bucket: string
  key: string
  source: UploadSource
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
 * Uploads a source to S3: one PUT when it fits a part, else a multipart upload. Done here rather
 * than with lib-storage's Upload because that one, fed a file stream, joins every part with the
 * start of the next (a copy of every byte, in 64 KiB reads), and left us hashing each byte twice
 * more to check the ETag: together three times s3cmd's CPU for the same file. Here each part is
 * read (one positional read of a file) into a buffer its worker keeps, hashed once, and sent with that MD5 as its
 * Content-MD5 (the store refuses a part that arrives different; the signature still covers the
 * payload's SHA-256 as before). The object appears under its key only when the PUT or the
 * "complete" succeeds; a multipart upload that fails or is cancelled is aborted, so no part is
 * left behind. The digest returned is of the bytes that were sent.
 */
export async function uploadFile(upload: FileUpload): Promise<UploadDigest> {
  const parts = Math.max(1, Math.ceil(upload.source.size / upload.partSize))
  return parts === 1 ? putWhole(upload) : putInParts(upload, parts)
}

async function putWhole(upload: FileUpload): Promise<UploadDigest> {
  const body = await upload.source.readPart(0, Buffer.allocUnsafe(upload.source.size), upload.partSize)
  await upload.source.finish()
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

async function putInParts(upload: FileUpload, count: number): Promise<UploadDigest> {
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
        const body = await upload.source.readPart(index, buffer, upload.partSize)
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
    await upload.source.finish()
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

/** A verified file as an upload source; `close` releases it. */
export async function fileUploadSource(
  path: string,
  size: number,
): Promise<UploadSource & { close(): Promise<void> }> {
  let file: FileHandle
  try {
    file = await open(path, 'r')
  } catch (error) {
    throw unreadable(path, error)
  }
  const changed = (how: 'shorter' | 'longer') =>
    new AppError(
      'FILE_UNREADABLE',
      `${path} is ${how} than the ${size} bytes it had when it was verified; nothing was stored.`,
      { hint: 'Something changed the file during the upload; the next cycle takes a new snapshot.' },
    )
  return {
    size,
    label: path,
    async readPart(index, buffer, partSize) {
      const position = index * partSize
      const length = Math.min(partSize, size - position)
      let filled = 0
      while (filled < length) {
        let bytesRead: number
        try {
          ;({ bytesRead } = await file.read(buffer, filled, length - filled, position + filled))
        } catch (error) {
          throw unreadable(path, error)
        }
        if (bytesRead === 0) throw changed('shorter')
        filled += bytesRead
      }
      return buffer.subarray(0, length)
    },
    // More bytes than the verified size were never verified.
    async finish() {
      const { bytesRead } = await file.read(Buffer.alloc(1), 0, 1, size)
      if (bytesRead !== 0) throw changed('longer')
    },
    close: () => file.close(),
  }
}

/**
 * Bytes made on the way, in order (an age encryption: see openEncryptedFile), as an upload source
 * of the given size: each part is the next `partSize` bytes, copied out of the pieces as they
 * come. `finish` reads the pieces to their end (where their producer makes its own last checks).
 */
export function piecesUploadSource(
  pieces: AsyncIterator<Buffer[]>,
  size: number,
  label: string,
): UploadSource {
  const queue: Buffer[] = []
  let queued = 0
  let ended = false
  // Parts are cut strictly one after the other, whatever order their workers await them in.
  let turn: Promise<unknown> = Promise.resolve()
  const changed = () =>
    new AppError('INTERNAL', `${label} came out a different size than the ${size} bytes announced for it.`)
  const fill = async (buffer: Buffer, length: number): Promise<Buffer> => {
    while (queued < length) {
      const next = ended ? null : await pieces.next()
      if (next === null || next.done === true) {
        ended = true
        throw changed()
      }
      for (const piece of next.value) {
        if (piece.length === 0) continue
        queue.push(piece)
        queued += piece.length
      }
    }
    queued -= length
    return takeFront(queue, length, buffer)
  }
  return {
    size,
    label,
    readPart(index, buffer, partSize) {
      const length = Math.min(partSize, size - index * partSize)
      const part = turn.then(() => fill(buffer, length))
      turn = part.catch(() => undefined)
      return part
    },
    async finish() {
      await turn
      if (queue.length > 0) throw changed()
      for (;;) {
        const next = await pieces.next()
        if (next.done === true) return
        if (next.value.some((piece) => piece.length > 0)) throw changed()
      }
    },
  }
}

function unreadable(path: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error'
  return new AppError('FILE_UNREADABLE', `The snapshot ${path} cannot be read for the upload (${code}).`, {
    cause: error,
  })
}
