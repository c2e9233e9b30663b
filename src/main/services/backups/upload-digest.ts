import { createHash, type Hash } from 'node:crypto'

/**
 * What an S3 upload is checked against afterwards, built from the MD5 of each part as it was
 * sent: a single PUT's ETag is the MD5 of the object (its one part), a multipart one is the MD5
 * of the parts' MD5s followed by "-<parts>". The part MD5s are computed once, on the bytes that
 * go out (they also travel as each request's Content-MD5), so nothing reads the file twice.
 */
export interface UploadDigest {
  /** Hex MD5 of the whole object when it went up as one part, else null. */
  md5: string | null
  /** `<hex MD5 of the part MD5s>-<parts>`: the multipart ETag, and what a read-back is held to. */
  multipart: string
}

/** The digest of an upload whose parts had these MD5s, in part order. */
export function uploadDigest(partMd5s: readonly Buffer[]): UploadDigest {
  const combined = createHash('md5')
  for (const digest of partMd5s) combined.update(digest)
  return {
    md5: partMd5s.length === 1 ? (partMd5s[0] as Buffer).toString('hex') : null,
    multipart: `${combined.digest('hex')}-${partMd5s.length}`,
  }
}

/**
 * The same digest for bytes read back from a store, cut into parts of `partSize` as the upload
 * cut them, so a read-back compares with what was sent without the whole object's MD5 having been
 * computed on the way up.
 */
export async function streamDigest(
  source: AsyncIterable<Uint8Array>,
  partSize: number,
): Promise<UploadDigest> {
  const parts: Buffer[] = []
  let part: Hash = createHash('md5')
  let partBytes = 0
  for await (const chunk of source) {
    let offset = 0
    while (offset < chunk.length) {
      const take = Math.min(partSize - partBytes, chunk.length - offset)
      part.update(chunk.subarray(offset, offset + take))
      partBytes += take
      offset += take
      if (partBytes === partSize) {
        parts.push(part.digest())
        part = createHash('md5')
        partBytes = 0
      }
    }
  }
  if (partBytes > 0 || parts.length === 0) parts.push(part.digest())
  return uploadDigest(parts)
}
