import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, unlink } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { AppError } from '../../../shared/app-error'
import { goJsonString } from './inspect-format'
import { fileError } from './snapshot-errors'
import type { SnapshotMeta } from './snapshot-meta'

/**
 * Writes a snapshot archive the way Consul's own writer lays it out (docs/snapshot-format.md §1–4):
 * gzip over a USTAR tar of meta.json, state.bin and SHA256SUMS, mode 0600, each entry padded to
 * 512 bytes, then exactly two zero blocks and nothing more (Consul refuses trailing bytes).
 */
export interface ArchiveParts {
  meta: SnapshotMeta
  /** A file holding the new state.bin. */
  statePath: string
  stateBytes: number
  /** Lowercase hex SHA-256 of state.bin. */
  stateSha256: string
}

const BLOCK = 512

/** meta.json as raft's encoder writes it: compact, fields in struct order, one newline. */
export function formatMetaJson(meta: SnapshotMeta, size: number): Buffer {
  const servers = meta.servers
    .map((s) => `{"Suffrage":${s.suffrage},"ID":${goJsonString(s.id)},"Address":${goJsonString(s.address)}}`)
    .join(',')
  const peers = meta.peers === null ? 'null' : goJsonString(meta.peers)
  return Buffer.from(
    `{"Version":${meta.version},"ID":${goJsonString(meta.id)},"Index":${meta.index},"Term":${meta.term},` +
      `"Peers":${peers},"Configuration":{"Servers":[${servers}]},` +
      `"ConfigurationIndex":${meta.configurationIndex},"Size":${size}}\n`,
  )
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0'
}

/** A USTAR header with only name, mode 0600, size and time set, as Go's archive/tar writes it. */
export function tarHeader(name: string, size: number, mtimeSeconds: number): Buffer {
  const h = Buffer.alloc(BLOCK)
  h.write(name, 0, 100, 'utf8')
  h.write(octal(0o600, 8), 100, 'latin1')
  h.write(octal(0, 8), 108, 'latin1')
  h.write(octal(0, 8), 116, 'latin1')
  h.write(octal(size, 12), 124, 'latin1')
  h.write(octal(mtimeSeconds, 12), 136, 'latin1')
  h.write('        ', 148, 'latin1')
  h.write('0', 156, 'latin1')
  h.write('ustar\0', 257, 'latin1')
  h.write('00', 263, 'latin1')
  h.write(octal(0, 8), 329, 'latin1')
  h.write(octal(0, 8), 337, 'latin1')
  let sum = 0
  for (const byte of h) sum += byte
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1')
  return h
}

const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK)

async function* tarStream(parts: ArchiveParts, metaJson: Buffer, sums: Buffer): AsyncGenerator<Buffer> {
  const now = Math.round(Date.now() / 1000)
  yield tarHeader('meta.json', metaJson.length, now)
  yield metaJson
  yield padding(metaJson.length)
  yield tarHeader('state.bin', parts.stateBytes, now)
  let copied = 0
  for await (const chunk of createReadStream(parts.statePath, { highWaterMark: 1 << 20 })) {
    copied += (chunk as Buffer).length
    yield chunk as Buffer
  }
  if (copied !== parts.stateBytes)
    throw new AppError(
      'FILE_UNREADABLE',
      `The new state.bin changed while it was being archived (${copied} of ${parts.stateBytes} bytes).`,
    )
  yield padding(parts.stateBytes)
  yield tarHeader('SHA256SUMS', sums.length, now)
  yield sums
  yield padding(sums.length)
  yield Buffer.alloc(2 * BLOCK)
}

/**
 * Writes the archive to `outPath`, which must not exist yet (exclusive create, owner-only). A
 * failure removes the partial file: a half-written snapshot must never look like a backup.
 */
export async function writeSnapshotArchive(
  outPath: string,
  parts: ArchiveParts,
  signal?: AbortSignal,
): Promise<void> {
  const metaJson = formatMetaJson(parts.meta, parts.stateBytes)
  const metaSha = createHash('sha256').update(metaJson).digest('hex')
  const sums = Buffer.from(`${metaSha}  meta.json\n${parts.stateSha256}  state.bin\n`)
  let handle
  try {
    handle = await open(outPath, 'wx', 0o600)
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST')
      throw new AppError('FILE_EXISTS', `${outPath} already exists; it was left untouched.`, {
        hint: 'Choose another output file name, or remove the old file first.',
      })
    throw fileError(outPath, error)
  }
  try {
    await pipeline(
      Readable.from(tarStream(parts, metaJson, sums)),
      createGzip(),
      handle.createWriteStream(),
      { signal },
    )
  } catch (error) {
    await handle.close().catch(() => undefined)
    await unlink(outPath).catch(() => undefined)
    if (error instanceof AppError) throw error
    if (signal?.aborted)
      throw new AppError('CANCELLED', 'Writing the snapshot was cancelled; nothing was kept.')
    throw fileError(outPath, error)
  }
}
