// Where two JSON views of one record differ, as field paths: objects are followed key by key,
// anything else (arrays included: a list's order is part of its meaning) is compared whole.
import type { JsonView } from '../snapshot/catalogue'

export interface FieldDifference {
  path: string[]
  /** absent when the field is not on that side */
  before?: JsonView
  after?: JsonView
}

const isObject = (v: JsonView | undefined): v is { [key: string]: JsonView } =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

export function sameJson(a: JsonView, b: JsonView): boolean {
  if (a === b) return true
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i] as JsonView))
  if (!isObject(a) || !isObject(b)) return false
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k] as JsonView, b[k] as JsonView))
}

export function fieldDifferences(before: JsonView, after: JsonView, path: string[] = []): FieldDifference[] {
  if (!isObject(before) || !isObject(after)) return sameJson(before, after) ? [] : [{ path, before, after }]
  const out: FieldDifference[] = []
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  for (const key of keys) {
    const inBefore = Object.hasOwn(before, key)
    const inAfter = Object.hasOwn(after, key)
    if (inBefore && inAfter)
      out.push(...fieldDifferences(before[key] as JsonView, after[key] as JsonView, [...path, key]))
    else if (inBefore) out.push({ path: [...path, key], before: before[key] as JsonView })
    else out.push({ path: [...path, key], after: after[key] as JsonView })
  }
  return out
}

/** The value at `path` in a view, or undefined when it is not there. */
export function valueAt(view: JsonView, path: readonly string[]): JsonView | undefined {
  let node: JsonView | undefined = view
  for (const step of path) {
    if (Array.isArray(node)) node = node[Number(step)]
    else if (isObject(node) && Object.hasOwn(node, step)) node = node[step]
    else return undefined
  }
  return node
}
