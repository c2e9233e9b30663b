import { parseLosslessJson, JsonSyntaxError, type JsonNode } from './lossless-json'
import { snapshotErrors } from './snapshot-errors'

/**
 * raft's SnapshotMeta as stored in meta.json (spec section 2), decoded with Go's encoding/json
 * rules: member names match struct fields exactly or else case-insensitively, unknown members are
 * ignored, `null` leaves the zero value, and numbers must fit the field's Go type. Indexes and
 * sizes are 64-bit, so they are kept as bigint.
 */
export interface SnapshotServer {
  suffrage: number
  id: string
  address: string
}

export interface SnapshotMeta {
  id: string
  size: bigint
  index: bigint
  term: bigint
  version: number
  configurationIndex: bigint
  servers: SnapshotServer[]
  /** Base64 of the deprecated Peers field, or null. */
  peers: string | null
}

const UINT64_MAX = (1n << 64n) - 1n
const INT64_MIN = -(1n << 63n)
const INT64_MAX = (1n << 63n) - 1n

type Assign = (node: JsonNode, meta: SnapshotMeta) => void

export function parseSnapshotMeta(bytes: Uint8Array): SnapshotMeta {
  let root: JsonNode
  try {
    root = parseLosslessJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
  } catch (error) {
    if (error instanceof JsonSyntaxError)
      throw snapshotErrors.metaInvalid(`it is not valid JSON (${error.message})`)
    throw error
  }
  if (root.kind !== 'object') throw snapshotErrors.metaInvalid('it is not a JSON object')
  const meta: SnapshotMeta = {
    id: '',
    size: 0n,
    index: 0n,
    term: 0n,
    version: 0,
    configurationIndex: 0n,
    servers: [],
    peers: null,
  }
  const fields: Record<string, Assign> = {
    Version: (n, m) => (m.version = Number(integer(n, 'Version', INT64_MIN, INT64_MAX) ?? BigInt(m.version))),
    ID: (n, m) => (m.id = string(n, 'ID') ?? m.id),
    Index: (n, m) => (m.index = integer(n, 'Index', 0n, UINT64_MAX) ?? m.index),
    Term: (n, m) => (m.term = integer(n, 'Term', 0n, UINT64_MAX) ?? m.term),
    Peers: (n, m) => {
      const text = string(n, 'Peers')
      if (text !== null && !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text))
        throw snapshotErrors.metaInvalid('Peers is not base64')
      if (n.kind !== 'null') m.peers = text
    },
    Configuration: (n, m) => (m.servers = configuration(n) ?? m.servers),
    ConfigurationIndex: (n, m) =>
      (m.configurationIndex = integer(n, 'ConfigurationIndex', 0n, UINT64_MAX) ?? m.configurationIndex),
    Size: (n, m) => (m.size = integer(n, 'Size', INT64_MIN, INT64_MAX) ?? m.size),
  }
  for (const [name, node] of root.members) {
    const assign =
      fields[name] ??
      fields[Object.keys(fields).find((field) => field.toLowerCase() === name.toLowerCase()) ?? '']
    assign?.(node, meta)
  }
  return meta
}

function integer(node: JsonNode, field: string, min: bigint, max: bigint): bigint | null {
  if (node.kind === 'null') return null
  if (node.kind !== 'number') throw snapshotErrors.metaInvalid(`${field} is a ${node.kind}, not a number`)
  if (!/^-?\d+$/.test(node.text))
    throw snapshotErrors.metaInvalid(`${field} is not a whole number (${node.text})`)
  const value = BigInt(node.text)
  if (value < min || value > max) throw snapshotErrors.metaInvalid(`${field} is out of range (${node.text})`)
  return value
}

function string(node: JsonNode, field: string): string | null {
  if (node.kind === 'null') return null
  if (node.kind !== 'string') throw snapshotErrors.metaInvalid(`${field} is a ${node.kind}, not a string`)
  return node.value
}

function configuration(node: JsonNode): SnapshotServer[] | null {
  if (node.kind === 'null') return null
  if (node.kind !== 'object') throw snapshotErrors.metaInvalid('Configuration is not an object')
  let servers: SnapshotServer[] = []
  for (const [name, value] of node.members) {
    if (name.toLowerCase() !== 'servers') continue
    if (value.kind === 'null') continue
    if (value.kind !== 'array') throw snapshotErrors.metaInvalid('Configuration.Servers is not an array')
    servers = value.items.map((item) => {
      const server: SnapshotServer = { suffrage: 0, id: '', address: '' }
      if (item.kind === 'null') return server
      if (item.kind !== 'object') throw snapshotErrors.metaInvalid('a Configuration server is not an object')
      for (const [key, v] of item.members) {
        const lower = key.toLowerCase()
        if (lower === 'suffrage') server.suffrage = Number(integer(v, 'Suffrage', INT64_MIN, INT64_MAX) ?? 0n)
        else if (lower === 'id') server.id = string(v, 'Server ID') ?? server.id
        else if (lower === 'address') server.address = string(v, 'Server Address') ?? server.address
      }
      return server
    })
  }
  return servers
}
