import type { KvChangeAction } from '../../../shared/selective-restore-types'
import type { LiveKvEntry } from './live-kv'

export interface WantedValue {
  flags: string
  value: Buffer
  /** The key in the file, when a rewrite moved it. */
  sourceKey?: string
}

export interface PlannedChange {
  action: KvChangeAction
  key: string
  sourceKey?: string
  /** The live entry the dry run read; its ModifyIndex is the check-and-set index. */
  before: LiveKvEntry | null
  after: { flags: string; value: Buffer } | null
}

export interface KvDesiredState {
  /** Live key → the value it should hold, or null when it should not exist (an undo of a create). */
  wanted: Map<string, WantedValue | null>
  /** Live keys under these prefixes that `wanted` lacks are deleted (-delete-missing). */
  mirrorPrefixes: string[]
}

/**
 * The dry run: what must change for the live keys to hold the wanted values. Pure, so what is
 * shown is what is applied; keys that already match are counted, not touched.
 */
export function planChanges(
  desired: KvDesiredState,
  live: ReadonlyMap<string, LiveKvEntry>,
): { changes: PlannedChange[]; unchanged: number } {
  const changes: PlannedChange[] = []
  let unchanged = 0
  for (const [key, want] of desired.wanted) {
    const now = live.get(key) ?? null
    if (want === null) {
      if (now !== null) changes.push({ action: 'delete', key, before: now, after: null })
      else unchanged++
      continue
    }
    const after = { flags: want.flags, value: want.value }
    const moved = want.sourceKey !== undefined && want.sourceKey !== key ? { sourceKey: want.sourceKey } : {}
    if (now === null) changes.push({ action: 'create', key, ...moved, before: null, after })
    else if (now.flags !== want.flags || !now.value.equals(want.value))
      changes.push({ action: 'update', key, ...moved, before: now, after })
    else unchanged++
  }
  if (desired.mirrorPrefixes.length > 0)
    for (const [key, now] of live)
      if (!desired.wanted.has(key) && desired.mirrorPrefixes.some((prefix) => key.startsWith(prefix)))
        changes.push({ action: 'delete', key, before: now, after: null })
  changes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return { changes, unchanged }
}
