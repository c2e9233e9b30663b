/**
 * Browsing a snapshot's contents over the API: the host keeps a catalogue of an opened snapshot
 * (keys, sizes, offsets) and answers pages of it, so the renderer never holds a whole snapshot.
 */
import type { Uint64String } from './snapshot-wire-types'

export const recordKinds = [
  'nodes',
  'services',
  'checks',
  'sessions',
  'prepared-queries',
  'acl-tokens',
  'acl-policies',
  'acl-roles',
  'acl-auth-methods',
  'acl-binding-rules',
  'config-entries',
  'intentions',
  'system-metadata',
  'connect-ca',
] as const

export type RecordKind = (typeof recordKinds)[number]

export interface CatalogueSummary {
  catalogueId: string
  /** How many entries of each kind the snapshot holds; `kv` counts keys. */
  counts: Partial<Record<'kv' | RecordKind, number>>
  meta: { id: string; index: Uint64String; term: Uint64String }
  /** LastIndex of the state.bin header. */
  lastIndex: Uint64String
  stateBytes: number
  kvValueBytes: number
  tombstones: number
}

export interface KvRowWire {
  /** The full key; folders end with `/`. */
  key: string
  /** The last segment, what a tree shows. */
  name: string
  folder: boolean
  /** Value size in bytes (keys) or total under the folder. */
  size: number
  /** Keys under a folder. */
  count?: number
}

export interface KvPageWire {
  prefix: string
  total: number
  offset: number
  rows: KvRowWire[]
}

export interface KvValueWire {
  key: string
  /** The raw value, base64 (standard alphabet, padded); may be cut at `maxBytes`. */
  valueBase64: string
  truncated: boolean
  size: number
  flags: Uint64String
  session: string | null
  createIndex: Uint64String
  modifyIndex: Uint64String
  lockIndex: Uint64String
}

/**
 * A record's field as the catalogue decodes it: JSON-shaped, so the renderer lays it out as
 * fields rather than printing a blob. Three object shapes are tags, not maps: `{ binary }` holds
 * bytes that are not text (base64), `{ ext, binary }` a msgpack extension, and
 * `{ masked: true, text }` a secret not yet revealed. Go binary times arrive as ISO text and
 * integers beyond 2^53 as decimal strings.
 */
export type RecordValueWire =
  null | boolean | number | string | RecordValueWire[] | { [key: string]: RecordValueWire }

export interface RecordItemWire {
  id: string
  title: string
  subtitle?: string
  /** Top-level field name → value. */
  fields: Array<[string, RecordValueWire]>
  /** Dotted paths (`SecretID`, `Config.PrivateKey`) of fields masked until revealed one by one. */
  secretFields?: string[]
}

export interface RecordPageWire {
  kind: RecordKind
  total: number
  offset: number
  items: RecordItemWire[]
}

export interface SearchHitWire {
  kind: 'kv' | RecordKind
  id: string
  label: string
}
