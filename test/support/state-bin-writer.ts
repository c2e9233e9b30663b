// Test fixtures that look exactly like what Consul writes: a msgpack ENCODER that follows the Go
// codec's dialect (docs/snapshot-format.md §8: struct keys sorted byte-wise, strings and byte slices only as
// fixstr/str16/str32, the smallest unsigned form for non-negative integers) plus builders for the
// record kinds the catalogue reads, and a wrapper that packs a state.bin into a `.snap` archive.
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { pack as tarPack } from 'tar-stream'

/** A Go map: keys written in the given order (Go's own order is random), never sorted. */
export class GoMap {
  constructor(readonly entries: ReadonlyArray<readonly [string | number | bigint, GoValue]>) {}
}
/** A float64 even when the number is integral (e.g. coordinate vectors). */
export class GoFloat {
  constructor(readonly value: number) {}
}
/** A negative-capable signed integer written in Go's signed forms when negative. */
export type GoValue =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | GoMap
  | GoFloat
  | readonly GoValue[]
  | { readonly [field: string]: GoValue }

export const goMap = (
  entries: Record<string, GoValue> | ReadonlyArray<readonly [string | number | bigint, GoValue]>,
): GoMap =>
  new GoMap(
    Array.isArray(entries) ? (entries as ReadonlyArray<readonly [string, GoValue]>) : Object.entries(entries),
  )
export const goFloat = (value: number): GoFloat => new GoFloat(value)

/** Go's binary time format version 1 (15 bytes, UTC). */
export function goTime(date: Date): Buffer {
  const unixMs = BigInt(date.getTime())
  const seconds = unixMs / 1000n + 62_135_596_800n
  const nanos = Number(((unixMs % 1000n) + 1000n) % 1000n) * 1_000_000
  const out = Buffer.alloc(15)
  out[0] = 1
  out.writeBigInt64BE(seconds, 1)
  out.writeInt32BE(nanos, 9)
  out.writeInt16BE(-1, 13)
  return out
}

/** Go durations are int64 nanoseconds. */
export const goDuration = (seconds: number): bigint => BigInt(Math.round(seconds * 1e9))

class ByteSink {
  private buf = Buffer.alloc(256)
  length = 0
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.length + n) size *= 2
    const next = Buffer.alloc(size)
    this.buf.copy(next, 0, 0, this.length)
    this.buf = next
  }
  byte(b: number): void {
    this.ensure(1)
    this.buf[this.length++] = b
  }
  bytes(bytes: Uint8Array): void {
    this.ensure(bytes.length)
    this.buf.set(bytes, this.length)
    this.length += bytes.length
  }
  u16(n: number): void {
    this.ensure(2)
    this.buf.writeUInt16BE(n, this.length)
    this.length += 2
  }
  u32(n: number): void {
    this.ensure(4)
    this.buf.writeUInt32BE(n, this.length)
    this.length += 4
  }
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length))
  }
}

function writeInt(sink: ByteSink, n: bigint): void {
  if (n >= 0n) {
    if (n < 0x80n) sink.byte(Number(n))
    else if (n < 0x100n) {
      sink.byte(0xcc)
      sink.byte(Number(n))
    } else if (n < 0x10000n) {
      sink.byte(0xcd)
      sink.u16(Number(n))
    } else if (n < 0x100000000n) {
      sink.byte(0xce)
      sink.u32(Number(n))
    } else {
      const b = Buffer.alloc(8)
      b.writeBigUInt64BE(n)
      sink.byte(0xcf)
      sink.bytes(b)
    }
    return
  }
  if (n >= -32n) sink.byte(Number(n) & 0xff)
  else if (n >= -128n) {
    sink.byte(0xd0)
    sink.byte(Number(n) & 0xff)
  } else if (n >= -32768n) {
    sink.byte(0xd1)
    sink.u16(Number(n) & 0xffff)
  } else if (n >= -2147483648n) {
    sink.byte(0xd2)
    sink.u32(Number(n) >>> 0)
  } else {
    const b = Buffer.alloc(8)
    b.writeBigInt64BE(n)
    sink.byte(0xd3)
    sink.bytes(b)
  }
}

