/**
 * Comparing two snapshots (or a snapshot and a fresh one of a live cluster): what changed, by kind.
 * Churn is left out: raft indexes (CreateIndex, ModifyIndex, LockIndex, RaftIndex), hashes derived
 * from the content, coordinates, tombstones. Secrets are never carried: a changed secret is
 * reported as a changed field with no values.
 */
import { recordKinds, type RecordKind, type RecordValueWire } from './browse-wire-types'

/** Kinds a snapshot holds that a comparison leaves out: the cluster's own bookkeeping. */
type UncomparedKind = 'system-metadata' | 'connect-ca'
const uncompared: readonly RecordKind[] = ['system-metadata', 'connect-ca'] satisfies UncomparedKind[]

/** The record kinds a comparison covers (every browsable kind but those), in the catalogue's order. */
export const recordDiffKinds = recordKinds.filter(
  (kind): kind is Exclude<RecordKind, UncomparedKind> => !uncompared.includes(kind),
)
export type RecordDiffKind = (typeof recordDiffKinds)[number]

export const diffKinds = ['kv', ...recordDiffKinds] as const
export type DiffKind = (typeof diffKinds)[number]

/** What the CLI report and the Compare view call each kind. */
export const diffKindLabels: Record<DiffKind, string> = {
  kv: 'KV',
  nodes: 'Nodes',
  services: 'Services',
  checks: 'Checks',
  sessions: 'Sessions',
  'prepared-queries': 'Prepared queries',
  'acl-tokens': 'ACL tokens',
  'acl-policies': 'ACL policies',
  'acl-roles': 'ACL roles',
  'acl-auth-methods': 'ACL auth methods',
  'acl-binding-rules': 'ACL binding rules',
  'config-entries': 'Config entries',
  intentions: 'Intentions',
}

export type ChangeOp = 'added' | 'removed' | 'changed'

export interface ChangeCounts {
  added: number
  removed: number
  changed: number
}

/** A KV entry's side of a change: never its value (that is fetched for one key on request). */
export interface KvSideWire {
  size: number
  /** uint64 client flags, decimal */
  flags: string
  /** the session holding the key's lock, '' when none */
  session: string
}

/** 'indexes' (CreateIndex, ModifyIndex, LockIndex) only when a comparison is asked to include them. */
export type KvChangedField = 'value' | 'flags' | 'session' | 'indexes'

export interface KvChangeWire {
  kind: 'kv'
  op: ChangeOp
  key: string
  /** what differs, for a changed key; empty for added and removed ones */
  fields: KvChangedField[]
  before: KvSideWire | null
  after: KvSideWire | null
}

export interface FieldChangeWire {
  /** dotted path from the record's root ('' for the whole record) */
  path: string
  /** a secret changed: neither value is given */
  secret: boolean
  /** absent when the field did not exist on that side, or is secret */
  before?: RecordValueWire
  after?: RecordValueWire
}

export interface RecordChangeWire {
  kind: RecordDiffKind
  op: ChangeOp
  /** identity within the kind (accessor ID for tokens, "node/ID" for services and checks, …) */
  id: string
  title: string
  /** for a changed record: the fields that differ; empty for added and removed records */
  fields: FieldChangeWire[]
}

export type ChangeWire = KvChangeWire | RecordChangeWire

export interface ComparisonSideWire {
  /** file name, or the profile's name for a live cluster */
  label: string
  /** the raft index the snapshot was taken at (decimal) */
  index: string
}

export interface ComparisonSummaryWire {
  comparisonId: string
  left: ComparisonSideWire
  right: ComparisonSideWire
  /** the KV prefix the comparison was limited to ('' for all keys) */
  prefix: string
  counts: Record<DiffKind, ChangeCounts>
  total: number
}

export interface ChangePageWire {
  kind: DiffKind
  total: number
  offset: number
  changes: ChangeWire[]
}

export interface KvValuePairWire {
  key: string
  /** base64 of the value, cut at maxBytes; null when the key is absent on that side */
  before: { valueBase64: string; size: number; truncated: boolean } | null
  after: { valueBase64: string; size: number; truncated: boolean } | null
}

export const comparePhases = ['reading', 'snapshotting', 'comparing'] as const
export type ComparePhase = (typeof comparePhases)[number]

/**
 * How far a comparison has gone: reading the two files (bytes of both), taking the live
 * cluster's snapshot (bytes received), then walking both (entries compared).
 */
export interface CompareProgress {
  phase: ComparePhase
  done: number
  total: number | null
}
