import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'

/**
 * Writes valid and deliberately broken Consul snapshot archives for tests: hand-made USTAR
 * headers exactly as Go's archive/tar writes them (docs/snapshot-format.md §3), two end blocks and no padding, gzip
 * via zlib. Every knob exists to break one rule at a time.
 */

/** The spec's worked example (6.2): LastIndex 13, KV foo=bar, Index kvs=13, ChunkingState. */
export const WORKED_EXAMPLE_STATE_BIN = Buffer.from(
  '81a94c617374496e6465780d0287ab437265617465496e6465780ca5466c61677300a34b6579a3666f6fa94c6f636b496e64657800ab4d6f64696679496e6465780da753657373696f6ea0a556616c7565a3626172108' +
    '2a34b6579a36b7673a556616c75650d1d81a84368756e6b4d617080',
  'hex',
)

export interface TarEntryInput {
  name: string
  data: Uint8Array
  typeflag?: string
  /** USTAR prefix field (the name becomes prefix/name). */
  prefix?: string
}

export function ustarHeader(entry: {
  name: string
  size: number
  typeflag?: string
  prefix?: string
}): Buffer {
  const h = Buffer.alloc(512)
  h.write(entry.name, 0, 100, 'utf8')
  h.write('0000600\0', 100, 'latin1')
  h.write('0000000\0', 108, 'latin1')
  h.write('0000000\0', 116, 'latin1')
  h.write(entry.size.toString(8).padStart(11, '0') + '\0', 124, 'latin1')
  h.write((1_700_000_000).toString(8).padStart(11, '0') + '\0', 136, 'latin1')
  h.write(entry.typeflag ?? '0', 156, 'latin1')
  h.write('ustar\u000000', 257, 'latin1')
  h.write('0000000\0', 329, 'latin1')
  h.write('0000000\0', 337, 'latin1')
  if (entry.prefix) h.write(entry.prefix, 345, 155, 'utf8')
  h.fill(0x20, 148, 156)
  let sum = 0
  for (const b of h) sum += b
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1')
  return h
}

export function tarArchive(
  entries: TarEntryInput[],
  options: { endBlocks?: number; trailing?: Uint8Array } = {},
): Buffer {
  const parts: Buffer[] = []
  for (const entry of entries) {
    parts.push(
      ustarHeader({
        name: entry.name,
        size: entry.data.length,
        typeflag: entry.typeflag,
        prefix: entry.prefix,
      }),
    )
    parts.push(Buffer.from(entry.data))
    const pad = (512 - (entry.data.length % 512)) % 512
    parts.push(Buffer.alloc(pad))
  }
  parts.push(Buffer.alloc(512 * (options.endBlocks ?? 2)))
  if (options.trailing) parts.push(Buffer.from(options.trailing))
  return Buffer.concat(parts)
}

export const sha256Hex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

export function metaJson(stateBin: Uint8Array, overrides: Record<string, unknown> = {}): Buffer {
  const meta = {
    Version: 1,
    ID: '2-13-1602222343947',
    Index: 13,
    Term: 2,
    Peers: 'ka4xMjcuMC4wLjE6ODMwMA==',
    Configuration: {
      Servers: [{ Suffrage: 0, ID: 'a577b288-b354-770e-e909-da0972eb20e8', Address: '127.0.0.1:8300' }],
    },
    ConfigurationIndex: 1,
    Size: stateBin.length,
    ...overrides,
  }
  return Buffer.from(JSON.stringify(meta) + '\n')
}

export interface SnapshotParts {
  stateBin?: Uint8Array
  /** meta.json bytes; defaults to metaJson(stateBin). */
  meta?: Uint8Array
  /** SHA256SUMS text; null leaves the entry out. Defaults to correct digests. */
  sums?: string | null
  /** Replace the entry list entirely (after meta/state/sums are computed). */
  entries?: (defaults: {
    meta: TarEntryInput
    state: TarEntryInput
    sums: TarEntryInput | null
  }) => TarEntryInput[]
  tarTrailing?: Uint8Array
  endBlocks?: number
}

export function snapshotTar(parts: SnapshotParts = {}): Buffer {
  const stateBin = parts.stateBin ?? WORKED_EXAMPLE_STATE_BIN
  const meta = parts.meta ?? metaJson(stateBin)
  const sums =
    parts.sums === undefined
      ? `${sha256Hex(meta)}  meta.json\n${sha256Hex(stateBin)}  state.bin\n`
      : parts.sums
  const defaults = {
    meta: { name: 'meta.json', data: meta },
    state: { name: 'state.bin', data: stateBin },
    sums: sums === null ? null : { name: 'SHA256SUMS', data: Buffer.from(sums) },
  }
  const entries = parts.entries
    ? parts.entries(defaults)
    : [defaults.meta, defaults.state, ...(defaults.sums ? [defaults.sums] : [])]
  return tarArchive(entries, { endBlocks: parts.endBlocks, trailing: parts.tarTrailing })
}

/** A gzipped snapshot archive (`.snap`), valid unless a part says otherwise. */
export function buildSnapshot(parts: SnapshotParts = {}): Buffer {
  return gzipSync(snapshotTar(parts))
}
