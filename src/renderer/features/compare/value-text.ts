// How a KV value is laid out for a side-by-side comparison: JSON pretty-printed with its keys in
// order (so a reordered object is not a change and a changed field is one line), other UTF-8
// text as it is, and anything else as a hex dump (16 bytes a line), so bytes can be compared too.

export type ValueLayout = 'json' | 'text' | 'binary'

function isText(bytes: Uint8Array): boolean {
  for (const b of bytes) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return true
  } catch {
    return false
  }
}

function sortedJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedJson)
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = sortedJson((value as Record<string, unknown>)[key])
  return out
}

function parseJson(text: string): unknown {
  const trimmed = text.trim()
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return undefined
  try {
    return JSON.parse(trimmed) as unknown
  } catch {
    return undefined
  }
}

export function decodeBase64(base64: string): Uint8Array {
  const raw = atob(base64)
  const bytes = new Uint8Array(raw.length)
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i)
  return bytes
}

function hexDump(bytes: Uint8Array): string {
  const lines: string[] = []
  for (let at = 0; at < bytes.length; at += 16) {
    const row = Array.from(bytes.subarray(at, at + 16), (b) => b.toString(16).padStart(2, '0'))
    lines.push(`${at.toString(16).padStart(8, '0')}  ${row.join(' ')}`)
  }
  return lines.join('\n')
}

/**
 * Both values laid out the same way: JSON only when both sides are JSON (or absent), text when
 * both are text, otherwise hex for both, so like is compared with like.
 */
export function layOutPair(
  before: Uint8Array | null,
  after: Uint8Array | null,
): { layout: ValueLayout; before: string; after: string } {
  const sides = [before, after]
  const present = sides.filter((s): s is Uint8Array => s !== null)
  if (present.every(isText)) {
    const texts = sides.map((s) => (s === null ? null : new TextDecoder().decode(s)))
    const json = texts.map((t) => (t === null ? null : parseJson(t)))
    if (json.every((j) => j !== undefined)) {
      const shown = json.map((j) => (j === null ? '' : JSON.stringify(sortedJson(j), null, 2)))
      return { layout: 'json', before: shown[0] as string, after: shown[1] as string }
    }
    return { layout: 'text', before: texts[0] ?? '', after: texts[1] ?? '' }
  }
  return {
    layout: 'binary',
    before: before === null ? '' : hexDump(before),
    after: after === null ? '' : hexDump(after),
  }
}
