// Takes a snapshot written by a real Consul apart and puts it back together with changes: extra
// records a v1.14 agent never writes, a corrupted byte, a missing end. The repacked archive is
// exactly what Consul's own writer would produce for that content (fresh meta Size and
// SHA256SUMS, three USTAR entries, no padding after the end-of-archive blocks).
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { Writable } from 'node:stream'
import { createGunzip, gzipSync } from 'node:zlib'
import { extract as tarExtract, pack as tarPack } from 'tar-stream'
import { encodeGo, type GoValue } from './state-bin-writer'

export interface SnapshotParts {
  /** meta.json bytes as stored (one line of JSON and a newline) */
  meta: Buffer
  stateBin: Buffer
  /** entry names in archive order */
  order: string[]
}

/** Reads a `.snap` fully into memory (test-sized files only). */
export async function readSnapshotParts(file: string): Promise<SnapshotParts> {
  const files = new Map<string, Buffer>()
  const order: string[] = []
  const extract = tarExtract()
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = []
    stream.on('data', (c: unknown) => chunks.push(c as Buffer))
    stream.on('end', () => {
      files.set(header.name, Buffer.concat(chunks))
      order.push(header.name)
      next()
    })
    stream.resume()
  })
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve)
    extract.on('error', reject)
  })
  await pipeline(createReadStream(file), createGunzip(), extract as unknown as Writable)
  await done
  const meta = files.get('meta.json')
  const stateBin = files.get('state.bin')
  if (!meta || !stateBin) throw new Error(`${file} lacks meta.json or state.bin`)
  return { meta, stateBin, order }
}

/** meta.json with `Size` replaced, every other field and its order kept. */
export function withMetaSize(meta: Buffer, size: number): Buffer {
  const text = meta.toString('utf8')
  const replaced = text.replace(/"Size":\d+/, `"Size":${size}`)
  if (replaced === text && !text.includes(`"Size":${size}`)) throw new Error('meta.json has no Size field')
  return Buffer.from(replaced, 'utf8')
}

export interface PackOptions {
  meta: Buffer
  stateBin: Buffer
  /** make SHA256SUMS describe this state.bin instead, for integrity-failure tests */
  sumsFor?: Buffer
  /** tar entry order (Consul reads any order); default meta.json, state.bin, SHA256SUMS */
  order?: Array<'meta.json' | 'state.bin' | 'SHA256SUMS'>
  /** list state.bin before meta.json in SHA256SUMS (Go writes them in map order, so either) */
  stateBinSumFirst?: boolean
  /** split the tar into this many gzip members (Go's reader treats them as one stream) */
  gzipMembers?: number
}

/** Packs meta.json + state.bin + SHA256SUMS like Consul: USTAR, mode 0600, no trailing padding. */
export async function packSnapshot(parts: PackOptions): Promise<Buffer> {
  const meta = withMetaSize(parts.meta, parts.stateBin.length)
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
  const sumLines = [`${sha(meta)}  meta.json\n`, `${sha(parts.sumsFor ?? parts.stateBin)}  state.bin\n`]
  const sums = Buffer.from((parts.stateBinSumFirst ? sumLines.reverse() : sumLines).join(''))
  const bodies = { 'meta.json': meta, 'state.bin': parts.stateBin, SHA256SUMS: sums }
  const order = parts.order ?? ['meta.json', 'state.bin', 'SHA256SUMS']
  const tar = tarPack()
  const chunks: Buffer[] = []
  tar.on('data', (chunk: unknown) => chunks.push(chunk as Buffer))
  const done = new Promise<void>((resolve, reject) => {
    tar.on('end', resolve)
    tar.on('error', reject)
  })
  const mtime = new Date(Math.round(Date.now() / 1000) * 1000)
  for (const name of order) {
    const body = bodies[name]
    tar.entry({ name, size: body.length, mode: 0o600, mtime, uid: 0, gid: 0 }, body)
  }
  tar.finalize()
  await done
  const tarBytes = Buffer.concat(chunks)
  const members = Math.max(1, parts.gzipMembers ?? 1)
  const step = Math.ceil(tarBytes.length / members)
  const gz: Buffer[] = []
  for (let at = 0; at < tarBytes.length; at += step) gz.push(gzipSync(tarBytes.subarray(at, at + step)))
  return Buffer.concat(gz)
}

/** One state.bin record: the type byte then the msgpack value, encoded like Go. */
export function encodeRecord(type: number, value: GoValue): Buffer {
  return Buffer.concat([Buffer.from([type]), encodeGo(value)])
}

/** The ChunkingState record every CE snapshot ends with: `1d 81 a8 "ChunkMap" 80`. */
export const EMPTY_CHUNKING_STATE = Buffer.from('1d81a84368756e6b4d617080', 'hex')

/** Inserts records right before the trailing ChunkingState record (where newer writers put theirs). */
export function insertBeforeChunkingState(stateBin: Buffer, records: Buffer[]): Buffer {
  const tail = stateBin.subarray(stateBin.length - EMPTY_CHUNKING_STATE.length)
  if (!tail.equals(EMPTY_CHUNKING_STATE)) {
    throw new Error('state.bin does not end with an empty ChunkingState record')
  }
  return Buffer.concat([stateBin.subarray(0, stateBin.length - tail.length), ...records, tail])
}

/** Byte length of the FSM header `{LastIndex: uint}` at the start of a state.bin. */
export function stateHeaderLength(stateBin: Buffer): number {
  // fixmap(1), fixstr(9) "LastIndex", then one unsigned integer in its smallest form.
  if (stateBin[0] !== 0x81 || stateBin[1] !== 0xa9 || stateBin.toString('latin1', 2, 11) !== 'LastIndex') {
    throw new Error('state.bin does not start with the {LastIndex} header')
  }
  const marker = stateBin[11]!
  if (marker <= 0x7f) return 12
  const widths: Record<number, number> = { 0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8 }
  const width = widths[marker]
  if (width === undefined) throw new Error(`unexpected LastIndex encoding 0x${marker.toString(16)}`)
  return 12 + width
}
