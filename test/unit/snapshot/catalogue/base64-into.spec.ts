// The export's base64 is written straight into its text buffer: it must be, byte for byte, what
// Node's (and Go's) standard encoding makes, for every length and wherever source and text lie.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { base64Into, base64Length } from '../../../../src/main/services/snapshot/catalogue/base64-into'

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/** Encodes src[start, end) at `at` in a buffer of sentinels; returns the text and what surrounds it. */
function encode(
  src: Uint8Array,
  start: number,
  end: number,
  at: number,
): { text: string; untouched: boolean } {
  const size = base64Length(end - start)
  const out = new Uint8Array(at + size + 8).fill(0xee)
  const stop = base64Into(view(src), start, end, view(out), at)
  expect(stop).toBe(at + size)
  const untouched =
    out.subarray(0, at).every((b) => b === 0xee) && out.subarray(stop).every((b) => b === 0xee)
  return { text: Buffer.from(out.subarray(at, stop)).toString('latin1'), untouched }
}

describe('base64 into a buffer', () => {
  it('matches the standard encoding for every length up to 100, any source offset and text position', () => {
    const src = Uint8Array.from({ length: 120 }, (_, i) => (i * 151 + 7) & 0xff)
    for (let start = 0; start < 4; start++)
      for (let length = 0; length <= 100; length++)
        for (const at of [0, 1, 3]) {
          const got = encode(src, start, start + length, at)
          expect(got.text).toBe(Buffer.from(src.subarray(start, start + length)).toString('base64'))
          expect(got.untouched).toBe(true)
        }
  })

  it('matches it for any bytes, including a source that is a view into a larger buffer', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.nat({ max: 7 }),
        fc.nat({ max: 7 }),
        (bytes, lead, at) => {
          const backing = new Uint8Array(lead + bytes.length + 5)
          backing.set(bytes, lead)
          const src = backing.subarray(lead, lead + bytes.length)
          const got = encode(src, 0, src.length, at)
          expect(got.text).toBe(Buffer.from(bytes).toString('base64'))
          expect(got.untouched).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })
})
