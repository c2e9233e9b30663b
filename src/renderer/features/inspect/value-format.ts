/**
 * How a KV value is best shown: pretty JSON when it parses as an object or array, text when it
 * is clean UTF-8, else a hex dump. Consul stores bytes, so all three occur in real clusters.
 */
export type ValueView =
  | { kind: 'json'; text: string; pretty: string }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; hex: string }

const HEX_LIMIT = 64 * 1024

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export function classifyValue(bytes: Uint8Array): ValueView {
  const text = decodeUtf8(bytes)
  if (text === null) return { kind: 'binary', hex: hexDump(bytes) }
  const trimmed = text.trim()
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { kind: 'json', text, pretty: JSON.stringify(JSON.parse(trimmed), null, 2) }
    } catch {
      // not JSON after all: shown as text
    }
  }
  return { kind: 'text', text }
}

function decodeUtf8(bytes: Uint8Array): string | null {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return null
  }
  // Control characters other than tab and line breaks mean the bytes are not meant as text.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return null
  }
  return text
}

/** `offset  16 hex bytes  |ascii|`, like `hexdump -C`, cut at 64 KiB. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = []
  const end = Math.min(bytes.length, HEX_LIMIT)
  for (let offset = 0; offset < end; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, end))
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0'))
    const left = hex.slice(0, 8).join(' ')
    const right = hex.slice(8).join(' ')
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`)
  }
  if (bytes.length > end) lines.push(`… ${bytes.length - end} more bytes`)
  return lines.join('\n')
}

/** Bytes as one run of lowercase hex digits, the way hashes and keys are usually compared. */
export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** A record field's tagged shapes (see RecordValueWire): bytes, an extension, a masked secret. */
export type TaggedField =
  { kind: 'bytes'; base64: string; ext: number | null } | { kind: 'masked'; text: string }

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/**
 * Reads a field's tag. The catalogue writes bytes as `{ binary }` and extensions as
 * `{ ext, binary }`, so a map with exactly those keys and a base64 string is taken as bytes.
 */
export function taggedField(value: unknown): TaggedField | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).sort().join(',')
  const binary = record['binary']
  if (typeof binary === 'string' && BASE64.test(binary) && binary.length % 4 === 0) {
    if (keys === 'binary') return { kind: 'bytes', base64: binary, ext: null }
    if (keys === 'binary,ext' && typeof record['ext'] === 'number')
      return { kind: 'bytes', base64: binary, ext: record['ext'] }
  }
  if (keys === 'masked,text' && record['masked'] === true && typeof record['text'] === 'string')
    return { kind: 'masked', text: record['text'] }
  return null
}
