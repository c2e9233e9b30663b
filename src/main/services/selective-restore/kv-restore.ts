import { randomBytes } from 'node:crypto'
import { AppError } from '../../../shared/app-error'
import {
  KV_DIFF_VALUE_BYTES,
  type KvChangeWire,
  type KvRestorePlanWire,
  type KvRestoreResultWire,
  type KvRestoreTargetWire,
  type KvValueSide,
} from '../../../shared/selective-restore-types'
import { readAgentSelf } from '../consul/agent-info'
import { withClient, type ConsulClient } from '../consul/consul-client'
import type { ConsulConnection } from '../consul/consul-connection'
import type { DispatcherFactory } from '../consul/consul-dispatcher'
import { assertNotReadOnly, assertRestoreAllowed } from '../consul/restore-protection'
import { applyChanges } from './kv-transactions'
import { planChanges, type KvDesiredState, type PlannedChange, type WantedValue } from './kv-plan'
import { checkSelection, liveKeyOf, type KvSelection } from './kv-selection'
import { readLiveKey, readLiveUnder, type LiveKvEntry } from './live-kv'
import type { SnapshotKeySource } from './snapshot-key-source'
import { writeUndoFile, type UndoContent } from './undo-file'

/** The file's values are held while the dry run waits for its confirmation; past this, narrow it. */
const WANTED_BYTES_LIMIT = 256 * 1024 * 1024

export type KvRestoreSource =
  | { kind: 'snapshot'; keys: SnapshotKeySource; selection: KvSelection }
  /** An undo file, optionally only its keys under some prefixes. */
  | { kind: 'undo'; undo: UndoContent; prefixes: string[] }

export interface KvRestorePlan {
  id: string
  connection: ConsulConnection
  target: KvRestoreTargetWire
  scopes: string[]
  changes: PlannedChange[]
  unchanged: number
}

export interface KvRestoreDependencies {
  dispatcherFactory?: DispatcherFactory
  clock?: () => Date
}

/**
 * The dry run: reads what the source wants and what the cluster holds under the same keys, and
 * lists every create, update and delete with both values. Changes nothing. A read-only profile
 * is refused here already.
 */
export async function planKvRestore(
  connection: ConsulConnection,
  source: KvRestoreSource,
  options: { signal?: AbortSignal } = {},
  deps: KvRestoreDependencies = {},
): Promise<KvRestorePlan> {
  assertNotReadOnly(connection, 'selective restore')
  const desired =
    source.kind === 'snapshot' ? await wantedFromSnapshot(source, options.signal) : wantedFromUndo(source)
  return withClient(connection, deps.dispatcherFactory, async (client) => {
    const target = await describeTarget(client, connection, options.signal)
    const live = await readLive(client, desired.scopes, [...desired.state.wanted.keys()], options.signal)
    const { changes, unchanged } = planChanges(desired.state, live)
    return {
      id: randomBytes(12).toString('base64url'),
      connection,
      target,
      scopes: desired.scopes,
      changes,
      unchanged,
    }
  })
}

/**
 * Writes the undo file, then applies the dry run's changes with check-and-set on the indexes it
 * read. Keys changed since are not touched and are reported, and the undo file is rewritten
 * without them (undoing must not put back a value someone else replaced).
 */
export async function applyKvRestore(
  plan: KvRestorePlan,
  options: {
    undoPath: string
    lossAcknowledged: boolean
    signal?: AbortSignal
    onProgress?: (done: number, total: number) => void
  },
  deps: KvRestoreDependencies = {},
): Promise<KvRestoreResultWire> {
  assertRestoreAllowed(plan.connection, 'selective restore', {
    safetyCopy: true,
    lossAcknowledged: options.lossAcknowledged,
  })
  const clock = deps.clock ?? (() => new Date())
  const undo = { target: plan.target, scopes: plan.scopes, createdAt: clock() }
  await writeUndoFile(options.undoPath, { ...undo, changes: plan.changes })
  const result = await withClient(plan.connection, deps.dispatcherFactory, (client) =>
    applyChanges(client, plan.changes, { signal: options.signal, onProgress: options.onProgress }),
  )
  if (result.skipped.length > 0) {
    const skipped = new Set(result.skipped.map((s) => s.key))
    await writeUndoFile(options.undoPath, {
      ...undo,
      changes: plan.changes.filter((c) => !skipped.has(c.key)),
    })
  }
  return { ...result, undoPath: options.undoPath }
}

