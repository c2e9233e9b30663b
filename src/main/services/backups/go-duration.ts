/**
 * Go's `time.ParseDuration`, because the Enterprise agent's `interval`, `deregister_after` and
 * friends are Go durations and a config written for it must mean the same here. No npm package
 * implements Go's exact grammar (several units in a row as in `1h30m`, fractions like `1.5h`,
 * `µs`/`us`, a bare `0`, and the rejection of a missing unit): the ms/humanize style parsers
 * accept `1 hour` or `1.5` and reject `1h30m`, so a config could silently change meaning.
 *
 * Returns milliseconds (fractions kept). Negative durations parse, as in Go; callers decide.
 */
const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  '\u00b5s': 1_000n, // micro sign
  '\u03bcs': 1_000n, // Greek small mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
}

/** Go's limit: durations are int64 nanoseconds (about 290 years). */
const MAX_NS = (1n << 63n) - 1n

export function parseGoDuration(text: string): number | null {
  let rest = text
  let negative = false
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-')
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') return null
  let totalNs = 0n
  // Fractions are summed exactly as numerator/denominator nanoseconds to avoid float drift.
  while (rest !== '') {
    // The micro signs as escapes: one character above U+00FF anywhere in the agent's bundle makes V8
    // hold its whole source as UTF-16, twice the memory (docs/agent.md, idle cost).
    const m = /^(\d*)(?:\.(\d*))?([a-z\u00b5\u03bc]+)/.exec(rest)
    if (m === null) return null
    const [whole, intPart = '', fracPart, unitText = ''] = m
    if (intPart === '' && (fracPart === undefined || fracPart === '')) return null
    const unit = UNIT_NS[unitText]
    if (unit === undefined) return null
    totalNs += BigInt(intPart === '' ? '0' : intPart) * unit
    if (fracPart !== undefined && fracPart !== '') {
      totalNs += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length)
    }
    if (totalNs > MAX_NS) return null
    rest = rest.slice(whole.length)
  }
  const ms = Number(totalNs) / 1e6
  return negative ? -ms : ms
}

/** A duration the way Go prints it (`1h30m0s`, `15s`, `500ms`), for log lines and status. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s'
  const sign = ms < 0 ? '-' : ''
  let rest = Math.abs(ms)
  if (rest < 1000) return `${sign}${trimNumber(rest)}ms`
  const hours = Math.floor(rest / 3_600_000)
  rest -= hours * 3_600_000
  const minutes = Math.floor(rest / 60_000)
  rest -= minutes * 60_000
  const seconds = trimNumber(rest / 1000)
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`
  return `${sign}${seconds}s`
}

function trimNumber(value: number): string {
  return String(Number(value.toFixed(9)))
}
