import { isUtf8 } from 'node:buffer'

/**
 * KV keys are Go strings: bytes, usually UTF-8. Valid UTF-8 decodes as is; otherwise every byte
 * that does not start a valid sequence becomes U+FFFD, one per byte, which is what Go's JSON
 * encoder writes for such a key (and keeps rune counts equal to Go's for column widths).
 */
export function kvKeyText(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (isUtf8(buffer)) return buffer.toString('utf8')
  let out = ''
  let i = 0
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i)
    if (length === 0) {
      out += '\ufffd'
      i++
    } else {
      out += buffer.toString('utf8', i, i + length)
      i += length
    }
  }
  return out
}

function validSequenceLength(b: Uint8Array, i: number): number {
  const c = b[i] as number
  if (c < 0x80) return 1
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const v = b[i + k]
    return v !== undefined && v >= lo && v <= hi
  }
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0
  if (c >= 0xe1 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0
  return 0
}

/** Orders strings by their UTF-8 bytes (Go's string order), not by UTF-16 code units. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    // Surrogates (code points above U+FFFF) sort after U+E000..U+FFFF in UTF-8.
    if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000
    if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000
    return x - y
  }
  return a.length - b.length
}
