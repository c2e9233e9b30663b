// An opened snapshot's contents, browsable without holding the snapshot in memory: listings and
// search come from the compact indexes built in one pass; records and values are read back from
// the spill file (the decompressed state.bin) when asked for. Every result is plain JSON.
import type { Writable } from 'node:stream'
import { AppError } from '../../../../shared/app-error'
import { messageTypeName } from '../message-types'
import type { CatalogueIndex } from './catalogue-builder'
import type {
  AclContents,
  CatalogueSummary,
  ConfigEntryView,
  IntentionView,
  JsonView,
  KvChild,
  KvEntryDetail,
  KvListRequest,
  KvListResult,
  KvRangeRequest,
  KvRangeResult,
  NodeEntry,
  NodesResult,
  RecordListItem,
  RecordPage,
  RevealRequest,
  SearchHit,
  SearchResult,
} from './catalogue-types'
import { decodeKv, type KvRecord } from './kv-record'
import { kvTableRows, writeKvExport } from './kv-export-writer'
import { SpillBlockReader } from './spill-block-reader'
import { decodeWhole, type MsgValue } from './msgpack-walk'
import { catalogueKinds, unwrapConfigEntry, type CatalogueKind, type RecordItem } from './record-items'
import { toJsonView } from './record-view'
import { findMaskedPaths, maskConfigEntry, maskRecord } from './secret-fields'
import type { SpillFile } from './spill-file'
import type { KvTable } from './kv-table'
import type { IntegrityReport } from '../inspect-types'
import type { SnapshotMeta } from '../snapshot-meta'

/** Where the catalogue came from, when it was opened from an archive. */
export interface CatalogueSource {
  meta: SnapshotMeta
  integrity: IntegrityReport
  archiveBytes: number
}
import { detectValueKind } from './value-kind'

const DEFAULT_PAGE = 200
const MAX_PAGE = 10_000
const CHILD_CACHE_SIZE = 16
/** Records that sit next to each other in state.bin are fetched in one read of up to this size. */
const READ_BATCH_BYTES = 4 * 1024 * 1024
/** KV values up to this size are read whole when opened; larger ones only as far as shown. */
const WHOLE_VALUE_BYTES = 4 * 1024 * 1024

function tryDecodeKv(record: Buffer, at: number): KvRecord | undefined {
  try {
    return decodeKv(record, at)
  } catch {
    return undefined // the scanner accepted it, as inspect does; its other fields show as zero
  }
}

/** Length of the msgpack string/bin header that ends `bytes` and announces `length` bytes, or 0. */
function stringHeaderLength(bytes: Buffer, length: number): number {
  const n = bytes.length
  const at = (k: number): number => bytes[n - k] as number
  if (n >= 5 && (at(5) === 0xdb || at(5) === 0xc6) && bytes.readUInt32BE(n - 4) === length) return 5
  if (n >= 3 && (at(3) === 0xda || at(3) === 0xc5) && bytes.readUInt16BE(n - 2) === length) return 3
  if (n >= 2 && (at(2) === 0xd9 || at(2) === 0xc4) && at(1) === length) return 2
  if (n >= 1 && length < 32 && at(1) === (0xa0 | length)) return 1
  return 0
}

type Obj = { [key: string]: JsonView }
const isObj = (v: JsonView | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: JsonView | undefined): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : ''
const u64 = (v: JsonView | undefined): string =>
  typeof v === 'number' || typeof v === 'string' ? String(v) : '0'

function page(offset: number | undefined, limit: number | undefined): { offset: number; limit: number } {
  const o = offset ?? 0
  const l = limit ?? DEFAULT_PAGE
  if (!Number.isInteger(o) || o < 0)
    throw new AppError('INVALID_ARGUMENT', `Page offset must be a whole number ≥ 0 (got ${o}).`)
  if (!Number.isInteger(l) || l < 1 || l > MAX_PAGE)
    throw new AppError('INVALID_ARGUMENT', `Page size must be between 1 and ${MAX_PAGE} (got ${l}).`)
  return { offset: o, limit: l }
}

export interface KvGetOptions {
  /** return at most this many value bytes (the size still tells the whole) */
  maxBytes?: number
}

export interface ExportKvOptions {
  /** plain string prefix; a leading '/' is dropped, as `consul kv export` does */
  prefix?: string
  out: Writable
  signal?: AbortSignal
}

