// Large KV snapshots for memory specs and benchmarks, written as a stream: the records go to a
// state.bin on disk (never a whole Buffer), which is then packed with meta.json and SHA256SUMS and
// gzipped like Consul packs it. Two variants of the same key space differ in a known way, so a
// comparison of them has one right answer: every 1000th key changed, every 2000th (from 1)
// removed, one key added after every 2000th (from 3).
import { createHash } from 'node:crypto'
import {
  closeSync,
  createReadStream,
  createWriteStream,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { pack as tarPack } from 'tar-stream'
import { chunkingStateRecord, encodeGo, kvsRecord } from './state-bin-writer'

export interface GeneratedKvOptions {
  keys: number
  valueBytes: number
  variant: 'before' | 'after'
}

export interface GeneratedKvDiff {
  added: number
  removed: number
  changed: number
}

const changedAt = (i: number): boolean => i % 1000 === 0
const removedAt = (i: number): boolean => i % 2000 === 1
const addedAfter = (i: number): boolean => i % 2000 === 3
const keyOf = (i: number): string => `gen/${String(i).padStart(9, '0')}`

/** What comparing the 'before' variant with the 'after' one must report for KV. */
export function expectedKvDiff(keys: number): GeneratedKvDiff {
  const out = { added: 0, removed: 0, changed: 0 }
  for (let i = 0; i < keys; i++) {
    if (removedAt(i)) out.removed++
    else if (changedAt(i)) out.changed++
    if (addedAfter(i)) out.added++
  }
  return out
}

/** Writes the variant to `file` (a `.snap`); returns the size of its state.bin. */
export async function writeGeneratedKvSnapshot(file: string, options: GeneratedKvOptions): Promise<number> {
  const statePath = `${file}.state.tmp`
  const fd = openSync(statePath, 'w', 0o600)
  const hash = createHash('sha256')
  let size = 0
  let pending: Buffer[] = []
  let pendingBytes = 0
  const flush = (): void => {
    const chunk = Buffer.concat(pending)
    hash.update(chunk)
    for (let done = 0; done < chunk.length;) done += writeSync(fd, chunk, done)
    size += chunk.length
    pending = []
    pendingBytes = 0
  }
  const emit = (bytes: Buffer): void => {
    pending.push(bytes)
    pendingBytes += bytes.length
    if (pendingBytes >= 4 << 20) flush()
  }
  const record = (type: number, encoded: Buffer): void => {
    emit(Buffer.from([type]))
    emit(encoded)
  }
  const after = options.variant === 'after'
  const filler = Buffer.alloc(options.valueBytes, 'consul snapshot studio value ')
  const value = (i: number, mark: string): Buffer => {
    const v = Buffer.from(filler)
    v.write(`${i}:${mark}:`, 0)
    return v
  }
  try {
    emit(encodeGo({ LastIndex: options.keys + 10 }))
    for (let i = 0; i < options.keys; i++) {
      if (!(after && removedAt(i))) {
        const mark = after && changedAt(i) ? 'changed' : 'same'
        const kv = kvsRecord({ key: keyOf(i), value: value(i, mark), createIndex: 5, modifyIndex: 5 })
        record(kv.type, encodeGo(kv.value))
      }
      if (after && addedAfter(i)) {
        const kv = kvsRecord({ key: `${keyOf(i)}-new`, value: value(i, 'new'), createIndex: 7 })
        record(kv.type, encodeGo(kv.value))
      }
    }
    const end = chunkingStateRecord()
    record(end.type, encodeGo(end.value))
    flush()
  } finally {
    closeSync(fd)
  }

  const meta = Buffer.from(
    JSON.stringify({
      Version: 1,
      ID: `2-${options.keys + 10}-1700000000000`,
      Index: options.keys + 10,
      Term: 2,
      Peers: 'ka8xMjcuMC4wLjE6ODMwMA==',
      Configuration: { Servers: [] },
      ConfigurationIndex: 1,
      Size: size,
    }) + '\n',
  )
  const metaSum = createHash('sha256').update(meta).digest('hex')
  const sums = Buffer.from(`${metaSum}  meta.json\n${hash.digest('hex')}  state.bin\n`)
  const partial = `${file}.partial`
  const tar = tarPack()
  const written = pipeline(tar, createGzip({ level: 1 }), createWriteStream(partial))
  const mtime = new Date(1_700_000_000_000)
  try {
    tar.entry({ name: 'meta.json', size: meta.length, mode: 0o600, mtime }, meta)
    await new Promise<void>((resolve, reject) => {
      const entry = tar.entry({ name: 'state.bin', size, mode: 0o600, mtime }, (error) =>
        error ? reject(error) : resolve(),
      )
      createReadStream(statePath).on('error', reject).pipe(entry)
    })
    tar.entry({ name: 'SHA256SUMS', size: sums.length, mode: 0o600, mtime }, sums)
    tar.finalize()
    await written
    renameSync(partial, file)
  } finally {
    rmSync(statePath, { force: true })
    rmSync(partial, { force: true })
  }
  return size
}