function writeRaw(sink: ByteSink, bytes: Uint8Array): void {
  // The Go codec never writes str8 (d9) nor bin (c4-c6): fixstr, then str16, then str32.
  if (bytes.length < 32) sink.byte(0xa0 | bytes.length)
  else if (bytes.length < 0x10000) {
    sink.byte(0xda)
    sink.u16(bytes.length)
  } else {
    sink.byte(0xdb)
    sink.u32(bytes.length)
  }
  sink.bytes(bytes)
}

function writeLength(sink: ByteSink, n: number, fix: number, x16: number, x32: number): void {
  if (n < 16) sink.byte(fix | n)
  else if (n < 0x10000) {
    sink.byte(x16)
    sink.u16(n)
  } else {
    sink.byte(x32)
    sink.u32(n)
  }
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

function writeValue(sink: ByteSink, value: GoValue): void {
  if (value === null || value === undefined) return sink.byte(0xc0)
  if (typeof value === 'boolean') return sink.byte(value ? 0xc3 : 0xc2)
  if (typeof value === 'bigint') return writeInt(sink, value)
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return writeInt(sink, BigInt(value))
    return writeFloat(sink, value)
  }
  if (typeof value === 'string') return writeRaw(sink, Buffer.from(value, 'utf8'))
  if (value instanceof Uint8Array) return writeRaw(sink, value)
  if (value instanceof GoFloat) return writeFloat(sink, value.value)
  if (value instanceof GoMap) {
    writeLength(sink, value.entries.length, 0x80, 0xde, 0xdf)
    for (const [k, v] of value.entries) {
      writeValue(sink, typeof k === 'string' ? k : BigInt(k))
      writeValue(sink, v)
    }
    return
  }
  if (Array.isArray(value)) {
    const items = value as readonly GoValue[]
    writeLength(sink, items.length, 0x90, 0xdc, 0xdd)
    for (const item of items) writeValue(sink, item)
    return
  }
  // A Go struct: every field, keys sorted byte-wise.
  const fields = Object.keys(value).sort(compareBytes)
  const struct = value as { readonly [field: string]: GoValue }
  writeLength(sink, fields.length, 0x80, 0xde, 0xdf)
  for (const field of fields) {
    writeRaw(sink, Buffer.from(field, 'utf8'))
    writeValue(sink, struct[field])
  }
}

function writeFloat(sink: ByteSink, n: number): void {
  const b = Buffer.alloc(9)
  b[0] = 0xcb
  b.writeDoubleBE(n, 1)
  sink.bytes(b)
}

/** Encodes one value as Consul's msgpack handle would. */
export function encodeGo(value: GoValue): Buffer {
  const sink = new ByteSink()
  writeValue(sink, value)
  return sink.toBuffer()
}

export interface StateRecord {
  type: number
  value: GoValue
}

/** state.bin: the `{LastIndex}` header, then each record as type byte + msgpack value. */
export function buildStateBin(lastIndex: number | bigint, records: readonly StateRecord[]): Buffer {
  const parts: Buffer[] = [encodeGo({ LastIndex: lastIndex })]
  for (const record of records) parts.push(Buffer.from([record.type]), encodeGo(record.value))
  return Buffer.concat(parts)
}

// ---- record builders (field sets from spec section 5, CE, zero values where Go would write them)

export const MessageType = {
  Register: 0,
  KVS: 2,
  Session: 3,
  Tombstone: 5,
  CoordinateBatchUpdate: 6,
  PreparedQuery: 7,
  Intention: 12,
  ConnectCA: 13,
  ConnectCAProviderState: 14,
  ConnectCAConfig: 15,
  Index: 16,
  ACLToken: 17,
  ACLPolicy: 19,
  ConfigEntry: 22,
  ACLRole: 23,
  ACLBindingRule: 25,
  ACLAuthMethod: 27,
  ChunkingState: 29,
  SystemMetadata: 31,
} as const

