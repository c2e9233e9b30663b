// How `snapshot-studio diff` prints a comparison: a readable report (counts per kind, then each
// change on one line, like `diff`'s + and -), or one JSON document whose changes are written one
// by one, so a million changed keys never sit in memory as text.
import { printableText } from '../../shared/printable-text'
import {
  diffKindLabels,
  type ChangeCounts,
  type ChangeWire,
  type DiffKind,
  type FieldChangeWire,
} from '../../shared/diff-wire-types'
import type { ComparisonSummary } from '../services/diff'

const MARK = { added: '+', removed: '-', changed: '~' } as const
const MAX_SHOWN = 60

interface Out {
  write(chunk: string): unknown
}

function countsText(c: ChangeCounts): string {
  return (['added', 'removed', 'changed'] as const)
    .filter((op) => c[op] > 0)
    .map((op) => `${c[op]} ${op}`)
    .join(', ')
}

function shown(value: unknown): string {
  if (value === undefined) return '(absent)'
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value)
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text
}

function fieldText(field: FieldChangeWire): string {
  const name = field.path === '' ? '(record)' : field.path
  if (field.secret) return `${name}: secret changed`
  return `${name}: ${shown(field.before)} → ${shown(field.after)}`
}

function changeLine(change: ChangeWire): string {
  if (change.kind === 'kv') {
    const what = change.fields.length > 0 ? `  (${change.fields.join(', ')})` : ''
    return `  ${MARK[change.op]} ${printableText(change.key)}${what}`
  }
  const title = change.title !== '' && change.title !== change.id ? ` "${change.title}"` : ''
  const head = `  ${MARK[change.op]} ${change.id}${title}`
  if (change.fields.length === 0) return printableText(head)
  return printableText(head) + change.fields.map((f) => `\n      ${printableText(fieldText(f))}`).join('')
}

export async function writePrettyReport(
  out: Out,
  summary: ComparisonSummary,
  changes: AsyncIterable<ChangeWire>,
): Promise<void> {
  const side = (s: ComparisonSummary['left']): string => `${printableText(s.label)} (index ${s.index})`
  out.write(`Comparing ${side(summary.left)} with ${side(summary.right)}\n`)
  if (summary.prefix !== '') out.write(`KV limited to keys under "${printableText(summary.prefix)}"\n`)
  let kind: DiffKind | undefined
  for await (const change of changes) {
    if (change.kind !== kind) {
      kind = change.kind
      out.write(`\n${diffKindLabels[kind]}: ${countsText(summary.counts[kind])}\n`)
    }
    out.write(changeLine(change) + '\n')
  }
  out.write(
    summary.total === 0
      ? '\nNo differences.\n'
      : `\n${summary.total} difference${summary.total === 1 ? '' : 's'}.\n`,
  )
}

export async function writeJsonReport(
  out: Out,
  summary: ComparisonSummary,
  changes: AsyncIterable<ChangeWire>,
): Promise<void> {
  const head = JSON.stringify({ ...summary, identical: summary.total === 0 }, null, 2)
  out.write(`${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "changes": [`)
  let first = true
  for await (const change of changes) {
    out.write(`${first ? '' : ','}\n    ${JSON.stringify(change)}`)
    first = false
  }
  out.write(first ? ']\n}\n' : '\n  ]\n}\n')
}
