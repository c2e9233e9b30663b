import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import type { VerifiedArchive, VerifySnapshotStream } from '../../../src/main/services/consul/snapshot-engine'
import { VerificationFeed } from '../../../src/main/services/consul/verification-feed'

const ARCHIVE: VerifiedArchive = {
  meta: { id: '2-10-1', index: 10, term: 2, version: 1, size: 0 },
  stats: [],
  totalSize: 0,
  enterpriseTypes: [],
}
const MiB = 1024 * 1024

/** A verifier driven by the test: it takes a chunk each time `take` is called. */
function steppedVerifier(): { verify: VerifySnapshotStream; take: () => Promise<Uint8Array | null> } {
  let iterator: AsyncIterator<Uint8Array> | undefined
  let finish: (archive: VerifiedArchive) => void = () => undefined
  const verify: VerifySnapshotStream = (source) => {
    iterator = source[Symbol.asyncIterator]()
    return new Promise((resolve) => (finish = resolve))
  }
  const take = async (): Promise<Uint8Array | null> => {
    const next = await (iterator as AsyncIterator<Uint8Array>).next()
    if (next.done) finish(ARCHIVE)
    return next.done ? null : next.value
  }
  return { verify, take }
}

const stateOf = (promise: Promise<unknown>): Promise<'settled' | 'pending'> =>
  Promise.race([promise.then(() => 'settled' as const), Promise.resolve('pending' as const)])

describe('VerificationFeed', () => {
  it('hands the verifier the very chunks that were pushed, in order, then its verdict', async () => {
    const { verify, take } = steppedVerifier()
    const feed = new VerificationFeed(verify, {})
    const chunks = [Buffer.from('one'), Buffer.from('two'), Buffer.from('three')]
    for (const chunk of chunks) expect(feed.push(chunk)).toBeUndefined()
    const verdict = feed.finish()

    const taken = [await take(), await take(), await take(), await take()]

    // The same objects: nothing joined or copied on the way.
    expect(taken[0]).toBe(chunks[0])
    expect(taken[1]).toBe(chunks[1])
    expect(taken[2]).toBe(chunks[2])
    expect(taken[3]).toBeNull()
    await expect(verdict).resolves.toBe(ARCHIVE)
  })

  it('holds the download once the verifier is 4 MiB behind, and lets it go as the verifier catches up', async () => {
    const { verify, take } = steppedVerifier()
    const feed = new VerificationFeed(verify, {})
    for (let i = 0; i < 4; i++) expect(feed.push(new Uint8Array(MiB))).toBeUndefined()

    const held = feed.push(new Uint8Array(MiB)) as Promise<void>

    expect(held).toBeInstanceOf(Promise)
    expect(await stateOf(held)).toBe('pending')
    await take()
    await expect(held).resolves.toBeUndefined()
  })

  it('fails the next push with the verifier\u2019s own error once it has refused the bytes', async () => {
    const refused = new AppError('SNAPSHOT_GZIP_CORRUPT', 'The gzip data is corrupt.')
    const verify: VerifySnapshotStream = async (source) => {
      for await (const chunk of source) if (chunk.length > 0) throw refused
      return ARCHIVE
    }
    const feed = new VerificationFeed(verify, {})
    feed.push(Buffer.from('not gzip'))
    await expect(feed.finish()).rejects.toBe(refused)

    await expect(feed.push(Buffer.from('more'))).rejects.toBe(refused)
  })

  it('lets a verifier that gives up mid-download finish without waiting for more bytes', async () => {
    const refused = new AppError('SNAPSHOT_STATE_INVALID', 'The state is invalid.')
    let gaveUp: () => void = () => undefined
    const finishedAlone = new Promise<void>((resolve) => (gaveUp = resolve))
    const verify: VerifySnapshotStream = async (source) => {
      const iterator = source[Symbol.asyncIterator]()
      await iterator.next()
      // A pipeline that fails tears its source down while a read is outstanding.
      const outstanding = iterator.next()
      await iterator.return?.()
      await outstanding
      gaveUp()
      throw refused
    }
    const feed = new VerificationFeed(verify, {})
    feed.push(Buffer.from('first'))

    // Nothing else is pushed and the feed is not finished: the verifier must still get through.
    await finishedAlone
    await expect(feed.push(Buffer.from('late'))).rejects.toBe(refused)
  })

  it('ends the verification when the download breaks, without reporting the verifier\u2019s reaction', async () => {
    let sawEnd: unknown
    const verify: VerifySnapshotStream = async (source) => {
      try {
        for await (const chunk of source) void chunk
        return ARCHIVE
      } catch (error) {
        sawEnd = error
        throw error
      }
    }
    const feed = new VerificationFeed(verify, {})
    feed.push(Buffer.from('partial'))

    feed.abort()

    await expect(feed.push(Buffer.from('after'))).rejects.toBeInstanceOf(Error)
    expect(sawEnd).toBeInstanceOf(Error)
  })
})