export interface KvInput {
  key: string
  value?: Uint8Array | string | null
  flags?: number | bigint
  session?: string
  lockIndex?: number
  createIndex?: number
  modifyIndex?: number
}

function dirEntry(kv: KvInput): GoValue {
  const value =
    kv.value === undefined || kv.value === null
      ? null
      : typeof kv.value === 'string'
        ? Buffer.from(kv.value, 'utf8')
        : kv.value
  return {
    CreateIndex: kv.createIndex ?? 1,
    Flags: kv.flags ?? 0,
    Key: kv.key,
    LockIndex: kv.lockIndex ?? 0,
    ModifyIndex: kv.modifyIndex ?? kv.createIndex ?? 1,
    Session: kv.session ?? '',
    Value: value,
  }
}

export const kvsRecord = (kv: KvInput): StateRecord => ({ type: MessageType.KVS, value: dirEntry(kv) })
export const tombstoneRecord = (key: string, modifyIndex = 2): StateRecord => ({
  type: MessageType.Tombstone,
  value: dirEntry({ key, createIndex: 0, modifyIndex, value: null }),
})

export interface NodeInput {
  node: string
  id?: string
  address?: string
  datacenter?: string
  meta?: Record<string, string>
  peerName?: string
}

function registerBase(node: NodeInput): Record<string, GoValue> {
  return {
    Address: node.address ?? '127.0.0.1',
    Check: null,
    Checks: null,
    CreateIndex: 5,
    Datacenter: node.datacenter ?? 'dc1',
    ID: node.id ?? '00000000-0000-0000-0000-000000000001',
    Locality: null,
    ModifyIndex: 5,
    Node: node.node,
    NodeMeta: goMap(node.meta ?? {}),
    PeerName: node.peerName ?? '',
    Service: null,
    SkipNodeUpdate: false,
    TaggedAddresses: goMap({ lan: node.address ?? '127.0.0.1' }),
    Token: '',
  }
}

export const registerNodeRecord = (node: NodeInput): StateRecord => ({
  type: MessageType.Register,
  value: registerBase(node),
})

export interface ServiceInput {
  id: string
  service: string
  port?: number
  tags?: string[]
  kind?: string
  meta?: Record<string, string>
}

export const registerServiceRecord = (node: NodeInput, svc: ServiceInput): StateRecord => ({
  type: MessageType.Register,
  value: {
    ...registerBase(node),
    Service: {
      Address: '',
      Connect: { Native: false, PeerMeta: null, SidecarService: null },
      CreateIndex: 6,
      EnableTagOverride: false,
      ID: svc.id,
      Kind: svc.kind ?? '',
      Locality: null,
      LocallyRegisteredAsSidecar: false,
      Meta: goMap(svc.meta ?? {}),
      ModifyIndex: 6,
      PeerName: '',
      Port: svc.port ?? 0,
      Proxy: {
        DestinationServiceID: '',
        DestinationServiceName: '',
        LocalServiceAddress: '',
        LocalServicePort: 0,
        Mode: '',
      },
      Service: svc.service,
      SocketPath: '',
      Tags: svc.tags ?? null,
      TaggedAddresses: goMap({}),
      Weights: { Passing: 1, Warning: 1 },
    },
  },
})

export interface CheckInput {
  checkId: string
  name: string
  status?: string
  serviceId?: string
  serviceName?: string
  headers?: Record<string, string[]>
  http?: string
}

