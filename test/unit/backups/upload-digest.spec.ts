import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { streamDigest, uploadDigest } from '../../../src/main/services/backups/upload-digest'

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest()

/** `bytes` handed out in pieces of the given sizes, as a network body would. */
async function* pieces(bytes: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let at = 0
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number
    yield bytes.subarray(at, at + size)
    at += size
  }
}

describe('the digest an S3 upload is checked against', () => {
  it('is the MD5 of the object for one part, and the MD5 of the part MD5s with their count for several', () => {
    const one = randomBytes(1000)
    expect(uploadDigest([md5(one)])).toEqual({
      md5: md5(one).toString('hex'),
      multipart: `${md5(md5(one)).toString('hex')}-1`,
    })
    const [a, b] = [randomBytes(64), randomBytes(10)]
    expect(uploadDigest([md5(a), md5(b)])).toEqual({
      md5: null,
      multipart: `${md5(Buffer.concat([md5(a), md5(b)])).toString('hex')}-2`,
    })
  })

  it('reads back to the same digest whatever sizes the bytes arrive in', async () => {
    const bytes = randomBytes(3 * 1024 + 17)
    const sent = uploadDigest([
      md5(bytes.subarray(0, 1024)),
      md5(bytes.subarray(1024, 2048)),
      md5(bytes.subarray(2048, 3072)),
      md5(bytes.subarray(3072)),
    ])
    expect(await streamDigest(pieces(bytes, [1]), 1024)).toEqual(sent)
    expect(await streamDigest(pieces(bytes, [1000, 3000, 7]), 1024)).toEqual(sent)
    expect(await streamDigest(pieces(bytes, [bytes.length]), 1024)).toEqual(sent)
    const changed = Buffer.from(bytes)
    changed.writeUInt8(changed.readUInt8(2500) ^ 1, 2500)
    expect((await streamDigest(pieces(changed, [4096]), 1024)).multipart).not.toBe(sent.multipart)
  })

  it('gives an empty object the digest of one empty part', async () => {
    expect(await streamDigest(pieces(Buffer.alloc(0), [1]), 1024)).toEqual(
      uploadDigest([md5(Buffer.alloc(0))]),
    )
  })
})
