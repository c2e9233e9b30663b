import { readSnapshot } from './archive-reader'
import type { InspectOptions, ScannedRecord, SnapshotInspection, TypeStat, VerifyOptions } from './inspect-types'
import { compareUtf8, kvKeyText } from './kv-key-text'
import { FIRST_ENTERPRISE_TYPE, messageTypeName, MessageType } from './message-types'
import { StateScanner } from './state-scanner'

/**
 * `consul snapshot inspect` as a library call (spec 7.1): one streaming pass over the file that
 * verifies the archive and counts records per type and, on request, KV bytes per key prefix.
 * `verifySnapshot` is the same pass, which also proves every record parses: what Consul's restore
 * needs before a file may be sent to a cluster.
 */
export async function inspectSnapshot(path: string, options: InspectOptions = {}): Promise<SnapshotInspection> {
  const kvDetails = options.kvDetails === true
  const kvDepth = options.kvDepth ?? 2
  const kvFilter = options.kvFilter ?? ''
  const onRecord = options.onRecord

  const counts = new Float64Array(256)
  const sums = new Float64Array(256)
  const kvGroups = new Map<string, { count: number; sum: number }>()
  let totalSizeKV = 0

  const scanner = new StateScanner({
    captureKeys: kvDetails || onRecord !== undefined,
    onRecord: (type, offset, size, keyBytes) => {
      counts[type] = (counts[type] as number) + 1
      sums[type] = (sums[type] as number) + size
      if (keyBytes === null || (!kvDetails && onRecord === undefined)) {
        onRecord?.({ type, typeName: messageTypeName(type), offset, size })
        return
      }
      const key = kvKeyText(keyBytes)
      if (kvDetails && type === MessageType.KVS && (kvFilter === '' || key.startsWith(kvFilter))) {
        const group = keyPrefix(key, kvDepth)
        const stat = kvGroups.get(group)
        if (stat) {
          stat.count++
          stat.sum += size
        } else kvGroups.set(group, { count: 1, sum: size })
        totalSizeKV += size
      }
      if (onRecord) {
        const record: ScannedRecord = { type, typeName: messageTypeName(type), offset, size, key }
        onRecord(record)
      }
    },
  })

  const result = await readSnapshot(path, scanner, { signal: options.signal, onProgress: options.onProgress })

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
    kvStats = [...kvGroups].map(([name, stat]) => ({ name, count: stat.count, sum: stat.sum }))
    sortStats(kvStats)
  }
  return {
    meta: result.meta,
    stats,
    totalSize: result.stateBytes,
    kvStats,
    totalSizeKV,
    integrity: result.integrity,
    archiveBytes: result.archiveBytes,
    lastIndex: scanner.lastIndex,
    enterpriseTypes,
  }
}

export function verifySnapshot(path: string, options: VerifyOptions = {}): Promise<SnapshotInspection> {
  return inspectSnapshot(path, { signal: options.signal, onProgress: options.onProgress })
}

/** The first `depth` '/'-separated segments of a key, like strings.Join(strings.Split(k, "/")[:depth], "/"). */
export function keyPrefix(key: string, depth: number): string {
  if (depth <= 0) return ''
  let at = -1
  for (let i = 0; i < depth; i++) {
    at = key.indexOf('/', at + 1)
    if (at < 0) return key
  }
  return key.slice(0, at)
}

function sortStats(stats: TypeStat[]): void {
  stats.sort((a, b) => (a.sum !== b.sum ? b.sum - a.sum : compareUtf8(a.name, b.name)))
}
