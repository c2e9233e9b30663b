/**
 * Sizes as `consul snapshot inspect` prints them: powers of 1024, one decimal with a trailing
 * `.0` dropped, and a bare `0`, so numbers on screen match what operators see in their terminal.
 */
const UNITS: Array<[string, number]> = [
  ['TB', 2 ** 40],
  ['GB', 2 ** 30],
  ['MB', 2 ** 20],
  ['KB', 2 ** 10],
]

export function formatBytes(bytes: number): string {
  if (bytes === 0) return '0'
  for (const [unit, size] of UNITS) {
    if (bytes >= size) return `${trimmed(bytes / size)}${unit}`
  }
  return `${trimmed(bytes)}B`
}

function trimmed(value: number): string {
  return value.toFixed(1).replace(/\.0$/, '')
}

export function formatRate(bytesPerSecond: number | undefined): string {
  return bytesPerSecond === undefined ? '' : `${formatBytes(Math.round(bytesPerSecond))}/s`
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US')
}