export function planToWire(plan: KvRestorePlan): KvRestorePlanWire {
  const counts = { create: 0, update: 0, delete: 0 }
  for (const change of plan.changes) counts[change.action]++
  return {
    planId: plan.id,
    target: plan.target,
    scopes: plan.scopes,
    changes: plan.changes.map(changeToWire),
    unchanged: plan.unchanged,
    counts,
  }
}

function changeToWire(change: PlannedChange): KvChangeWire {
  const wire: KvChangeWire = {
    action: change.action,
    key: change.key,
    before:
      change.before === null ? null : { ...side(change.before), modifyIndex: change.before.modifyIndex },
    after: change.after === null ? null : side(change.after),
  }
  if (change.sourceKey !== undefined) wire.sourceKey = change.sourceKey
  return wire
}

function side(value: { flags: string; value: Buffer }): KvValueSide {
  return {
    valueBase64: value.value.subarray(0, KV_DIFF_VALUE_BYTES).toString('base64'),
    size: value.value.length,
    truncated: value.value.length > KV_DIFF_VALUE_BYTES,
    flags: value.flags,
  }
}

async function wantedFromSnapshot(
  source: Extract<KvRestoreSource, { kind: 'snapshot' }>,
  signal: AbortSignal | undefined,
): Promise<{ state: KvDesiredState; scopes: string[] }> {
  const { selection, keys } = source
  checkSelection(selection)
  const wanted = new Map<string, WantedValue | null>()
  let bytes = 0
  const keep = (entry: { key: string; flags: string; value: Buffer }) => {
    bytes += entry.value.length
    if (bytes > WANTED_BYTES_LIMIT)
      throw new AppError('INVALID_ARGUMENT', 'The chosen keys hold more than 256 MiB of values.', {
        hint: 'Restore them in parts: choose narrower prefixes.',
      })
    wanted.set(liveKeyOf(entry.key, selection.rewrite), {
      flags: entry.flags,
      value: entry.value,
      sourceKey: entry.key,
    })
  }
  for (const prefix of selection.prefixes)
    for await (const entry of keys.entriesUnder(prefix, signal)) keep(entry)
  for (const key of selection.keys) {
    const entry = await keys.entry(key)
    if (entry === null)
      throw new AppError('INVALID_ARGUMENT', `The snapshot holds no key "${key}".`, {
        hint: 'Keys are case-sensitive; pick them from the snapshot\u2019s KV tree.',
      })
    keep(entry)
  }
  const scopes = selection.prefixes.map((prefix) => liveKeyOf(prefix, selection.rewrite))
  return { state: { wanted, mirrorPrefixes: selection.deleteMissing ? scopes : [] }, scopes }
}

function wantedFromUndo(source: Extract<KvRestoreSource, { kind: 'undo' }>): {
  state: KvDesiredState
  scopes: string[]
} {
  const { undo, prefixes } = source
  const wanted = new Map(
    [...undo.wanted].filter(([key]) => prefixes.length === 0 || prefixes.some((p) => key.startsWith(p))),
  )
  if (wanted.size === 0)
    throw new AppError('INVALID_ARGUMENT', 'The undo file holds no key under the chosen prefixes.', {
      hint: 'Leave -prefix out to apply the whole undo file.',
    })
  return { state: { wanted, mirrorPrefixes: [] }, scopes: undo.scopes }
}

/** Live keys under each scope (a scope inside another is read once) and every other wanted key alone. */
async function readLive(
  client: ConsulClient,
  scopes: string[],
  keys: string[],
  signal: AbortSignal | undefined,
): Promise<Map<string, LiveKvEntry>> {
  const outer = [...new Set(scopes)].filter(
    (scope, _, all) => !all.some((other) => other !== scope && scope.startsWith(other)),
  )
  const live = new Map<string, LiveKvEntry>()
  for (const scope of outer)
    for (const entry of await readLiveUnder(client, scope, signal)) live.set(entry.key, entry)
  for (const key of keys) {
    if (outer.some((scope) => key.startsWith(scope))) continue
    const entry = await readLiveKey(client, key, signal)
    if (entry !== null) live.set(key, entry)
  }
  return live
}

async function describeTarget(
  client: ConsulClient,
  connection: ConsulConnection,
  signal: AbortSignal | undefined,
): Promise<KvRestoreTargetWire> {
  let datacenter = connection.settings.datacenter ?? null
  // agent:read may be missing from a token that may write keys; the confirmation then names the profile.
  if (datacenter === null)
    datacenter = await readAgentSelf(client, signal).then(
      (self) => self.datacenter || null,
      () => null,
    )
  return { profileName: connection.name, datacenter, endpoint: client.where }
}
