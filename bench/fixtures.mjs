// Benchmark inputs, cached between runs under ${XDG_CACHE_HOME:-~/.cache}/snapshot-studio/bench.
//
// kv-100mb.snap: written by a REAL Consul — ~260k KV entries of mixed sizes loaded through
//   /v1/txn, then `consul snapshot save` — so its state.bin is ≥ 100 MB of genuine records.
// kv-300mb-synthetic.snap: that state.bin's records repeated to ~300 MB (duplicates are fine for
//   reading; only the size matters), re-packed like Consul packs; used to show RSS stays flat.
// kv-100mib-value.snap: a few keys, one of them holding a 100 MiB value (a ~100 KB file): the
//   contents path must stream it rather than hold it.
import { createHash } from 'node:crypto'
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'
import { pack as tarPack } from 'tar-stream'

const BULK_KEYS = 260_000
const BULK_VALUE_BYTES = 82_000_000
const MIN_STATE_BIN = 100 * 2 ** 20
const SYNTHETIC_TARGET = 300 * 2 ** 20

/** The real-Consul KV snapshot; built (≈1–2 min) when missing from the cache. */
export async function kv100mbSnapshot(ctx) {
  const file = path.join(ctx.cacheDir, 'kv-100mb.snap')
  if (!existsSync(file)) await generateKvSnapshot(ctx, file)
  const meta = await readMeta(file)
  return { file, bytes: statSync(file).size, stateBinBytes: meta.Size, meta }
}

/** ~300 MB state.bin made by repeating the real one's records; built when missing. */
export async function kv300mbSyntheticSnapshot(ctx) {
  const file = path.join(ctx.cacheDir, 'kv-300mb-synthetic.snap')
  if (!existsSync(file)) {
    const source = await kv100mbSnapshot(ctx)
    await generateRepeatedSnapshot(ctx, source.file, file)
  }
  const meta = await readMeta(file)
  return { file, bytes: statSync(file).size, stateBinBytes: meta.Size, meta }
}

/** A small file whose state.bin holds one 100 MiB KV value between two tiny ones. */
export async function hugeValueSnapshot(ctx) {
  const file = path.join(ctx.cacheDir, 'kv-100mib-value.snap')
  if (!existsSync(file)) {
    mkdirSync(ctx.cacheDir, { recursive: true })
    const { buildStateBin, chunkingStateRecord, kvsRecord, writeSnapshotFile } = await ctx.importTs(
      'test/support/state-bin-writer.ts',
    )
    const stateBin = buildStateBin(10, [
      kvsRecord({ key: 'a', value: 'first' }),
      kvsRecord({ key: 'huge', value: Buffer.alloc(100 * 2 ** 20, 0x61) }),
      kvsRecord({ key: 'z', value: 'last' }),
      chunkingStateRecord(),
    ])
    await writeSnapshotFile(`${file}.part`, stateBin)
    renameSync(`${file}.part`, file)
  }
  const meta = await readMeta(file)
  return { file, bytes: statSync(file).size, stateBinBytes: meta.Size, meta }
}