export const registerCheckRecord = (node: NodeInput, check: CheckInput): StateRecord => ({
  type: MessageType.Register,
  value: {
    ...registerBase(node),
    Check: {
      CheckID: check.checkId,
      CreateIndex: 7,
      Definition: {
        DeregisterCriticalServiceAfter: 0,
        HTTP: check.http ?? '',
        Header: check.headers ? goMap(Object.entries(check.headers)) : null,
        Interval: goDuration(10),
        Method: '',
        TCP: '',
        TTL: 0,
        Timeout: 0,
      },
      ExposedPort: 0,
      Interval: '',
      ModifyIndex: 7,
      Name: check.name,
      Node: node.node,
      Notes: '',
      Output: '',
      PeerName: '',
      ServiceID: check.serviceId ?? '',
      ServiceName: check.serviceName ?? '',
      ServiceTags: null,
      Status: check.status ?? 'passing',
      Timeout: '',
      Type: check.http ? 'http' : 'ttl',
    },
  },
})

export const sessionRecord = (s: {
  id: string
  name: string
  node: string
  behavior?: string
  ttl?: string
}): StateRecord => ({
  type: MessageType.Session,
  value: {
    Behavior: s.behavior ?? 'release',
    Checks: null,
    CreateIndex: 8,
    ID: s.id,
    LockDelay: goDuration(15),
    ModifyIndex: 8,
    Name: s.name,
    Node: s.node,
    NodeChecks: ['serfHealth'],
    ServiceChecks: null,
    TTL: s.ttl ?? '',
  },
})

export const preparedQueryRecord = (q: {
  id: string
  name: string
  service: string
  token?: string
}): StateRecord => ({
  type: MessageType.PreparedQuery,
  value: {
    CreateIndex: 9,
    DNS: { TTL: '' },
    ID: q.id,
    ModifyIndex: 9,
    Name: q.name,
    Service: {
      Connect: false,
      Failover: { Datacenters: null, NearestN: 0, Targets: null },
      IgnoreCheckIDs: null,
      Near: '',
      NodeMeta: null,
      OnlyPassing: false,
      Peer: '',
      SamenessGroup: '',
      Service: q.service,
      ServiceMeta: null,
      Tags: null,
    },
    Session: '',
    Template: { Regexp: '', RemoveEmptyTags: false, Type: '' },
    Token: q.token ?? '',
  },
})

export const aclTokenRecord = (t: {
  accessorId: string
  secretId: string
  description?: string
  policies?: Array<{ ID: string; Name: string }>
}): StateRecord => ({
  type: MessageType.ACLToken,
  value: {
    AccessorID: t.accessorId,
    AuthMethod: '',
    CreateIndex: 10,
    CreateTime: goTime(new Date('2026-01-02T03:04:05.678Z')),
    Description: t.description ?? '',
    ExpirationTTL: 0,
    ExpirationTime: null,
    Hash: Buffer.alloc(32, 0xab),
    Local: false,
    ModifyIndex: 10,
    NodeIdentities: null,
    Policies: t.policies ?? null,
    Roles: null,
    SecretID: t.secretId,
    ServiceIdentities: null,
  },
})

export const aclPolicyRecord = (p: {
  id: string
  name: string
  rules?: string
  description?: string
}): StateRecord => ({
  type: MessageType.ACLPolicy,
  value: {
    CreateIndex: 11,
    Datacenters: null,
    Description: p.description ?? '',
    Hash: Buffer.alloc(32, 0xcd),
    ID: p.id,
    ModifyIndex: 11,
    Name: p.name,
    Rules: p.rules ?? '',
  },
})

export const aclRoleRecord = (r: { id: string; name: string; description?: string }): StateRecord => ({
  type: MessageType.ACLRole,
  value: {
    CreateIndex: 12,
    Description: r.description ?? '',
    Hash: Buffer.alloc(32, 0xef),
    ID: r.id,
    ModifyIndex: 12,
    Name: r.name,
    NodeIdentities: null,
    Policies: null,
    ServiceIdentities: null,
  },
})

export const aclBindingRuleRecord = (b: {
  id: string
  authMethod: string
  bindName: string
}): StateRecord => ({
  type: MessageType.ACLBindingRule,
  value: {
    AuthMethod: b.authMethod,
    BindName: b.bindName,
    BindType: 'service',
    CreateIndex: 13,
    Description: '',
    ID: b.id,
    ModifyIndex: 13,
    Selector: '',
  },
})

