// How the value viewer should show a KV value: pretty JSON, text, or a hex dump.
import type { ValueKind } from './catalogue-types'
import { isPrintableText } from './record-view'

export function detectValueKind(value: Buffer): ValueKind {
  if (!isPrintableText(value)) return 'binary'
  const text = value.toString('utf8').trim()
  // Only documents count as JSON: a bare `42` or `"x"` reads better as text.
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      JSON.parse(text)
      return 'json'
    } catch {
      return 'text'
    }
  }
  return 'text'
}
