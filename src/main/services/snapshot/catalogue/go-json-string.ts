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

export function goJsonString(bytes: Uint8Array): string {
  let out = '"'
  let start = 0
  const flush = (end: number): void => {
    if (end > start) out += Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8')
  }
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i] as number
    if (b < 0x80) {
      let esc: string | undefined
      if (b === 0x22) esc = '\\"'
      else if (b === 0x5c) esc = '\\\\'
      else if (b === 0x3c || b === 0x3e || b === 0x26) esc = '\\u00' + HEX[b >> 4] + HEX[b & 0xf]
      else if (b < 0x20) {
        if (b === 0x08) esc = '\\b'
        else if (b === 0x0c) esc = '\\f'
        else if (b === 0x0a) esc = '\\n'
        else if (b === 0x0d) esc = '\\r'
        else if (b === 0x09) esc = '\\t'
        else esc = '\\u00' + HEX[b >> 4] + HEX[b & 0xf]
      }
      if (esc !== undefined) {
        flush(i)
        out += esc
        start = i + 1
      }
      i++
      continue
    }
    const len = utf8SequenceLength(bytes, i)
    if (len === 0) {
      flush(i)
      out += '\\ufffd'
      i++
      start = i
      continue
    }
    // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: e2 80 a8 / e2 80 a9.
    if (
      len === 3 &&
      b === 0xe2 &&
      bytes[i + 1] === 0x80 &&
      (bytes[i + 2] === 0xa8 || bytes[i + 2] === 0xa9)
    ) {
      flush(i)
      out += bytes[i + 2] === 0xa8 ? '\\u2028' : '\\u2029'
      start = i + 3
    }
    i += len
  }
  flush(i)
  return out + '"'
}
