// kv-export keeps its text until the archive has verified: in memory up to a budget, then in a
// working file. What it prints must not depend on where the text waited.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ExportTextStore } from '../../../../src/main/services/snapshot/catalogue/export-text-store'
import { KvExportText } from '../../../../src/main/services/snapshot/catalogue/kv-export-writer'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'export-text-store-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A builder holding one entry whose value has `length` bytes, and a copy of its text. */
function entry(index: number, length: number): { text: KvExportText; bytes: Buffer } {
  const make = (): KvExportText => {
    const text = new KvExportText()
    const key = Buffer.from(`key/${index}`)
    text.entryHead(index === 0, key, 0, key.length, BigInt(index))
    text.valueBytes(Buffer.alloc(length, index), 0, length)
    text.entryTail()
    return text
  }
  return { text: make(), bytes: Buffer.from(make().take()) }
}

async function printed(store: ExportTextStore): Promise<Buffer> {
  const chunks: Buffer[] = []
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk))
      done()
    },
  })
  await store.seal()
  await store.copyTo(out, undefined)
  return Buffer.concat(chunks)
}

describe('ExportTextStore', () => {
  it('keeps text within its budget in memory, with no working file', async () => {
    const store = new ExportTextStore(10_000, dir)
    const pieces = [entry(0, 1000), entry(1, 2000), entry(2, 10)]
    for (const piece of pieces) store.add(piece.text)
    expect(readdirSync(dir)).toEqual([])
    expect(store.size).toBe(pieces.reduce((n, p) => n + p.bytes.length, 0))
    expect(await printed(store)).toEqual(Buffer.concat(pieces.map((p) => p.bytes)))
    await store.remove()
  })

  it('puts what passes its budget in a working file, prints it all in order, and removes the file', async () => {
    const store = new ExportTextStore(5_000, dir)
    const pieces = Array.from({ length: 8 }, (_, i) => entry(i, 1500 + i))
    for (const piece of pieces) store.add(piece.text)
    expect(readdirSync(dir)).toHaveLength(1)
    expect(await printed(store)).toEqual(Buffer.concat(pieces.map((p) => p.bytes)))
    await store.remove()
    expect(readdirSync(dir)).toEqual([])
  })

  it.each([
    ['inside the file', 6],
    ['at the end of memory', 2],
    ['inside memory', 1],
    ['to nothing', 0],
  ])('takes text back %s, and what is added next follows what is left', async (_where, keep) => {
    const store = new ExportTextStore(5_000, dir)
    const pieces = Array.from({ length: 8 }, (_, i) => entry(i, 1500))
    for (const piece of pieces) store.add(piece.text)
    const kept = Buffer.concat(pieces.slice(0, keep).map((p) => p.bytes))
    // a cut inside the last kept piece, where it falls between memory and file
    const cut = keep === 1 ? kept.length - 7 : kept.length
    store.truncate(cut)
    expect(store.size).toBe(cut)
    const next = entry(9, 100)
    store.add(next.text)
    expect(await printed(store)).toEqual(Buffer.concat([kept.subarray(0, cut), next.bytes]))
    await store.remove()
  })
})
