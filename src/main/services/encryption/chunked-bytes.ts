/**
 * Cutting a byte stream into the pieces the age format is made of: a prefix whose end the caller
 * recognises (the header, the payload nonce), then fixed-size chunks. Sources hand out bytes in
 * whatever sizes they like (64 KiB from a file, anything from a network body); nothing here holds
 * more than a chunk and the piece that completes the next one.
 */

import { takeFront } from '../streams/byte-queue'

/** A fixed-size piece of the stream and whether the stream ends with it. */
export interface Block {
  bytes: Buffer
  last: boolean
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
}

/**
 * Reads from `source` until `end(buffered)` names where the prefix ends, or the source ends
 * (`complete: false`, with whatever was read). `end` sees everything read so far each time a
 * piece arrives and answers the prefix length or null. `rest` is what was read past the prefix.
 */
export async function readPrefix(
  source: AsyncIterator<Uint8Array>,
  end: (buffered: Buffer) => number | null,
): Promise<{ prefix: Buffer; rest: Buffer; complete: boolean }> {
  let buffered: Buffer = Buffer.alloc(0)
  for (;;) {
    const at = end(buffered)
    if (at !== null) return { prefix: buffered.subarray(0, at), rest: buffered.subarray(at), complete: true }
    const next = await source.next()
    if (next.done === true) return { prefix: buffered, rest: Buffer.alloc(0), complete: false }
    buffered = buffered.length === 0 ? asBuffer(next.value) : Buffer.concat([buffered, next.value])
  }
}

/** `head`, then the rest of `source`: the bytes a prefix reader read past its prefix come first. */
export async function* resumed(head: Buffer, source: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    if (head.length > 0) yield head
    for (;;) {
      const next = await source.next()
      if (next.done === true) return
      yield next.value
    }
  } finally {
    await source.return?.()
  }
}

/**
 * Cuts `source` into blocks of exactly `size` bytes; the final block may be shorter, and is empty
 * only when the whole stream was. Each block says whether it is the last. A full block is held
 * back until a byte after it arrives or the source ends, because age marks its final chunk and a
 * stream that ends on a block boundary cannot be told apart from one that goes on until then.
 * Blocks are views of the source's buffers where a source piece covers them (Node streams never
 * reuse a buffer they handed out), copies where they span pieces.
 */
export async function* fixedBlocks(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Block> {
  const pieces: Buffer[] = []
  let buffered = 0
  let held: Buffer | null = null

  const take = (): Buffer => {
    buffered -= size
    return takeFront(pieces, size)
  }

  for await (const chunk of source) {
    if (chunk.length === 0) continue
    pieces.push(asBuffer(chunk))
    buffered += chunk.length
    // A held block is not the last once any byte follows it.
    if (held !== null) {
      yield { bytes: held, last: false }
      held = null
    }
    while (buffered >= size) {
      const block = take()
      if (buffered > 0) yield { bytes: block, last: false }
      else held = block
    }
  }
  if (held !== null) {
    yield { bytes: held, last: true }
    return
  }
  yield { bytes: buffered === 0 ? Buffer.alloc(0) : Buffer.concat(pieces, buffered), last: true }
}
