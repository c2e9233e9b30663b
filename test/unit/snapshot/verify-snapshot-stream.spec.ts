import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { verifySnapshot, verifySnapshotStream } from '../../../src/main/services/snapshot'
import { buildSnapshot } from '../../support/snapshot-builder'

const dir = mkdtempSync(join(tmpdir(), 'verify-stream-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Delivers bytes in small pieces, as a network body does, and records how far it was read. */
function chunked(bytes: Uint8Array, size = 7): AsyncIterable<Uint8Array> & { taken: number } {
  const source = {
    taken: 0,
    async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
      for (let offset = 0; offset < bytes.length; offset += size) {
        const piece = bytes.subarray(offset, offset + size)
        source.taken += piece.length
        yield piece
      }
    },
  }
  return source
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  )
  if (error instanceof AppError) return error
  throw error
}

describe('verifySnapshotStream', () => {
  it('gives the same verdict for an archive arriving in pieces as verifySnapshot gives for the file', async () => {
    const archive = buildSnapshot()
    const path = join(dir, 'valid.snap')
    writeFileSync(path, archive)
    const progress: number[] = []

    const streamed = await verifySnapshotStream(chunked(archive), {
      onProgress: (p) => progress.push(p.bytes),
    })
    const fromFile = await verifySnapshot(path)

    expect(streamed).toEqual(fromFile)
    expect(streamed.archiveBytes).toBe(archive.length)
    expect(progress.at(-1)).toBe(archive.length)
  })

  it('accepts a Readable as the source', async () => {
    const archive = buildSnapshot()
    await expect(verifySnapshotStream(Readable.from([archive]))).resolves.toMatchObject({
      integrity: { verified: true },
    })
  })

  it('reports a stream that ends before the archive does as truncated', async () => {
    const archive = buildSnapshot()
    const error = await failure(
      verifySnapshotStream(chunked(archive.subarray(0, Math.floor(archive.length / 2)))),
    )
    expect(error.code).toBe('SNAPSHOT_TRUNCATED')
  })

  it('reports an empty stream as an empty snapshot, naming the source', async () => {
    const error = await failure(verifySnapshotStream(chunked(Buffer.alloc(0)), { label: 'the download' }))
    expect(error.code).toBe('SNAPSHOT_EMPTY')
    expect(error.message).toContain('the download')
  })

  it('rejects bytes that are not gzip from their first chunk, without reading the rest', async () => {
    const source = chunked(Buffer.concat([Buffer.from('{"not": "a snapshot"}'), Buffer.alloc(1 << 20)]), 1024)
    const error = await failure(verifySnapshotStream(source))
    expect(error.code).toBe('SNAPSHOT_NOT_GZIP')
    expect(source.taken).toBeLessThan(1 << 20)
  })

  it('finds a checksum mismatch as the file check does', async () => {
    const archive = buildSnapshot({ sums: `${'0'.repeat(64)}  meta.json\n${'0'.repeat(64)}  state.bin\n` })
    const error = await failure(verifySnapshotStream(chunked(archive)))
    expect(error.code).toBe('SNAPSHOT_CHECKSUM_MISMATCH')
  })

  it('reports a failing source as an error and stops', async () => {
    const archive = buildSnapshot()
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield archive.subarray(0, 600)
      throw new Error('connection reset')
    }
    const error = await verifySnapshotStream(broken()).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AppError)
  })

  it('is cancelled by its signal', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = await failure(verifySnapshotStream(chunked(buildSnapshot()), { signal: controller.signal }))
    expect(error.code).toBe('CANCELLED')
  })
})
