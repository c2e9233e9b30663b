/**
 * Selective restore of KV keys, as it crosses to the renderer and back: the dry run (every
 * create, update and delete against the live cluster, with both values) and the result of
 * applying it. Values are base64 and cut for display; the host keeps the whole plan.
 */

export type KvChangeAction = 'create' | 'update' | 'delete'

export interface KvValueSide {
  /** Standard base64 of the value's first bytes (up to `KV_DIFF_VALUE_BYTES`). */
  valueBase64: string
  size: number
  truncated: boolean
  /** uint64 as a decimal string. */
  flags: string
}

export interface KvChangeWire {
  action: KvChangeAction
  /** The key in the live cluster (after any prefix rewrite). */
  key: string
  /** Where the value comes from in the file, when it differs from `key` (a rewrite). */
  sourceKey?: string
  /** The live value now; null for a create. */
  before: (KvValueSide & { modifyIndex: number }) | null
  /** The value it will hold; null for a delete. */
  after: KvValueSide | null
}

export interface KvRestoreTargetWire {
  profileName: string
  datacenter: string | null
  endpoint: string
}

export interface KvRestorePlanWire {
  planId: string
  target: KvRestoreTargetWire
  /** Live prefixes read and compared (after any rewrite). */
  scopes: string[]
  changes: KvChangeWire[]
  /** Selected keys whose live value and flags already equal the file's. */
  unchanged: number
  counts: Record<KvChangeAction, number>
}

export interface KvSkippedWire {
  key: string
  action: KvChangeAction
  /** Consul's words, e.g. that the key's index is stale because it changed after the dry run. */
  reason: string
}

export interface KvRestoreResultWire {
  applied: number
  skipped: KvSkippedWire[]
  /** The undo file: the live values this restore replaced, to apply back with the same command. */
  undoPath: string
  transactions: number
}

/** How much of each value a dry run shows; the apply always writes the whole value. */
export const KV_DIFF_VALUE_BYTES = 16 * 1024