export class SnapshotCatalogue {
  private readonly byKind = new Map<CatalogueKind, RecordItem[]>()
  private byId: Map<CatalogueKind, Map<string, RecordItem>> | undefined
  private byNode: Map<string, { services: RecordItem[]; checks: RecordItem[] }> | undefined
  private readonly childCache = new Map<string, Uint32Array>()
  private closed = false

  constructor(
    private readonly index: CatalogueIndex,
    private readonly spill: SpillFile,
    /** meta.json and verification of the archive it was read from (absent for a bare state stream) */
    readonly source?: CatalogueSource,
  ) {
    for (const kind of catalogueKinds) this.byKind.set(kind, [])
    for (const item of index.items) this.byKind.get(item.kind)?.push(item)
  }

  // ---------------------------------------------------------------- summary

  summary(): CatalogueSummary {
    const counts: Record<string, number> = { kv: this.index.kv.size }
    for (const [kind, items] of this.byKind) if (kind !== 'other') counts[kind] = items.length
    const recordTypes: Record<string, number> = {}
    for (const [type, n] of [...this.index.recordCounts].sort((a, b) => a[0] - b[0]))
      recordTypes[messageTypeName(type)] = n
    return {
      lastIndex: this.index.lastIndex.toString(),
      stateBytes: this.index.stateBytes,
      kvKeys: this.index.kv.size,
      kvValueBytes: this.index.kv.totalValueSize(0, this.index.kv.size),
      tombstones: this.index.tombstones,
      counts,
      recordTypes,
      indexBytes: this.indexBytes(),
    }
  }

  /** Memory held by the indexes: exact for the KV table, an estimate for the record items. */
  indexBytes(): number {
    let items = 0
    for (const item of this.index.items)
      items += 96 + 2 * (item.id.length + item.title.length + item.subtitle.length + (item.node?.length ?? 0))
    return this.index.kv.byteLength + items
  }

  // ---------------------------------------------------------------- KV

  kvList(request: KvListRequest = {}): KvListResult {
    this.assertOpen()
    const prefix = request.prefix ?? ''
    const delimiter = request.delimiter ?? '/'
    if (delimiter === '') throw new AppError('INVALID_ARGUMENT', 'The KV tree needs a non-empty delimiter.')
    const { offset, limit } = page(request.offset, request.limit)
    const kv = this.index.kv
    const prefixBytes = Buffer.from(prefix, 'utf8')
    const delimiterBytes = Buffer.from(delimiter, 'utf8')
    const starts = this.childStarts(prefixBytes, delimiterBytes)
    const children: KvChild[] = []
    for (let c = offset; c < Math.min(starts.length, offset + limit); c++) {
      const i = starts[c] as number
      const d = kv.delimiterAt(i, prefixBytes.length, delimiterBytes)
      if (d < 0) {
        const key = kv.keyAt(i)
        children.push({
          type: 'key',
          key,
          name: key.slice(prefix.length),
          size: kv.valueSize(i),
          flags: kv.flags(i).toString(),
        })
        continue
      }
      const folderBytes = kv.keyBytesAt(i).subarray(0, d + delimiterBytes.length)
      const [, end] = kv.prefixRange(folderBytes, i)
      const folder = folderBytes.toString('utf8')
      children.push({
        type: 'folder',
        prefix: folder,
        name: folder.slice(prefix.length),
        keyCount: end - i,
        hasFolderKey: kv.keyBytesAt(i).length === folderBytes.length,
        totalSize: kv.totalValueSize(i, end),
      })
    }
    return { prefix, total: starts.length, offset, children }
  }

  /** First key index of every direct child of `prefix`; cached, as a tree view pages through it. */
  private childStarts(prefix: Buffer, delimiter: Buffer): Uint32Array {
    const cacheKey = `${delimiter.toString('hex')}:${prefix.toString('hex')}`
    const cached = this.childCache.get(cacheKey)
    if (cached !== undefined) {
      this.childCache.delete(cacheKey)
      this.childCache.set(cacheKey, cached)
      return cached
    }
    const kv = this.index.kv
    const [lo, hi] = kv.prefixRange(prefix)
    let starts = new Uint32Array(64)
    let n = 0
    let i = lo
    // The folder key itself ("a/" when listing "a/") belongs to the parent's folder row.
    const folderListing =
      prefix.length >= delimiter.length && prefix.subarray(prefix.length - delimiter.length).equals(delimiter)
    if (folderListing && i < hi && kv.keyBytesAt(i).length === prefix.length) i++
    while (i < hi) {
      if (n === starts.length) {
        const next = new Uint32Array(starts.length * 2)
        next.set(starts)
        starts = next
      }
      starts[n++] = i
      const d = kv.delimiterAt(i, prefix.length, delimiter)
      if (d < 0) i++
      else i = kv.prefixRange(kv.keyBytesAt(i).subarray(0, d + delimiter.length), i)[1]
    }
    const result = starts.slice(0, n)
    this.childCache.set(cacheKey, result)
    if (this.childCache.size > CHILD_CACHE_SIZE)
      this.childCache.delete(this.childCache.keys().next().value as string)
    return result
  }

