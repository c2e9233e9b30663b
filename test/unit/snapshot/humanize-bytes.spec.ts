import { describe, expect, it } from 'vitest'
import { humanizeBytes } from '../../../src/main/services/snapshot'

describe('humanizeBytes', () => {
  it.each([
    [0, '0'],
    [1, '1B'],
    [313, '313B'],
    [1023, '1023B'],
    [1024, '1KB'],
    [1740, '1.7KB'],
    [5141, '5KB'],
    [5 * 1024 * 1024, '5MB'],
    [Math.round(4.3 * 2 ** 30), '4.3GB'],
    [2 ** 40, '1TB'],
    [3 * 2 ** 50, '3072TB'],
  ])('prints %d bytes as %s', (bytes, text) => {
    expect(humanizeBytes(bytes)).toBe(text)
  })

  it.each([
    [1280, '1.2KB'], // 1.25 is an exact tie: Go rounds to even, unlike toFixed
    [3840, '3.8KB'], // 3.75: tie, rounds to even (up)
    [1331, '1.3KB'], // 1.2998...: not a tie
    [2.25 * 2 ** 20, '2.2MB'],
    [Math.round(2.35 * 2 ** 20), '2.4MB'], // just above the tie: nearest decides
    [Math.round(1.95 * 2 ** 30), '2GB'],
    [Math.floor(1.95 * 2 ** 30), '1.9GB'], // just below the tie
    [10239, '10KB'], // 9.999 rounds up and the trailing .0 goes
  ])('rounds %d bytes half-to-even on the exact value: %s', (bytes, text) => {
    expect(humanizeBytes(bytes)).toBe(text)
  })

  it('accepts bigint input', () => {
    expect(humanizeBytes(1536n)).toBe('1.5KB')
  })
})
