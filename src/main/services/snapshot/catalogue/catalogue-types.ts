// What the catalogue hands out. Everything here is plain JSON (no bigint, no Buffer) so it crosses
// IPC and the web transport unchanged: 64-bit integers are decimal strings, bytes are base64.
// Pure types: the shared contract can re-export them without pulling in Node.

export type JsonView = null | boolean | number | string | JsonView[] | { [key: string]: JsonView }

/** What stands in for a secret until the operator reveals it. */
export type MaskedSecret = {
  masked: true
  text: string
}

export type ValueKind = 'text' | 'json' | 'binary'

export interface KvListRequest {
  /** folder to list; '' is the root; a non-empty prefix normally ends with the delimiter */
  prefix?: string
  delimiter?: string
  offset?: number
  limit?: number
}

export interface KvFolderChild {
  type: 'folder'
  /** full prefix of the folder, ending with the delimiter */
  prefix: string
  /** last path segment including the trailing delimiter, for display */
  name: string
  /** keys at or below this folder (a key equal to the folder prefix included) */
  keyCount: number
  /** a key exactly equal to `prefix` exists (Consul "folder keys") */
  hasFolderKey: boolean
  /** bytes of all values at or below this folder */
  totalSize: number
}

export interface KvKeyChild {
  type: 'key'
  key: string
  name: string
  size: number
  flags: string
}

export type KvChild = KvFolderChild | KvKeyChild

export interface KvListResult {
  prefix: string
  /** number of children (folders + keys) directly under prefix */
  total: number
  offset: number
  children: KvChild[]
}

export interface KvRangeRequest {
  prefix?: string
  start?: number
  limit?: number
}

export interface KvRangeEntry {
  index: number
  key: string
  size: number
  flags: string
}

export interface KvRangeResult {
  prefix: string
  /** keys matching prefix */
  total: number
  start: number
  entries: KvRangeEntry[]
}

export interface KvEntryDetail {
  key: string
  flags: string
  session: string
  lockIndex: string
  createIndex: string
  modifyIndex: string
  size: number
  /** standard base64 of the raw value bytes */
  value: string
  kind: ValueKind
}

export interface CatalogueSummary {
  /** LastIndex from the state.bin header */
  lastIndex: string
  /** size of the decompressed state.bin */
  stateBytes: number
  kvKeys: number
  kvValueBytes: number
  tombstones: number
  /** items per record kind (nodes, services, checks, sessions, acl-tokens, …) */
  counts: Record<string, number>
  /** records per state.bin type name (Register, KVS, …) */
  recordTypes: Record<string, number>
  /** memory held by the catalogue's indexes, in bytes (approximate for the small lists) */
  indexBytes: number
}

export interface NodeEntry {
  node: string
  id: string
  address: string
  datacenter: string
  peerName: string
  meta: JsonView
  taggedAddresses: JsonView
  createIndex: string
  modifyIndex: string
  services: JsonView[]
  checks: JsonView[]
}

export interface NodesResult {
  total: number
  offset: number
  nodes: NodeEntry[]
}

export interface RevealRequest {
  /** show secret values (docs/snapshot-format.md §10) in this one response */
  reveal?: boolean
}

export interface AclContents {
  tokens: JsonView[]
  policies: JsonView[]
  roles: JsonView[]
  bindingRules: JsonView[]
  authMethods: JsonView[]
}

export interface ConfigEntryView {
  kind: string
  name: string
  /** the decoded config entry (`Entry` of the persisted request) */
  entry: JsonView
}

export interface IntentionView {
  source: string
  destination: string
  /** allow | deny, or empty when the intention uses L7 permissions */
  action: string
  precedence: number | null
  description: string
  /** where it was read from */
  origin: 'config-entry' | 'legacy'
  detail: JsonView
}

export interface SearchHit {
  /** 'kv' or a record kind (nodes, services, acl-tokens, config-entries, …) */
  kind: string
  /** identity within its kind: the KV key, node name, "node/serviceID", accessor ID, "kind/name", … */
  id: string
  /** what matched and is shown */
  name: string
  /** what else identifies it: the node of a service, the kind of a config entry, … */
  context: string
}

export interface SearchResult {
  query: string
  hits: SearchHit[]
  /** true when more hits exist than were returned */
  truncated: boolean
}

export interface RecordListItem {
  id: string
  title: string
  subtitle: string
  /** the decoded record, secrets masked unless revealed */
  record: JsonView
  /** paths (field names from the record root) of the values that are masked */
  maskedPaths: string[][]
}

export interface RecordPage {
  kind: string
  total: number
  offset: number
  items: RecordListItem[]
}
