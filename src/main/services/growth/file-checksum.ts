import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { ByteProgress } from '../../../shared/progress'

/** SHA-256 of a file in lowercase hex, streamed: the key its statistics are cached under. */
export async function sha256OfFile(
  path: string,
  options: { signal?: AbortSignal; onProgress?: (progress: ByteProgress) => void; totalBytes?: number } = {},
): Promise<string> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of createReadStream(path, { signal: options.signal, highWaterMark: 1024 * 1024 })) {
    const buffer = chunk as Buffer
    hash.update(buffer)
    bytes += buffer.length
    options.onProgress?.({ bytes, totalBytes: options.totalBytes ?? null })
  }
  return hash.digest('hex')
}
