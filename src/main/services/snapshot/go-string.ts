import { isUtf8 } from 'node:buffer'

/**
 * Go strings are bytes, usually but not always UTF-8 (a KV key can be any bytes). Where output
 * must match Go byte for byte we carry them as "byte strings": one char per byte (latin1), which
 * also makes JavaScript's string order Go's byte order. These helpers convert and measure them
 * the way Go does: an invalid byte is one rune, U+FFFD when seen as text.
 */

/** Text as its UTF-8 bytes, one char per byte. */
export function toByteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1')
}

/** Bytes as a byte string. */
export function byteStringOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

/** True when the byte string is valid UTF-8 (then its text round-trips exactly). */
export function isUtf8ByteString(bytes: string): boolean {
  return isUtf8(Buffer.from(bytes, 'latin1'))
}

/** Go's utf8.RuneCount over a byte string: a valid sequence is one rune, so is an invalid byte. */
export function runeCount(bytes: string): number {
  let count = 0
  let i = 0
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i)
    i += length === 0 ? 1 : length
    count++
  }
  return count
}

/** Length of the valid UTF-8 sequence starting at `i` of a byte string, or 0 if there is none. */
export function utf8SequenceLength(b: string, i: number): number {
  const c = b.charCodeAt(i)
  if (c < 0x80) return 1
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const v = b.charCodeAt(i + k)
    return v >= lo && v <= hi
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

/** Text of a byte string as Go's for-range sees it: each invalid byte becomes U+FFFD. */
export function textFromByteString(bytes: string): string {
  let out = ''
  let i = 0
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i)
    if (length === 0) {
      out += '\ufffd'
      i++
    } else {
      out += Buffer.from(bytes.slice(i, i + length), 'latin1').toString('utf8')
      i += length
    }
  }
  return out
}

/**
 * Bytes as text, the way Go's JSON encoder and for-range loops see them: valid UTF-8 decodes as
 * is, every byte that does not start a valid sequence becomes U+FFFD (one per byte).
 */
export function kvKeyText(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (isUtf8(buffer)) return buffer.toString('utf8')
  return textFromByteString(buffer.toString('latin1'))
}
