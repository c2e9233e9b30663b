import type { Readable } from 'node:stream'
import {
  readSnapshot,
  readSnapshotStream,
  type SnapshotReadResult,
  type StateConsumer,
  type StreamReadOptions,
} from './archive-reader'
import type {
  InspectOptions,
  ScannedRecord,
  SnapshotInspection,
  TypeStat,
  VerifyOptions,
} from './inspect-types'
import { DEFAULT_KV_DEPTH } from '../../../shared/kv-details-options'
import { isUtf8ByteString, kvKeyText, textFromByteString } from './go-string'
import { FIRST_ENTERPRISE_TYPE, messageTypeName, MessageType } from './message-types'
import { snapshotErrors } from './snapshot-errors'
import { StateScanner } from './state-scanner'

/**
 * `consul snapshot inspect` as a library call (docs/snapshot-format.md §12): one streaming pass over the file that
 * verifies the archive and counts records per type and, on request, KV bytes per key prefix.
 * `verifySnapshot` is the same pass, which also proves every record parses: what Consul's restore
 * needs before a file may be sent to a cluster.
 */
export async function inspectSnapshot(
  path: string,
  options: InspectOptions = {},
): Promise<SnapshotInspection> {
  return inspectWith(
    (scanner) => readSnapshot(path, scanner, { signal: options.signal, onProgress: options.onProgress }),
    options,
  )
}

/**
 * `inspectSnapshot` over archive bytes that are not a file of their own, such as the plaintext of
 * an encrypted backup as it is decrypted: the same checks and counts; `label` names it in errors.
 */
export async function inspectSnapshotStream(
  source: Readable | AsyncIterable<Uint8Array>,
  options: Omit<InspectOptions, 'onProgress'> & { label?: string } = {},
): Promise<SnapshotInspection> {
  return inspectWith(
    (scanner) => readSnapshotStream(source, scanner, { signal: options.signal, label: options.label }),
    options,
  )
}

/** Reads an archive into the given scanner; files and streams differ only in this step. */
type ArchiveRead = (consumer: StateConsumer) => Promise<SnapshotReadResult>

async function inspectWith(
  read: ArchiveRead,
  options: Pick<InspectOptions, 'kvDetails' | 'kvDepth' | 'kvFilter' | 'onRecord'>,
): Promise<SnapshotInspection> {
  const kvDetails = options.kvDetails === true
  const kvDepth = options.kvDepth ?? DEFAULT_KV_DEPTH
  const kvFilter = options.kvFilter ?? ''
  const onRecord = options.onRecord

  const counts = new Float64Array(256)
  const sums = new Float64Array(256)
  const kvGroups = new Map<string, { count: number; sum: number }>()
  let totalSizeKV = 0

  // KV groups are keyed by the key's bytes (as byte strings), like Go's map[string] of keys: keys
  // that are not valid UTF-8 stay distinct and sort by their bytes. Only the group prefix becomes
  // a string; the filter and the '/' search work on the bytes where they lie.
  const filter = Buffer.from(kvFilter, 'utf8')
  const scanner = new StateScanner({
    captureKeys: kvDetails || onRecord !== undefined,
    onRecord: (type, offset, size, keyBuffer, keyStart, keyEnd) => {
      counts[type] = (counts[type] as number) + 1
      sums[type] = (sums[type] as number) + size
      if (
        kvDetails &&
        type === MessageType.KVS &&
        keyBuffer !== null &&
        hasPrefix(keyBuffer, keyStart, keyEnd, filter)
      ) {
        const group = keyBuffer.toString('latin1', keyStart, prefixEnd(keyBuffer, keyStart, keyEnd, kvDepth))
        const stat = kvGroups.get(group)
        if (stat) {
          stat.count++
          stat.sum += size
        } else kvGroups.set(group, { count: 1, sum: size })
        totalSizeKV += size
      }
      if (onRecord) {
        const record: ScannedRecord = { type, typeName: messageTypeName(type), offset, size }
        if (keyBuffer !== null) record.key = kvKeyText(keyBuffer.subarray(keyStart, keyEnd))
        onRecord(record)
      }
    },
  })

  const result = await read(scanner)

  const stats: TypeStat[] = []
  const enterpriseTypes: number[] = []
  for (let type = 0; type < 256; type++) {
    const count = counts[type] as number
    if (count === 0) continue
    stats.push({ name: messageTypeName(type), count, sum: sums[type] as number })
    if (type >= FIRST_ENTERPRISE_TYPE) enterpriseTypes.push(type)
  }
  sortStats(stats)
  let kvStats: TypeStat[] | null = null
  if (kvDetails && kvGroups.size > 0) {
    const groups = [...kvGroups].map(([bytes, stat]) => ({ bytes, count: stat.count, sum: stat.sum }))
    groups.sort((a, b) =>
      a.sum !== b.sum ? b.sum - a.sum : a.bytes < b.bytes ? -1 : a.bytes > b.bytes ? 1 : 0,
    )
    kvStats = groups.map(({ bytes, count, sum }): TypeStat => {
      if (isUtf8ByteString(bytes)) return { name: Buffer.from(bytes, 'latin1').toString('utf8'), count, sum }
      return { name: textFromByteString(bytes), count, sum, nameBytes: Buffer.from(bytes, 'latin1') }
    })
  }
  return {
    meta: result.meta,
    stats,
    // Consul sums the sizes of the records it read, the header counted with the first: a
    // state.bin holding only its header totals 0, not its length.
    totalSize: stats.length > 0 ? result.stateBytes : 0,
    kvStats,
    totalSizeKV,
    integrity: result.integrity,
    archiveBytes: result.archiveBytes,
    lastIndex: scanner.lastIndex,
    enterpriseTypes,
  }
}

