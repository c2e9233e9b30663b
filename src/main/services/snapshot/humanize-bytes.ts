/**
 * Byte counts as `consul snapshot inspect` prints them: powers of 1024, one decimal with a
 * trailing ".0" dropped, and 0 as a bare "0". Go formats with strconv.FormatFloat(v, 'f', 1),
 * which rounds the exact binary value and sends exact ties to the even digit (1280 B → "1.2KB"
 * where JavaScript's toFixed would say "1.3"); the quotient is a power-of-two division, so the
 * rounding is done here exactly with integers.
 */
const UNITS: ReadonlyArray<readonly [bigint, string]> = [
  [1n << 40n, 'TB'],
  [1n << 30n, 'GB'],
  [1n << 20n, 'MB'],
  [1n << 10n, 'KB'],
]

export function humanizeBytes(n: number | bigint): string {
  const bytes = typeof n === 'bigint' ? n : BigInt(Math.trunc(n))
  if (bytes <= 0n) return '0'
  let divisor = 1n
  let unit = 'B'
  for (const [limit, name] of UNITS) {
    if (bytes >= limit) {
      divisor = limit
      unit = name
      break
    }
  }
  const scaled = bytes * 10n
  let tenths = scaled / divisor
  const twiceRemainder = (scaled % divisor) * 2n
  if (twiceRemainder > divisor || (twiceRemainder === divisor && tenths % 2n === 1n)) tenths += 1n
  const whole = tenths / 10n
  const fraction = tenths % 10n
  return `${whole}${fraction === 0n ? '' : `.${fraction}`}${unit}`
}
