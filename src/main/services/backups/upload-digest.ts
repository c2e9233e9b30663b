import { createHash, type Hash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'

/**
 * MD5 of a stream as it passes, whole and per fixed-size part, so an upload can be checked
 * against the ETag the store reports without reading the file twice: a single PUT's ETag is the
 * MD5 of the object, a multipart one is the MD5 of the parts' MD5s followed by "-<parts>".
 */
export class UploadDigest extends Transform {
  private readonly whole = createHash('md5')
  private part: Hash = createHash('md5')
  private partBytes = 0
  private readonly parts: Buffer[] = []
  private finished: { md5: string; multipart: string } | null = null

  constructor(private readonly partSize: number) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.whole.update(chunk)
    let offset = 0
    while (offset < chunk.length) {
      const take = Math.min(this.partSize - this.partBytes, chunk.length - offset)
      this.part.update(chunk.subarray(offset, offset + take))
      this.partBytes += take
      offset += take
      if (this.partBytes === this.partSize) this.closePart()
    }
    callback(null, chunk)
  }

  override _flush(callback: TransformCallback): void {
    if (this.partBytes > 0 || this.parts.length === 0) this.closePart()
    const combined = createHash('md5')
    for (const digest of this.parts) combined.update(digest)
    this.finished = {
      md5: this.whole.digest('hex'),
      multipart: `${combined.digest('hex')}-${this.parts.length}`,
    }
    callback()
  }

  /** Hex MD5 of everything that passed, and the multipart ETag for this part size. */
  result(): { md5: string; multipart: string } {
    if (this.finished === null) throw new Error('UploadDigest read before the stream ended')
    return this.finished
  }

  private closePart(): void {
    this.parts.push(this.part.digest())
    this.part = createHash('md5')
    this.partBytes = 0
  }
}