async function generateKvSnapshot(ctx, file) {
  mkdirSync(path.dirname(file), { recursive: true })
  const { startConsulAgent, runConsul } = await ctx.importTs('test/support/consul-agent.ts')
  const { populateBulkKv } = await ctx.importTs('test/support/consul-populate.ts')
  ctx.log(`generating ${file}: ${BULK_KEYS} keys through a real Consul (about a minute)`)
  const agent = await startConsulAgent()
  const partial = `${file}.partial`
  try {
    const t0 = performance.now()
    const loaded = await populateBulkKv(agent, { keys: BULK_KEYS, approxBytes: BULK_VALUE_BYTES })
    ctx.log(
      `loaded ${loaded.keys} keys (${(loaded.valueBytes / 2 ** 20).toFixed(1)} MiB of values) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    )
    rmSync(partial, { force: true })
    const save = await runConsul([
      'snapshot',
      'save',
      `-http-addr=${agent.httpAddr}`,
      `-token=${agent.token}`,
      partial,
    ])
    if (save.code !== 0) throw new Error(`consul snapshot save failed: ${save.stderr}`)
  } finally {
    await agent.stop()
  }
  const meta = await readMeta(partial)
  if (meta.Size < MIN_STATE_BIN)
    throw new Error(`generated state.bin is only ${meta.Size} bytes (< ${MIN_STATE_BIN})`)
  renameSync(partial, file)
  ctx.log(
    `state.bin ${(meta.Size / 2 ** 20).toFixed(1)} MiB, file ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`,
  )
}

async function generateRepeatedSnapshot(ctx, sourceFile, file) {
  const { readSnapshotParts, stateHeaderLength, EMPTY_CHUNKING_STATE, withMetaSize } = await ctx.importTs(
    'test/support/consul-snapshot-craft.ts',
  )
  const { meta, stateBin } = await readSnapshotParts(sourceFile)
  const header = stateBin.subarray(0, stateHeaderLength(stateBin))
  const body = stateBin.subarray(header.length, stateBin.length - EMPTY_CHUNKING_STATE.length)
  if (!stateBin.subarray(stateBin.length - EMPTY_CHUNKING_STATE.length).equals(EMPTY_CHUNKING_STATE)) {
    throw new Error('source state.bin does not end with ChunkingState')
  }
  const copies = Math.ceil((SYNTHETIC_TARGET - header.length) / body.length)
  const size = header.length + copies * body.length + EMPTY_CHUNKING_STATE.length
  ctx.log(`generating ${file}: the source records ${copies}x, state.bin ${(size / 2 ** 20).toFixed(1)} MiB`)

  const metaBytes = withMetaSize(meta, size)
  const stateHash = createHash('sha256')
  const metaHash = createHash('sha256').update(metaBytes).digest('hex')
  const partial = `${file}.partial`
  const pack = tarPack()
  const mtime = new Date(Math.round(Date.now() / 1000) * 1000)
  const written = pipeline(pack, createGzip({ level: 1 }), createWriteStream(partial))

  pack.entry({ name: 'meta.json', size: metaBytes.length, mode: 0o600, mtime }, metaBytes)
  await new Promise((resolve, reject) => {
    const entry = pack.entry({ name: 'state.bin', size, mode: 0o600, mtime }, (err) =>
      err ? reject(err) : resolve(),
    )
    const chunks = [header, ...Array.from({ length: copies }, () => body), EMPTY_CHUNKING_STATE]
    let i = 0
    const pump = () => {
      while (i < chunks.length) {
        const chunk = chunks[i++]
        stateHash.update(chunk)
        if (!entry.write(chunk)) return entry.once('drain', pump)
      }
      entry.end()
    }
    pump()
  })
  const sums = Buffer.from(`${metaHash}  meta.json\n${stateHash.digest('hex')}  state.bin\n`)
  pack.entry({ name: 'SHA256SUMS', size: sums.length, mode: 0o600, mtime }, sums)
  pack.finalize()
  await written
  renameSync(partial, file)
}

/** meta.json of a .snap: Consul writes it first, so only the first few KiB are decompressed. */
export async function readMeta(file) {
  const gunzip = createGunzip()
  const input = createReadStream(file)
  input.pipe(gunzip)
  let buf = Buffer.alloc(0)
  try {
    for await (const chunk of gunzip) {
      buf = Buffer.concat([buf, chunk])
      if (buf.length >= 512) {
        const name = buf.toString('latin1', 0, 100).replace(/\0.*$/s, '')
        const size = parseInt(buf.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim(), 8)
        if (name !== 'meta.json') throw new Error(`${file}: first entry is ${name}, not meta.json`)
        if (buf.length >= 512 + size) return JSON.parse(buf.toString('utf8', 512, 512 + size))
      }
    }
  } finally {
    input.destroy()
    gunzip.destroy()
  }
  throw new Error(`${file}: no meta.json`)
}
