import { readSnapshot } from '../archive-reader'
import { bytesOf, isMsgMap, textOf, type MsgMap } from '../catalogue/msgpack-walk'
import { CONFIG_ENTRY_SECRET_RULES } from '../catalogue/secret-fields'
import type { ReadProgress } from '../inspect-types'
import { MessageType } from '../message-types'
import { decodeMsgpackValue, MsgpackBytes, type MsgpackValue } from '../msgpack-decode'
import { RecordSplitter } from '../record-splitter'
import { stringPayload } from '../redact/msgpack-splice'
import { ValueMatcher, type MatchOptions } from './value-matcher'

export const searchHitKinds = ['kv', 'service-meta', 'config-entry'] as const
export type SearchHitKind = (typeof searchHitKinds)[number]

export interface ValueSearchHit {
  kind: SearchHitKind
  /** The KV key, `node/service-id` or `config-kind/name`. */
  name: string
  /** Where in the record: empty for a KV value, `Meta.version` or an entry's field path. */
  field: string
  excerpt: string
  binary: boolean
}

export interface ValueSearchOptions extends MatchOptions {
  /** Only KV keys under this prefix (and then nothing but KV) are searched. */
  prefix?: string
  /** Stop collecting after this many hits (the count goes on). Default 1000. */
  limit?: number
  signal?: AbortSignal
  onProgress?: (p: ReadProgress) => void
}

export interface ValueSearchResult {
  hits: ValueSearchHit[]
  /** Every match, also those past the limit. */
  total: number
  truncated: boolean
  valuesSearched: number
}

const CONFIG_ENTRY = 22
const KEY = Buffer.from('Key')
const VALUE = Buffer.from('Value')

/** Skips one value: scalars and strings here, anything else by the full decoder. */
function skip(buf: Buffer, p: number): number {
  const b = buf[p] as number
  if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) return p + 1
  if (b === 0xcc || b === 0xd0) return p + 2
  if (b === 0xcd || b === 0xd1) return p + 3
  if (b === 0xce || b === 0xd2 || b === 0xca) return p + 5
  if (b === 0xcf || b === 0xd3 || b === 0xcb) return p + 9
  const s = stringPayload(buf, p)
  return s !== null ? s.end : decodeMsgpackValue(buf, p).end
}

const same = (buf: Buffer, start: number, end: number, name: Buffer): boolean =>
  end - start === name.length && buf.compare(name, 0, name.length, start, end) === 0

/** The Key and Value payloads of a KV record (a DirEntry map), without decoding the rest. */
function kvFields(value: Buffer): { key: Buffer; value: Buffer } | null {
  const b = value[0] as number
  let count: number
  let p: number
  if (b >= 0x80 && b <= 0x8f) {
    count = b & 0x0f
    p = 1
  } else if (b === 0xde) {
    count = value.readUInt16BE(1)
    p = 3
  } else return null
  let key: Buffer | null = null
  let val: Buffer = Buffer.alloc(0)
  for (let i = 0; i < count; i++) {
    const name = stringPayload(value, p)
    p = name === null ? skip(value, p) : name.end
    const payload = stringPayload(value, p)
    if (name !== null && payload !== null) {
      if (same(value, name.start, name.end, KEY)) key = value.subarray(payload.start, payload.end)
      else if (same(value, name.start, name.end, VALUE)) val = value.subarray(payload.start, payload.end)
    }
    p = payload !== null ? payload.end : skip(value, p)
  }
  return key === null ? null : { key, value: val }
}

/**
 * Searches the values of a snapshot file for a pattern, streaming it record by record: KV values
 * (text, regex, case switch; binary values by hex), service metadata and config entries. Secret
 * fields of config entries (secret-fields.ts) are not searched, so no excerpt shows one.
 */
export async function searchSnapshotValues(
  path: string,
  pattern: string,
  options: ValueSearchOptions = {},
): Promise<ValueSearchResult> {
  const matcher = new ValueMatcher(pattern, options)
  const limit = options.limit ?? 1000
  const prefix = options.prefix === undefined ? null : Buffer.from(options.prefix.replace(/^\//, ''))
  const result: ValueSearchResult = { hits: [], total: 0, truncated: false, valuesSearched: 0 }
  const hit = (h: ValueSearchHit): void => {
    result.total++
    if (result.hits.length < limit) result.hits.push(h)
    else result.truncated = true
  }
  const test = (kind: SearchHitKind, name: string, field: string, value: Buffer): void => {
    result.valuesSearched++
    const found = matcher.match(value)
    if (found !== null) hit({ kind, name, field, ...found })
  }
  await readSnapshot(
    path,
    new RecordSplitter({
      header: () => undefined,
      record: (type, value) => {
        if (type === MessageType.KVS) {
          const kv = kvFields(value)
          if (kv === null) return
          if (
            prefix !== null &&
            (kv.key.length < prefix.length ||
              kv.key.compare(prefix, 0, prefix.length, 0, prefix.length) !== 0)
          )
            return
          test('kv', kv.key.toString('utf8'), '', kv.value)
          return
        }
        if (prefix !== null) return
        if (type === MessageType.Register) {
          const r = decodeMsgpackValue(value).value
          const service = isMsgMap(r) ? r['Service'] : undefined
          if (!isMsgMap(service) || !isMsgMap(service['Meta'])) return
          const name = `${textOf((r as MsgMap)['Node'])}/${textOf(service['ID'])}`
          for (const [k, v] of Object.entries(service['Meta'])) {
            const bytes = bytesOf(v)
            if (bytes) test('service-meta', name, `Meta.${k}`, bytes)
          }
          return
        }
        if (type === CONFIG_ENTRY) searchConfigEntry(value, test)
      },
    }),
    { signal: options.signal, onProgress: options.onProgress },
  )
  return result
}

function searchConfigEntry(
  value: Buffer,
  test: (kind: SearchHitKind, name: string, field: string, value: Buffer) => void,
): void {
  const outer = decodeMsgpackValue(value).value
  if (!(outer instanceof MsgpackBytes)) return
  const kindValue = decodeMsgpackValue(outer.bytes)
  const kind = textOf(kindValue.value)
  const request = decodeMsgpackValue(outer.bytes, kindValue.end).value
  let entry = isMsgMap(request) ? request['Entry'] : undefined
  // Some kinds marshal their body themselves, one raw string deeper (docs/snapshot-format.md §8).
  if (entry instanceof MsgpackBytes) entry = decodeMsgpackValue(entry.bytes).value
  if (!isMsgMap(entry)) return
  const secret = new Set((CONFIG_ENTRY_SECRET_RULES[kind] ?? []).map((rule) => rule.path.join('.')))
  const name = `${kind}/${textOf(entry['Name'])}`
  const walk = (v: MsgpackValue, path: string): void => {
    if (secret.has(path)) return
    const bytes = bytesOf(v)
    if (bytes) test('config-entry', name, path, bytes)
    else if (Array.isArray(v)) v.forEach((item, i) => walk(item, `${path}[${i}]`))
    else if (isMsgMap(v))
      for (const [k, item] of Object.entries(v)) walk(item, path === '' ? k : `${path}.${k}`)
  }
  walk(entry, '')
}