export async function verifySnapshot(path: string, options: VerifyOptions = {}): Promise<SnapshotInspection> {
  return checkRestorable(
    await inspectSnapshot(path, { signal: options.signal, onProgress: options.onProgress }),
  )
}

/**
 * `verifySnapshot` over compressed archive bytes as they arrive, e.g. while a download is written
 * to disk: one pass instead of a second read of the finished file. The source is consumed with
 * backpressure; if it ends early the verdict is SNAPSHOT_TRUNCATED. `archiveBytes` is what the
 * source delivered.
 */
export async function verifySnapshotStream(
  source: Readable | AsyncIterable<Uint8Array>,
  options: StreamReadOptions = {},
): Promise<SnapshotInspection> {
  return checkRestorable(await inspectWith((scanner) => readSnapshotStream(source, scanner, options), {}))
}

function checkRestorable(inspection: SnapshotInspection): SnapshotInspection {
  // raft restores only snapshot format versions 0 and 1 (spec section 2); inspect just reports it.
  const { version } = inspection.meta
  if (version !== 0 && version !== 1)
    throw snapshotErrors.metaInvalid(
      `it declares raft snapshot version ${version}, and Consul restores only versions 0 and 1`,
    )
  return inspection
}

function hasPrefix(buffer: Buffer, start: number, end: number, prefix: Buffer): boolean {
  return (
    prefix.length === 0 ||
    (end - start >= prefix.length && prefix.compare(buffer, start, start + prefix.length) === 0)
  )
}

/**
 * Where the first `depth` '/'-separated segments of the key at [start, end) end: Consul groups by
 * strings.Join(strings.Split(key, "/")[:depth], "/"), so depth 0 gives the empty group.
 */
function prefixEnd(buffer: Buffer, start: number, end: number, depth: number): number {
  if (depth <= 0) return start
  let seen = 0
  for (let i = start; i < end; i++) {
    if (buffer[i] === 0x2f && ++seen === depth) return i
  }
  return end
}

function sortStats(stats: TypeStat[]): void {
  // Type names are ASCII, so code-unit order is Go's byte order.
  stats.sort((a, b) => (a.sum !== b.sum ? b.sum - a.sum : a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