export const aclAuthMethodRecord = (m: {
  name: string
  type: string
  config: Record<string, GoValue>
}): StateRecord => ({
  type: MessageType.ACLAuthMethod,
  value: {
    Config: goMap(m.config),
    CreateIndex: 14,
    Description: '',
    DisplayName: '',
    MaxTokenTTL: 0,
    ModifyIndex: 14,
    Name: m.name,
    TokenLocality: '',
    Type: m.type,
  },
})

/**
 * A config entry as Consul persists it: MarshalBinary(kind + request map) inside a raw string.
 * `selfMarshalled` entries (proxy-defaults has its own MarshalBinary) nest their map in one more
 * raw string.
 */
export function configEntryRecord(
  kind: string,
  entry: Record<string, GoValue>,
  options: { selfMarshalled?: boolean } = {},
): StateRecord {
  const fields: Record<string, GoValue> = { Kind: kind, ...entry }
  const body: GoValue = options.selfMarshalled ? encodeGo(fields) : fields
  const inner = Buffer.concat([encodeGo(kind), encodeGo({ Datacenter: '', Entry: body, Op: '', Token: '' })])
  return { type: MessageType.ConfigEntry, value: inner }
}

export const legacyIntentionRecord = (i: {
  id: string
  source: string
  destination: string
  action: string
}): StateRecord => ({
  type: MessageType.Intention,
  value: {
    Action: i.action,
    CreateIndex: 15,
    CreatedAt: goTime(new Date('2020-01-01T00:00:00Z')),
    DefaultAddr: '',
    DefaultPort: 0,
    Description: '',
    DestinationName: i.destination,
    DestinationNS: 'default',
    ID: i.id,
    Meta: goMap({}),
    ModifyIndex: 15,
    Precedence: 9,
    SourceName: i.source,
    SourceNS: 'default',
    SourceType: 'consul',
    UpdatedAt: goTime(new Date('2020-01-01T00:00:00Z')),
  },
})

export const systemMetadataRecord = (key: string, value: string): StateRecord => ({
  type: MessageType.SystemMetadata,
  value: { CreateIndex: 16, Key: key, ModifyIndex: 16, Value: value },
})

export const indexRecord = (key: string, value: number): StateRecord => ({
  type: MessageType.Index,
  value: { Key: key, Value: value },
})

export const chunkingStateRecord = (): StateRecord => ({
  type: MessageType.ChunkingState,
  value: { ChunkMap: goMap([]) },
})

// ---- archive

/** meta.json + state.bin + SHA256SUMS in a USTAR archive, gzipped: a `.snap` as Consul writes it. */
export async function buildSnapshotArchive(stateBin: Buffer, index = 100): Promise<Buffer> {
  const meta = Buffer.from(
    JSON.stringify({
      Version: 1,
      ID: `2-${index}-1700000000000`,
      Index: index,
      Term: 2,
      Peers: 'ka8xMjcuMC4wLjE6ODMwMA==',
      Configuration: { Servers: [] },
      ConfigurationIndex: 1,
      Size: stateBin.length,
    }) + '\n',
  )
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
  const sums = Buffer.from(`${sha(meta)}  meta.json\n${sha(stateBin)}  state.bin\n`)
  const tar = tarPack()
  const chunks: Buffer[] = []
  tar.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer)
  })
  const done = new Promise<void>((resolve, reject) => {
    tar.on('end', resolve)
    tar.on('error', reject)
  })
  const mtime = new Date(1_700_000_000_000)
  for (const [name, body] of [
    ['meta.json', meta],
    ['state.bin', stateBin],
    ['SHA256SUMS', sums],
  ] as const) {
    tar.entry({ name, size: body.length, mode: 0o600, mtime }, body)
  }
  tar.finalize()
  await done
  return gzipSync(Buffer.concat(chunks))
}

export async function writeSnapshotFile(file: string, stateBin: Buffer, index?: number): Promise<void> {
  writeFileSync(file, await buildSnapshotArchive(stateBin, index))
}
