// What differs between two snapshots of one cluster without anything having changed: raft
// indexes stamped on every write (and, for ACL objects, a hash of the content that the other
// fields already show). A comparison leaves these out unless the operator asks for them.
import type { JsonView } from '../snapshot/catalogue'

export const CHURN_FIELDS: ReadonlySet<string> = new Set([
  'CreateIndex',
  'ModifyIndex',
  'RaftIndex',
  'LockIndex',
  'Hash',
])

const isObject = (v: JsonView): v is { [key: string]: JsonView } =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The view without churn fields, at any depth. */
export function withoutChurn(view: JsonView): JsonView {
  if (Array.isArray(view)) return view.map(withoutChurn)
  if (!isObject(view)) return view
  const out: { [key: string]: JsonView } = {}
  for (const [key, value] of Object.entries(view)) if (!CHURN_FIELDS.has(key)) out[key] = withoutChurn(value)
  return out
}
