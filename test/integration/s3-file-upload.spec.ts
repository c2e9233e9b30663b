// How a verified snapshot file goes up to a real S3 server (versitygw, test/storage/versitygw):
// every part travels with the MD5 of its bytes, which is also what the upload is checked against
// afterwards; and a file whose size is no longer the one it was verified at is refused before
// anything is stored, with no multipart upload left open behind it; and an age encryption goes up
// while it is made, without a scratch copy, and decrypts with Debian's age.
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../src/shared/app-error'
import { S3Destination } from '../../src/main/services/backups/s3-destination'
import { fileUploadSource, uploadFile } from '../../src/main/services/backups/s3-file-upload'
import { openEncryptedFile } from '../../src/main/services/encryption/age-stream'
import { startS3Server, type S3TestServer } from '../support/s3-server'

const MiB = 1024 * 1024

describe('uploading a snapshot file to a real S3 server', () => {
  let s3: S3TestServer
  let root: string
  let client: S3Client

  beforeAll(async () => {
    s3 = await startS3Server()
    root = await mkdtemp(join(tmpdir(), 'ss-s3-upload-'))
    await s3.createBucket('uploads')
    client = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    })
  })
  afterAll(async () => {
    client?.destroy()
    await s3?.stop()
    await rm(root, { recursive: true, force: true })
  })

  const destination = () =>
    new S3Destination({
      kind: 's3',
      region: s3.region,
      bucket: 'uploads',
      keyPrefix: 'changed',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      serverSideEncryption: { mode: 'none' },
      staticSnapshotName: null,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      caFile: null,
    })

  it('sends every part with the MD5 of its bytes, and the digest it returns is the ETag the store reports', async () => {
    const partSize = 5 * MiB
    const bytes = randomBytes(2 * partSize + 12345)
    const file = join(root, 'parts.snap')
    await writeFile(file, bytes)
    const seen = new Map<number, string>()
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const request = args.request as { query?: Record<string, string>; headers?: Record<string, string> }
        if (context.commandName === 'UploadPartCommand')
          seen.set(Number(request.query?.partNumber), request.headers?.['content-md5'] ?? '')
        return next(args)
      },
      { step: 'finalizeRequest', name: 'recordPartMd5' },
    )
    const source = await fileUploadSource(file, bytes.length)
    try {
      const digest = await uploadFile({
        client,
        bucket: 'uploads',
        key: 'parts/consul-1.snap',
        source,
        partSize,
        queueSize: 2,
        objectParams: {},
        ifNoneMatch: true,
      })
      const md5 = (part: Buffer) => createHash('md5').update(part).digest('base64')
      expect([...seen.entries()].sort(([a], [b]) => a - b)).toEqual([
        [1, md5(bytes.subarray(0, partSize))],
        [2, md5(bytes.subarray(partSize, 2 * partSize))],
        [3, md5(bytes.subarray(2 * partSize))],
      ])
      const head = await client.send(new HeadObjectCommand({ Bucket: 'uploads', Key: 'parts/consul-1.snap' }))
      expect(head.ContentLength).toBe(bytes.length)
      expect(head.ETag?.replaceAll('"', '')).toBe(digest.multipart)
      expect(digest.md5).toBeNull()
    } finally {
      await source.close()
      client.middlewareStack.remove('recordPartMd5')
    }
  })

  it('refuses a file that grew or shrank after it was verified: nothing stored, no multipart upload left open', async () => {
    const store = destination()
    const grown = join(root, 'grown.snap')
    await writeFile(grown, randomBytes(17 * MiB))
    const longer = await store
      .put('consul-2.snap', { path: grown, size: 16 * MiB + 1 })
      .catch((e: unknown) => e)
    expect(longer).toBeInstanceOf(AppError)
    expect(longer).toMatchObject({ code: 'FILE_UNREADABLE' })
    expect((longer as AppError).message).toContain(
      `is longer than the ${16 * MiB + 1} bytes it had when it was verified`,
    )

    const shrunk = join(root, 'shrunk.snap')
    await writeFile(shrunk, randomBytes(600))
    const shorter = await store.put('consul-3.snap', { path: shrunk, size: 1000 }).catch((e: unknown) => e)
    expect(shorter).toBeInstanceOf(AppError)
    expect(shorter).toMatchObject({ code: 'FILE_UNREADABLE' })
    expect((shorter as AppError).message).toContain('is shorter than the 1000 bytes')

    expect((await store.list()).entries).toEqual([])
    const open = await client.send(new ListMultipartUploadsCommand({ Bucket: 'uploads', Prefix: 'changed/' }))
    expect(open.Uploads ?? []).toEqual([])
    store.close()
  })

  it('stores an age encryption made while it uploads: age decrypts the object to the snapshot, and nothing is written locally', async () => {
    const store = destination()
    const plain = join(root, 'sealed.snap')
    const bytes = randomBytes(17 * MiB + 999)
    await writeFile(plain, bytes)
    const identity = execFileSync('age-keygen', { encoding: 'utf8' })
    const identityFile = join(root, 'identity.txt')
    await writeFile(identityFile, identity)
    const recipient = execFileSync('age-keygen', ['-y', identityFile], { encoding: 'utf8' }).trim()
    const before = await readdir(root)

    const sealed = await openEncryptedFile(plain, { kind: 'recipients', recipients: [recipient] })
    try {
      const { location } = await store.putStream('consul-4.snap.age', {
        size: sealed.size,
        pieces: sealed.pieces(),
        label: 'consul-4.snap.age',
      })
      expect(location).toBe('s3://uploads/changed/consul-4.snap.age')
    } finally {
      await sealed.close()
    }
    expect(await readdir(root)).toEqual(before)
    const stored: Buffer[] = []
    for await (const chunk of await store.openRead('consul-4.snap.age')) stored.push(chunk as Buffer)
    const object = Buffer.concat(stored)
    expect(object.length).toBe(sealed.size)
    const opened = execFileSync('age', ['-d', '-i', identityFile], { input: object, maxBuffer: 64 * MiB })
    expect(createHash('sha256').update(opened).digest('hex')).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    )
    store.close()
  })
})