  kvRange(request: KvRangeRequest = {}): KvRangeResult {
    this.assertOpen()
    const prefix = request.prefix ?? ''
    const { offset: start, limit } = page(request.start, request.limit)
    const kv = this.index.kv
    const [lo, hi] = kv.prefixRange(Buffer.from(prefix, 'utf8'))
    const entries = []
    for (let i = lo + start; i < Math.min(hi, lo + start + limit); i++) {
      entries.push({ index: i - lo, key: kv.keyAt(i), size: kv.valueSize(i), flags: kv.flags(i).toString() })
    }
    return { prefix, total: hi - lo, start, entries }
  }

  async kvGet(key: string, options: KvGetOptions = {}): Promise<KvEntryDetail & { truncated: boolean }> {
    this.assertOpen()
    const kv = this.index.kv
    const i = kv.indexOf(Buffer.from(key, 'utf8'))
    if (i < 0)
      throw new AppError('INVALID_ARGUMENT', `The snapshot holds no key "${key}".`, {
        hint: 'Pick a key from the list; keys are case-sensitive.',
      })
    const valueSize = kv.valueSize(i)
    const shownSize = Math.min(valueSize, options.maxBytes ?? Number.POSITIVE_INFINITY)
    // The value is read from where the scanner found it, and only as much of it as is shown (a
    // whole value up to a limit, so its kind can be told); the other fields from the record
    // without its value, so a 100 MiB value is never held to show its first kilobytes.
    const readSize = valueSize <= WHOLE_VALUE_BYTES ? valueSize : shownSize
    const value = readSize > 0 ? await this.spill.read(kv.valueOffset(i), readSize) : Buffer.alloc(0)
    const fields = await this.kvFields(i)
    const shown = value.subarray(0, shownSize)
    return {
      key: kv.keyAt(i),
      flags: kv.flags(i).toString(),
      session: fields?.session ?? '',
      lockIndex: (fields?.lockIndex ?? 0n).toString(),
      createIndex: (fields?.createIndex ?? 0n).toString(),
      modifyIndex: (fields?.modifyIndex ?? 0n).toString(),
      size: valueSize,
      value: shown.toString('base64'),
      kind: detectValueKind(value),
      truncated: shown.length < valueSize,
    }
  }

  /** Session and indexes of KV entry i, read from its record with the value left out. */
  async kvFields(i: number): Promise<KvRecord | undefined> {
    this.assertOpen()
    const kv = this.index.kv
    const start = kv.recordOffset(i)
    const end = start + kv.recordLength(i)
    const valueStart = kv.valueOffset(i)
    const valueEnd = valueStart + kv.valueSize(i)
    if (kv.valueSize(i) === 0 || valueStart < start || valueEnd > end)
      return tryDecodeKv(await this.spill.read(start, end - start), start)
    if (valueStart - start > WHOLE_VALUE_BYTES || end - valueEnd > WHOLE_VALUE_BYTES) return undefined
    const before = await this.spill.read(start, valueStart - start)
    const after = await this.spill.read(valueEnd, end - valueEnd)
    const headerLength = stringHeaderLength(before, kv.valueSize(i))
    if (headerLength === 0) return undefined
    const emptyString = Buffer.from([0xa0])
    return tryDecodeKv(
      Buffer.concat([before.subarray(0, before.length - headerLength), emptyString, after]),
      start,
    )
  }

