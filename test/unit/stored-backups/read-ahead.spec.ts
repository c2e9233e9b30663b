import { once } from 'node:events'
import { PassThrough, Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { readAhead } from '../../../src/main/services/stored-backups/read-ahead'
import { openStoredObject } from '../../../src/main/services/stored-backups/stored-object'
import type { Destination } from '../../../src/main/services/backups/destination'

const KIB = 1024
const limits = { blockBytes: 256 * KIB, aheadBytes: 1024 * KIB }

/** Numbered bytes, so that a lost, repeated or reordered piece shows. */
function pattern(bytes: number): Buffer {
  const out = Buffer.alloc(bytes)
  for (let i = 0; i < bytes; i++) out[i] = (i * 7 + (i >> 8)) & 0xff
  return out
}

/** A network-like source: `data` in `chunk`-sized pieces, produced only as it is asked for. */
function source(data: Buffer, chunk = 64 * KIB): Readable & { produced: () => number } {
  let offset = 0
  const stream = new Readable({
    read() {
      if (offset >= data.length) {
        this.push(null)
        return
      }
      this.push(data.subarray(offset, offset + chunk))
      offset += chunk
    },
  })
  return Object.assign(stream, { produced: () => offset })
}

async function collect(pieces: AsyncIterable<Uint8Array>): Promise<Buffer[]> {
  const out: Buffer[] = []
  for await (const piece of pieces) out.push(Buffer.from(piece))
  return out
}

describe('readAhead', () => {
  it('hands on every byte in order, in pieces no larger than a block', async () => {
    const data = pattern(3 * 1024 * KIB + 123)
    const pieces = await collect(readAhead(source(data, 10_000), limits))
    expect(Buffer.concat(pieces).equals(data)).toBe(true)
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(limits.blockBytes)
  })

  it('reads ahead of a reader that is busy, up to its limit and no further', async () => {
    const data = pattern(8 * 1024 * KIB)
    const input = source(data)
    const paused = once(input, 'pause')
    const reader = readAhead(input, limits)
    await reader.next()
    // The reader holds its first piece and asks for nothing more; the download goes on alone.
    await paused
    expect(input.produced()).toBeGreaterThanOrEqual(limits.aheadBytes)
    // What the source had buffered itself when paused is at most a chunk or two.
    expect(input.produced()).toBeLessThanOrEqual(limits.aheadBytes + 2 * 64 * KIB)
    // Pieces taken later are whole blocks joined from the source's small chunks.
    const next = await reader.next()
    expect(next.value?.length).toBe(limits.blockBytes)
    await reader.return(undefined)
  })

  it('gives the reader what came before a failure, then the failure', async () => {
    const data = pattern(200 * KIB)
    const input = new PassThrough()
    input.write(data)
    const reader = readAhead(input, limits)
    const first = await reader.next()
    expect(Buffer.from(first.value as Uint8Array).equals(data)).toBe(true)
    input.destroy(new Error('connection reset by the store'))
    await expect(reader.next()).rejects.toThrow('connection reset by the store')
  })

  it('takes a source that closes before its end for a broken download, not a finished one', async () => {
    const cut = new Readable({
      read() {
        this.push(pattern(64 * KIB))
        this.destroy()
      },
    })
    await expect(collect(readAhead(cut, limits))).rejects.toMatchObject({
      code: 'ERR_STREAM_PREMATURE_CLOSE',
    })
  })

  it('ends the download when the reader stops early', async () => {
    const input = source(pattern(4 * 1024 * KIB))
    for await (const piece of readAhead(input, limits)) {
      expect(piece.length).toBeGreaterThan(0)
      break
    }
    expect(input.destroyed).toBe(true)
  })
})

describe('openStoredObject', () => {
  function storeOf(stream: Readable): Destination {
    return {
      description: 'test store',
      put: () => Promise.reject(new Error('not used')),
      list: () => Promise.reject(new Error('not used')),
      delete: () => Promise.reject(new Error('not used')),
      openRead: async () => stream,
      close: async () => undefined,
    }
  }

  it('downloads ahead of its reader instead of one socket read at a time, and hands on the same bytes', async () => {
    const data = Buffer.concat([Buffer.from([0x1f, 0x8b]), pattern(3 * 1024 * KIB)])
    const input = source(data)
    const ended = once(input, 'end')
    const object = await openStoredObject(storeOf(input), 'consul-1.snap')
    const reader = object.bytes[Symbol.asyncIterator]()
    const first = await reader.next()
    // The whole object (well under the 8 MiB read-ahead) arrives while the reader holds one piece.
    await ended
    const rest: Buffer[] = [Buffer.from(first.value as Uint8Array)]
    for (let next = await reader.next(); next.done !== true; next = await reader.next())
      rest.push(Buffer.from(next.value))
    expect(object.encrypted).toBe(false)
    expect(Buffer.concat(rest).equals(data)).toBe(true)
    expect(rest.length).toBeLessThanOrEqual(4)
  })
})
