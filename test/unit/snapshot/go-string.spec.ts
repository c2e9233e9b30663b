import { describe, expect, it } from 'vitest'
import {
  byteStringOf,
  kvKeyText,
  runeCount,
  textFromByteString,
  toByteString,
} from '../../../src/main/services/snapshot/go-string'

const bytes = (hex: string) => Buffer.from(hex, 'hex')

describe('Go strings as byte strings', () => {
  it('round-trips text through its UTF-8 bytes', () => {
    const text = 'ключ/€/😀'
    expect(toByteString(text)).toBe(Buffer.from(text).toString('latin1'))
    expect(textFromByteString(toByteString(text))).toBe(text)
  })

  it('counts runes like utf8.RuneCount: one per valid sequence, one per invalid byte', () => {
    expect(runeCount(toByteString('aé€😀'))).toBe(4)
    expect(runeCount(byteStringOf(bytes('ff')))).toBe(1)
    expect(runeCount(byteStringOf(bytes('c3')))).toBe(1) // truncated sequence
    expect(runeCount(byteStringOf(bytes('e282')))).toBe(2) // truncated 3-byte sequence: two invalid bytes
    expect(runeCount(byteStringOf(bytes('eda080')))).toBe(3) // encoded surrogate: invalid in Go
    expect(runeCount(byteStringOf(bytes('c0af')))).toBe(2) // overlong
  })

  it('shows every invalid byte as one U+FFFD, as Go does', () => {
    expect(kvKeyText(bytes('6b2fff2f78'))).toBe('k/\ufffd/x')
    expect(kvKeyText(bytes('e282'))).toBe('\ufffd\ufffd')
    expect(kvKeyText(bytes('f09f9880'))).toBe('😀')
    expect(kvKeyText(new Uint8Array([0x61, 0xfe]))).toBe('a\ufffd')
  })
})
