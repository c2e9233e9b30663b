// Standard base64 (with padding), written straight into a byte buffer. Node's encoder only returns
// a string, which the export then had to copy into its text buffer: for a KV export that is two
// native calls and a short-lived string per value, and measured slower than this on values of a
// few hundred bytes (the common size) while the strings kept the collector busy.

const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')
const PAD = 0x3d

// Every 12-bit group as its two characters, little-endian, so 3 input bytes become one 32-bit
// store of 4 characters.
const PAIRS = new Uint16Array(4096)
for (let i = 0; i < 4096; i++) PAIRS[i] = (ALPHABET[i >> 6] as number) | ((ALPHABET[i & 63] as number) << 8)

/** How many characters base64 makes of `length` bytes. */
export function base64Length(length: number): number {
  return Math.ceil(length / 3) * 4
}

/**
 * Encodes the bytes [start, end) of `src` into `out` from `at` (which must have
 * base64Length(end - start) bytes free there) and returns where the text ends. Positions are
 * those of the views: callers keep one view per buffer, as one per value would cost an object
 * each.
 */
export function base64Into(src: DataView, start: number, end: number, out: DataView, at: number): number {
  const whole = end - ((end - start) % 3)
  let i = start
  // Twelve bytes at a time, read as three 32-bit words (a DataView reads any alignment).
  for (const last = whole - 12; i <= last; i += 12) {
    const w1 = src.getUint32(i)
    const w2 = src.getUint32(i + 4)
    const w3 = src.getUint32(i + 8)
    const a = w1 >>> 8
    const b = ((w1 & 0xff) << 16) | (w2 >>> 16)
    const c = ((w2 & 0xffff) << 8) | (w3 >>> 24)
    const d = w3 & 0xffffff
    out.setUint32(at, (PAIRS[a >>> 12] as number) | ((PAIRS[a & 4095] as number) << 16), true)
    out.setUint32(at + 4, (PAIRS[b >>> 12] as number) | ((PAIRS[b & 4095] as number) << 16), true)
    out.setUint32(at + 8, (PAIRS[c >>> 12] as number) | ((PAIRS[c & 4095] as number) << 16), true)
    out.setUint32(at + 12, (PAIRS[d >>> 12] as number) | ((PAIRS[d & 4095] as number) << 16), true)
    at += 16
  }
  for (; i < whole; i += 3) {
    const x = (src.getUint16(i) << 8) | src.getUint8(i + 2)
    out.setUint32(at, (PAIRS[x >>> 12] as number) | ((PAIRS[x & 4095] as number) << 16), true)
    at += 4
  }
  const left = end - i
  if (left === 1) {
    const x = src.getUint8(i)
    out.setUint32(at, (PAIRS[x << 4] as number) | (PAD << 16) | (PAD << 24), true)
    at += 4
  } else if (left === 2) {
    const x = src.getUint16(i)
    out.setUint32(
      at,
      (PAIRS[x >>> 4] as number) | ((ALPHABET[(x & 15) << 2] as number) << 16) | (PAD << 24),
      true,
    )
    at += 4
  }
  return at
}
