// The record part of a comparison: for each kind, records are matched by their identity within
// the kind (a token by its accessor ID, a service by node and ID, a config entry by kind and
// name…), then compared as the content browser shows them, churn left out. Secrets are compared
// in clear but never handed out: a changed secret is a changed path with no values, and any
// other value is taken from the masked view.
import type { FieldChangeWire, RecordChangeWire, RecordDiffKind } from '../../../shared/diff-wire-types'
import { AppError } from '../../../shared/app-error'
import {
  findMaskedPaths,
  type JsonView,
  type RecordItem,
  type SnapshotCatalogue,
} from '../snapshot/catalogue'
import { withoutChurn } from './churn-fields'
import { fieldDifferences, sameJson, valueAt } from './field-diff'

/** Records read back per batch, per side. */
const BATCH = 256

/** Items of a kind by identity. A repeated identity keeps the last record, as a restore would. */
function byId(catalogue: SnapshotCatalogue, kind: RecordDiffKind): Map<string, RecordItem> {
  const out = new Map<string, RecordItem>()
  for (const item of catalogue.recordItems(kind)) {
    // Intentions live in service-intentions config entries; they are compared one by one as
    // intentions, so the entries holding them are not reported a second time.
    if (kind === 'config-entries' && item.subtitle === 'service-intentions') continue
    out.set(item.id, item)
  }
  return out
}

const startsWith = (path: readonly string[], prefix: readonly string[]): boolean =>
  prefix.length <= path.length && prefix.every((step, i) => path[i] === step)

function fieldChanges(revealed: [JsonView, JsonView], masked: [JsonView, JsonView]): FieldChangeWire[] {
  const secrets = [...findMaskedPaths(masked[0]), ...findMaskedPaths(masked[1])]
  return fieldDifferences(revealed[0], revealed[1]).map(({ path, before, after }) => {
    const change: FieldChangeWire = { path: path.join('.'), secret: secrets.some((s) => startsWith(path, s)) }
    if (change.secret) return change
    // Values come from the masked views, so a secret inside a changed map or list stays masked.
    if (before !== undefined) change.before = valueAt(masked[0], path) ?? null
    if (after !== undefined) change.after = valueAt(masked[1], path) ?? null
    return change
  })
}

export interface RecordDiffOptions {
  signal?: AbortSignal
  /** compare raft indexes and hashes too; they are churn otherwise */
  includeIndexes?: boolean
}

/** The changed, added and removed records of one kind, in identity order. */
export async function diffRecords(
  left: SnapshotCatalogue,
  right: SnapshotCatalogue,
  kind: RecordDiffKind,
  options: RecordDiffOptions = {},
): Promise<RecordChangeWire[]> {
  const before = byId(left, kind)
  const after = byId(right, kind)
  const normal = options.includeIndexes === true ? (view: JsonView): JsonView => view : withoutChurn
  const changes: RecordChangeWire[] = []
  const both: [RecordItem, RecordItem][] = []
  for (const [id, item] of before) {
    const other = after.get(id)
    if (other === undefined) changes.push({ kind, op: 'removed', id, title: item.title, fields: [] })
    else both.push([item, other])
  }
  for (const [id, item] of after)
    if (!before.has(id)) changes.push({ kind, op: 'added', id, title: item.title, fields: [] })

  for (let from = 0; from < both.length; from += BATCH) {
    if (options.signal?.aborted) throw new AppError('CANCELLED', 'The comparison was cancelled.')
    const pairs = both.slice(from, from + BATCH)
    const lefts = (
      await left.recordViews(
        pairs.map((p) => p[0]),
        true,
      )
    ).map(normal)
    const rights = (
      await right.recordViews(
        pairs.map((p) => p[1]),
        true,
      )
    ).map(normal)
    const differing = pairs.flatMap((pair, i) =>
      sameJson(lefts[i] as JsonView, rights[i] as JsonView) ? [] : [{ pair, i }],
    )
    if (differing.length === 0) continue
    const maskedLeft = await left.recordViews(
      differing.map((d) => d.pair[0]),
      false,
    )
    const maskedRight = await right.recordViews(
      differing.map((d) => d.pair[1]),
      false,
    )
    differing.forEach(({ pair, i }, n) => {
      const fields = fieldChanges(
        [lefts[i] as JsonView, rights[i] as JsonView],
        [normal(maskedLeft[n] as JsonView), normal(maskedRight[n] as JsonView)],
      )
      changes.push({ kind, op: 'changed', id: pair[1].id, title: pair[1].title, fields })
    })
  }
  return changes.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
}
