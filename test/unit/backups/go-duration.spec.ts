import { describe, expect, it } from 'vitest'
import { formatGoDuration, parseGoDuration } from '../../../src/main/services/backups/go-duration'

describe('parseGoDuration reads durations exactly as Go time.ParseDuration', () => {
  it.each([
    ['0', 0],
    ['1h', 3_600_000],
    ['15s', 15_000],
    ['72h', 259_200_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['.5s', 500],
    ['1.s', 1000],
    ['500ms', 500],
    ['250us', 0.25],
    ['250\u00b5s', 0.25],
    ['1000000ns', 1],
    ['2h45m30.5s', 9_930_500],
    ['-1m', -60_000],
    ['+10s', 10_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms)
  })

  it.each(['', '1', '10', 'h', '1x', '1 h', '1hour', '.s', '1h 30m', '5d', '-', '1e3s'])(
    'refuses %j',
    (text) => {
      expect(parseGoDuration(text)).toBeNull()
    },
  )

  it('refuses durations beyond int64 nanoseconds, as Go does', () => {
    expect(parseGoDuration('2562048h')).toBeNull()
    expect(parseGoDuration('2562047h')).not.toBeNull()
  })
})

describe('formatGoDuration prints the way Go does', () => {
  it.each([
    [0, '0s'],
    [15_000, '15s'],
    [3_600_000, '1h0m0s'],
    [5_400_000, '1h30m0s'],
    [90_000, '1m30s'],
    [500, '500ms'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text)
  })
})
