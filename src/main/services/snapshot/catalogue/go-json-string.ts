// A JSON string literal exactly as Go's encoding/json writes it (with HTML escaping on, the
// default `json.Marshal` uses): `<`, `>`, `&` as \u003c \u003e \u0026, U+2028/U+2029 escaped,
// \b \f \n \r \t short forms (Go 1.22+), other control bytes as \u00XX in lower-case hex, and
// each byte of invalid UTF-8 replaced by \ufffd. Works on bytes, because Consul keys are Go
// strings: arbitrary bytes that are usually UTF-8.

const HEX = '0123456789abcdef'

/** Length of the valid UTF-8 sequence at `i` (Go's utf8.DecodeRune rules), or 0 if invalid. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number
  const n = bytes.length
  const cont = (j: number): boolean => j < n && ((bytes[j] as number) & 0xc0) === 0x80
  if (b0 < 0x80) return 1
  if (b0 < 0xc2) return 0
  if (b0 < 0xe0) return cont(i + 1) ? 2 : 0
  if (b0 < 0xf0) {
    if (!cont(i + 1) || !cont(i + 2)) return 0
    const b1 = bytes[i + 1] as number
    if (b0 === 0xe0 && b1 < 0xa0) return 0 // overlong
    if (b0 === 0xed && b1 >= 0xa0) return 0 // surrogate halves
    return 3
  }
  if (b0 < 0xf5) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0
    const b1 = bytes[i + 1] as number
    if (b0 === 0xf0 && b1 < 0x90) return 0 // overlong
    if (b0 === 0xf4 && b1 >= 0x90) return 0 // beyond U+10FFFF
    return 4
  }
  return 0
}

/** Bytes that go out as they are: printable ASCII other than `"`, `\\`, `<`, `>`, `&`. */
const PLAIN = new Uint8Array(256)
for (let b = 0x20; b < 0x80; b++)
  PLAIN[b] = b === 0x22 || b === 0x5c || b === 0x3c || b === 0x3e || b === 0x26 ? 0 : 1

function escapeAscii(b: number): string | undefined {
  if (b === 0x22) return '\\"'
  if (b === 0x5c) return '\\\\'
  if (b === 0x3c || b === 0x3e || b === 0x26) return '\\u00' + HEX[b >> 4] + HEX[b & 0xf]
  if (b >= 0x20) return undefined
  if (b === 0x08) return '\\b'
  if (b === 0x0c) return '\\f'
  if (b === 0x0a) return '\\n'
  if (b === 0x0d) return '\\r'
  if (b === 0x09) return '\\t'
  return '\\u00' + HEX[b >> 4] + HEX[b & 0xf]
}

/** True when bytes [start, end) go into a JSON string unchanged (printable ASCII, nothing to escape). */
export function isPlainJson(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  for (let i = start; i < end; i++) if (PLAIN[bytes[i] as number] !== 1) return false
  return true
}

export function goJsonString(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let i = 0
  while (i < buf.length && PLAIN[buf[i] as number] === 1) i++
  // Most keys are plain ASCII: one copy, no scanning twice.
  if (i === buf.length) return '"' + buf.toString('latin1') + '"'
  let out = '"' + buf.toString('latin1', 0, i)
  let start = i
  while (i < buf.length) {
    const b = buf[i] as number
    if (b < 0x80) {
      const esc = escapeAscii(b)
      if (esc !== undefined) {
        out += buf.toString('utf8', start, i) + esc
        start = i + 1
      }
      i++
      continue
    }
    const len = utf8SequenceLength(buf, i)
    if (len === 0) {
      out += buf.toString('utf8', start, i) + '\\ufffd'
      i++
      start = i
      continue
    }
    // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: e2 80 a8 / e2 80 a9.
    if (len === 3 && b === 0xe2 && buf[i + 1] === 0x80 && (buf[i + 2] === 0xa8 || buf[i + 2] === 0xa9)) {
      out += buf.toString('utf8', start, i) + (buf[i + 2] === 0xa8 ? '\\u2028' : '\\u2029')
      start = i + 3
    }
    i += len
  }
  return out + buf.toString('utf8', start, i) + '"'
}