  /** `consul kv export` of the keys under `prefix`, streamed to `out`; returns the number of keys. */
  async exportKv(options: ExportKvOptions): Promise<number> {
    this.assertOpen()
    const prefix = (options.prefix ?? '').replace(/^\//, '')
    const kv = this.index.kv
    const [lo, hi] = kv.prefixRange(Buffer.from(prefix, 'utf8'))
    const values = new SpillBlockReader(this.spill)
    return writeKvExport(
      kvTableRows(kv, lo, hi),
      (offset, length) => values.read(offset, length),
      options.out,
      options.signal,
    )
  }

  // ---------------------------------------------------------------- whole-snapshot passes

  /** The compact KV index in key order, for passes that walk every key (diff). */
  get kvTable(): KvTable {
    this.assertOpen()
    return this.index.kv
  }

  /** The working copy of state.bin, read by offset (KV values and records lie where the index says). */
  get workingCopy(): Pick<SpillFile, 'read' | 'size'> {
    this.assertOpen()
    return this.spill
  }

  /** Every item of a kind (ids, names, positions) without reading their records. */
  recordItems(kind: CatalogueKind): readonly RecordItem[] {
    this.assertOpen()
    return this.itemsOf(kind)
  }

  /** The views of `items` (in their order), as `records` shows them: masked unless `reveal`. */
  async recordViews(items: readonly RecordItem[], reveal: boolean): Promise<JsonView[]> {
    this.assertOpen()
    const values = await this.readItems(items)
    return items.map((item, i) => this.viewOf(item, decodeWhole(values[i] as Buffer), reveal))
  }

  // ---------------------------------------------------------------- records

  /** One page of a record kind, secrets masked unless `reveal`. */
  async records(
    kind: CatalogueKind,
    request: { offset?: number; limit?: number } & RevealRequest = {},
  ): Promise<RecordPage> {
    this.assertOpen()
    const { offset, limit } = page(request.offset, request.limit)
    const all = this.itemsOf(kind)
    const slice = all.slice(offset, offset + limit)
    const values = await this.readItems(slice)
    const items = slice.map((item, i) => this.listItem(item, values[i] as Buffer, request.reveal === true))
    return { kind, total: all.length, offset, items }
  }

  /** One record by its id within a kind. */
  async record(kind: CatalogueKind, id: string, request: RevealRequest = {}): Promise<RecordListItem> {
    this.assertOpen()
    const item = this.findItem(kind, id)
    const [bytes] = await this.readItems([item])
    return this.listItem(item, bytes as Buffer, request.reveal === true)
  }

  /** The clear value at `path` of one record, because the operator asked for that one. */
  async revealSecret(kind: CatalogueKind, id: string, path: readonly string[]): Promise<string> {
    const { record } = await this.record(kind, id, { reveal: true })
    let node: JsonView | undefined = record
    for (const step of path) {
      if (Array.isArray(node)) node = node[Number(step)]
      else if (isObj(node)) node = node[step]
      else node = undefined
    }
    if (node === undefined)
      throw new AppError('INVALID_ARGUMENT', `The record has no field ${path.join('.')}.`)
    return typeof node === 'string' ? node : JSON.stringify(node)
  }

  private itemsOf(kind: CatalogueKind): RecordItem[] {
    const items = this.byKind.get(kind)
    if (items === undefined) throw new AppError('INVALID_ARGUMENT', `Unknown record kind "${kind}".`)
    return items
  }

  private findItem(kind: CatalogueKind, id: string): RecordItem {
    this.byId ??= new Map()
    let ids = this.byId.get(kind)
    if (ids === undefined) {
      ids = new Map()
      for (const item of this.itemsOf(kind)) if (!ids.has(item.id)) ids.set(item.id, item)
      this.byId.set(kind, ids)
    }
    const item = ids.get(id)
    if (item === undefined)
      throw new AppError('INVALID_ARGUMENT', `The snapshot holds no ${kind} record "${id}".`)
    return item
  }

  private listItem(item: RecordItem, bytes: Buffer, reveal: boolean): RecordListItem {
    const record = this.viewOf(item, decodeWhole(bytes), reveal)
    return {
      id: item.id,
      title: item.title,
      subtitle: item.subtitle,
      record,
      maskedPaths: reveal ? [] : findMaskedPaths(record),
    }
  }

  /** The JSON a person sees for an item: the part of the record that is about it, masked. */
  private viewOf(item: RecordItem, value: MsgValue, reveal: boolean): JsonView {
    if (item.type === 22) {
      const unwrapped = unwrapConfigEntry(value)
      if (unwrapped === undefined) return null
      const entry = maskConfigEntry(unwrapped.kind, toJsonView(unwrapped.entry), reveal)
      if (item.kind !== 'intentions' || item.sourceIndex === undefined) return entry
      const sources = isObj(entry) ? entry['Sources'] : undefined
      const source = Array.isArray(sources) ? sources[item.sourceIndex] : undefined
      return { DestinationName: isObj(entry) ? (entry['Name'] ?? '') : '', ...(isObj(source) ? source : {}) }
    }
    const masked = maskRecord(item.type, toJsonView(value), reveal)
    if (item.type !== 0 || !isObj(masked)) return masked
    if (item.kind === 'services') return masked['Service'] ?? null
    if (item.kind === 'checks') return masked['Check'] ?? null
    const { Service: _service, Check: _check, Checks: _checks, ...node } = masked
    return node
  }

  /** Reads the records of `items`, joining neighbours into one read. Results follow `items`' order. */
  private async readItems(items: readonly RecordItem[]): Promise<Buffer[]> {
    const order = items
      .map((_, i) => i)
      .sort((a, b) => (items[a] as RecordItem).offset - (items[b] as RecordItem).offset)
    const out = new Array<Buffer>(items.length)
    let k = 0
    while (k < order.length) {
      const first = items[order[k] as number] as RecordItem
      const start = first.offset
      let end = first.offset + first.length
      let j = k + 1
      while (j < order.length) {
        const next = items[order[j] as number] as RecordItem
        const nextEnd = Math.max(end, next.offset + next.length)
        if (next.offset > end + 64 * 1024 || nextEnd - start > READ_BATCH_BYTES) break
        end = nextEnd
        j++
      }
      const buf = await this.spill.read(start, end - start)
      for (; k < j; k++) {
        const item = items[order[k] as number] as RecordItem
        out[order[k] as number] = buf.subarray(item.offset - start, item.offset - start + item.length)
      }
    }
    return out
  }

  // ---------------------------------------------------------------- typed views

  /** Nodes with their services and checks (grouped from Register records), paged by node. */
  async nodes(request: { offset?: number; limit?: number } & RevealRequest = {}): Promise<NodesResult> {
    this.assertOpen()
    const { offset, limit } = page(request.offset, request.limit)
    const reveal = request.reveal === true
    const nodes = this.itemsOf('nodes')
    const slice = nodes.slice(offset, offset + limit)
    this.byNode ??= this.groupByNode()
    const wanted: RecordItem[] = []
    for (const node of slice) {
      const group = this.byNode.get(node.id)
      wanted.push(node, ...(group?.services ?? []), ...(group?.checks ?? []))
    }
    const values = await this.readItems(wanted)
    const views = new Map<RecordItem, JsonView>()
    wanted.forEach((item, i) => views.set(item, this.viewOf(item, decodeWhole(values[i] as Buffer), reveal)))
    const result: NodeEntry[] = slice.map((item) => {
      const view = views.get(item)
      const v: Obj = isObj(view) ? view : {}
      const group = this.byNode?.get(item.id)
      return {
        node: str(v['Node']),
        id: str(v['ID']),
        address: str(v['Address']),
        datacenter: str(v['Datacenter']),
        peerName: str(v['PeerName']),
        meta: v['NodeMeta'] ?? null,
        taggedAddresses: v['TaggedAddresses'] ?? null,
        createIndex: u64(v['CreateIndex']),
        modifyIndex: u64(v['ModifyIndex']),
        services: (group?.services ?? []).map((s) => views.get(s) ?? null),
        checks: (group?.checks ?? []).map((c) => views.get(c) ?? null),
      }
    })
    return { total: nodes.length, offset, nodes: result }
  }

  private groupByNode(): Map<string, { services: RecordItem[]; checks: RecordItem[] }> {
    const groups = new Map<string, { services: RecordItem[]; checks: RecordItem[] }>()
    const group = (node: string): { services: RecordItem[]; checks: RecordItem[] } => {
      let g = groups.get(node)
      if (g === undefined) groups.set(node, (g = { services: [], checks: [] }))
      return g
    }
    for (const s of this.itemsOf('services')) group(s.node ?? '').services.push(s)
    for (const c of this.itemsOf('checks')) group(c.node ?? '').checks.push(c)
    return groups
  }

  private async allViews(kind: CatalogueKind, reveal: boolean): Promise<JsonView[]> {
    const items = this.itemsOf(kind)
    const values = await this.readItems(items)
    return items.map((item, i) => this.viewOf(item, decodeWhole(values[i] as Buffer), reveal))
  }

  async sessions(): Promise<JsonView[]> {
    this.assertOpen()
    return this.allViews('sessions', false)
  }

  async preparedQueries(request: RevealRequest = {}): Promise<JsonView[]> {
    this.assertOpen()
    return this.allViews('prepared-queries', request.reveal === true)
  }

  async acl(request: RevealRequest = {}): Promise<AclContents> {
    this.assertOpen()
    const reveal = request.reveal === true
    return {
      tokens: await this.allViews('acl-tokens', reveal),
      policies: await this.allViews('acl-policies', reveal),
      roles: await this.allViews('acl-roles', reveal),
      bindingRules: await this.allViews('acl-binding-rules', reveal),
      authMethods: await this.allViews('acl-auth-methods', reveal),
    }
  }

  async configEntries(request: RevealRequest = {}): Promise<ConfigEntryView[]> {
    this.assertOpen()
    const items = this.itemsOf('config-entries')
    const views = await this.allViews('config-entries', request.reveal === true)
    return items.map((item, i) => ({ kind: item.subtitle, name: item.title, entry: views[i] ?? null }))
  }

  /** Intentions from service-intentions config entries, then legacy (type 12) ones. */
  async intentions(): Promise<IntentionView[]> {
    this.assertOpen()
    const items = this.itemsOf('intentions')
    const views = await this.allViews('intentions', false)
    return items.map((item, i): IntentionView => {
      const view = views[i]
      const v: Obj = isObj(view) ? view : {}
      const legacy = item.type === 12
      const precedence = v['Precedence']
      const source = str(v[legacy ? 'SourceName' : 'Name'])
      const peer = legacy ? '' : str(v['Peer'])
      return {
        source: peer === '' ? source : `${source} (peer ${peer})`,
        destination: str(v['DestinationName']),
        action: str(v['Action']),
        precedence: typeof precedence === 'number' ? precedence : null,
        description: str(v['Description']),
        origin: legacy ? 'legacy' : 'config-entry',
        detail: view ?? null,
      }
    })
  }

  async systemMetadata(request: RevealRequest = {}): Promise<JsonView[]> {
    this.assertOpen()
    return this.allViews('system-metadata', request.reveal === true)
  }

  // ---------------------------------------------------------------- search

  /**
   * Case-insensitive substring search over KV keys and the names of records (nodes, services,
   * checks, sessions, queries, token descriptions, policies, roles, auth methods, config entries).
   * Never over values or secrets.
   */
  search(query: string, options: { limit?: number } = {}): SearchResult {
    this.assertOpen()
    const limit = options.limit ?? 100
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
      throw new AppError('INVALID_ARGUMENT', `Search limit must be between 1 and ${MAX_PAGE}.`)
    const hits: SearchHit[] = []
    const needle = query.trim().toLowerCase()
    if (needle === '') return { query, hits, truncated: false }
    for (const item of this.index.items) {
      if (item.kind === 'other') continue
      const name = item.title.toLowerCase().includes(needle)
        ? item.title
        : item.id.toLowerCase().includes(needle)
          ? item.id
          : undefined
      if (name === undefined) continue
      if (hits.length === limit) return { query, hits, truncated: true }
      hits.push({ kind: item.kind, id: item.id, name, context: item.subtitle })
    }
    const { indexes, truncated } = this.index.kv.searchKeys(
      Buffer.from(query.trim(), 'utf8'),
      limit - hits.length,
    )
    for (const i of indexes)
      hits.push({
        kind: 'kv',
        id: this.index.kv.keyAt(i),
        name: this.index.kv.keyAt(i),
        context: `${this.index.kv.valueSize(i)} bytes`,
      })
    return { query, hits, truncated }
  }

  // ---------------------------------------------------------------- lifecycle

  get isClosed(): boolean {
    return this.closed
  }

  /** Removes the spill file; the catalogue answers nothing afterwards. */
  async close(): Promise<void> {
    this.closed = true
    this.childCache.clear()
    await this.spill.remove()
  }

  private assertOpen(): void {
    if (this.closed)
      throw new AppError('INVALID_ARGUMENT', 'This snapshot catalogue is closed.', {
        hint: 'Open the snapshot again to browse it.',
      })
  }
}
