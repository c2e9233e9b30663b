import { AppError } from '../../../shared/app-error'
import type { KvSkippedWire } from '../../../shared/selective-restore-types'
import type { ConsulClient } from '../consul/consul-client'
import type { PlannedChange } from './kv-plan'
import { kvPath } from './live-kv'

/**
 * Consul's limits on one `PUT /v1/txn` (docs/consul-api.md §7): at most 64 operations (1.14
 * allows 128; older servers 64) and a body of at most 512 KiB (`txn_max_req_len`'s default).
 */
export const TXN_MAX_OPS = 64
export const TXN_MAX_BODY_BYTES = 512 * 1024

export interface AppliedChanges {
  applied: number
  skipped: KvSkippedWire[]
  transactions: number
}

/** One check-and-set operation as Consul's txn JSON; flags are written as their exact digits. */
export function txnOperation(change: PlannedChange): string {
  const key = JSON.stringify(change.key)
  if (change.action === 'delete') {
    const index = change.before?.modifyIndex ?? 0
    return `{"KV":{"Verb":"delete-cas","Key":${key},"Index":${index}}}`
  }
  const after = change.after as NonNullable<PlannedChange['after']>
  const index = change.action === 'create' ? 0 : (change.before?.modifyIndex ?? 0)
  return `{"KV":{"Verb":"cas","Key":${key},"Value":"${after.value.toString('base64')}","Flags":${after.flags},"Index":${index}}}`
}

/** Groups operations into transactions within both limits; an operation too big for any goes alone. */
export function batchOperations(
  changes: PlannedChange[],
  limits = { ops: TXN_MAX_OPS, bytes: TXN_MAX_BODY_BYTES },
): Array<{ changes: PlannedChange[]; bodies: string[] } | { single: PlannedChange }> {
  const batches: Array<{ changes: PlannedChange[]; bodies: string[] } | { single: PlannedChange }> = []
  let current: { changes: PlannedChange[]; bodies: string[]; bytes: number } | null = null
  for (const change of changes) {
    const body = txnOperation(change)
    const bytes = Buffer.byteLength(body)
    // '[' + ']' around the list, a ',' between operations.
    if (bytes + 2 > limits.bytes) {
      batches.push({ single: change })
      continue
    }
    if (
      current === null ||
      current.changes.length === limits.ops ||
      current.bytes + bytes + 1 > limits.bytes
    ) {
      current = { changes: [], bodies: [], bytes: 2 }
      batches.push(current)
    } else current.bytes += 1
    current.changes.push(change)
    current.bodies.push(body)
    current.bytes += bytes
  }
  return batches.map((batch) =>
    'single' in batch ? batch : { changes: batch.changes, bodies: batch.bodies },
  )
}

/**
 * Applies the dry run's changes, each checked against the ModifyIndex it read. A transaction is
 * all or nothing: when Consul refuses some of its operations (409, with their indexes), those
 * keys are reported as skipped and the rest is sent again without them.
 */
export async function applyChanges(
  client: ConsulClient,
  changes: PlannedChange[],
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<AppliedChanges> {
  const result: AppliedChanges = { applied: 0, skipped: [], transactions: 0 }
  let done = 0
  try {
    for (const batch of batchOperations(changes)) {
      options.signal?.throwIfAborted()
      if ('single' in batch) {
        await applyAlone(client, batch.single, result, options.signal)
        done += 1
      } else {
        await applyBatch(client, batch.changes, batch.bodies, result, options.signal)
        done += batch.changes.length
      }
      options.onProgress?.(done, changes.length)
    }
  } catch (error) {
    const reason = error instanceof AppError ? error : null
    throw new AppError(
      reason?.code ?? 'CONSUL_HTTP',
      `The selective restore stopped after ${result.applied} of ${changes.length} changes: ${reason?.message ?? String(error)}`,
      {
        hint: 'The changes made so far stay; apply the undo file to take them back, or run the restore again.',
        details: { applied: result.applied, skipped: result.skipped.length },
        cause: error,
      },
    )
  }
  return result
}

async function applyBatch(
  client: ConsulClient,
  changes: PlannedChange[],
  bodies: string[],
  result: AppliedChanges,
  signal: AbortSignal | undefined,
): Promise<void> {
  let pending = changes.map((change, i) => ({ change, body: bodies[i] as string }))
  while (pending.length > 0) {
    const response = await client.send({
      method: 'PUT',
      path: '/v1/txn',
      useDatacenter: true,
      ...fixedBody(Buffer.from(`[${pending.map((p) => p.body).join(',')}]`), 'application/json'),
      signal,
      accept: [409],
      operation: 'kv-write',
    })
    result.transactions++
    const text = await response.body.text()
    if (response.status !== 409) {
      result.applied += pending.length
      return
    }
    const refused = txnErrors(text, client.where)
    if (refused.size === 0)
      throw new AppError('CONSUL_HTTP', `${client.where} rolled a transaction back without saying why.`)
    for (const [at, what] of refused) {
      const change = pending[at]?.change
      if (change) result.skipped.push({ key: change.key, action: change.action, reason: what })
    }
    pending = pending.filter((_, at) => !refused.has(at))
  }
}

/** A value too big for a transaction body goes through `PUT /v1/kv/<key>?cas=<index>`, still checked. */
async function applyAlone(
  client: ConsulClient,
  change: PlannedChange,
  result: AppliedChanges,
  signal: AbortSignal | undefined,
): Promise<void> {
  const after = change.after as NonNullable<PlannedChange['after']>
  const response = await client.send({
    method: 'PUT',
    path: kvPath(change.key),
    query: {
      cas: String(change.action === 'create' ? 0 : (change.before?.modifyIndex ?? 0)),
      flags: after.flags,
    },
    useDatacenter: true,
    ...fixedBody(after.value, 'application/octet-stream'),
    signal,
    operation: 'kv-write',
  })
  result.transactions++
  if ((await response.body.text()).trim() === 'true') result.applied++
  else
    result.skipped.push({
      key: change.key,
      action: change.action,
      reason: 'the key changed after the dry run (its index no longer matches)',
    })
}

/** A body sent with its length, which Consul checks against its limit before reading it. */
function fixedBody(bytes: Buffer, contentType: string) {
  return {
    body: (async function* () {
      yield bytes
    })(),
    headers: { 'content-type': contentType, 'content-length': String(bytes.length) },
  }
}

function txnErrors(text: string, where: string): Map<number, string> {
  const refused = new Map<number, string>()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new AppError('CONSUL_HTTP', `${where} refused a transaction with an answer that is not JSON.`)
  }
  const errors = (parsed as { Errors?: unknown } | null)?.Errors
  if (!Array.isArray(errors)) return refused
  for (const error of errors) {
    const { OpIndex, What } = (error ?? {}) as { OpIndex?: unknown; What?: unknown }
    if (typeof OpIndex === 'number') refused.set(OpIndex, typeof What === 'string' ? What : 'refused')
  }
  return refused
}
