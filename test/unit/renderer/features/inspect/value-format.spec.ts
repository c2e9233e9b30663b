import { describe, expect, it } from 'vitest'
import {
  bytesToHex,
  classifyValue,
  hexDump,
  taggedField,
} from '../../../../../src/renderer/features/inspect/value-format'

const bytes = (s: string) => new TextEncoder().encode(s)

describe('KV value classification', () => {
  it('pretty-prints JSON objects and arrays', () => {
    const view = classifyValue(bytes('{"a":1,"b":[true]}'))
    expect(view).toEqual({
      kind: 'json',
      text: '{"a":1,"b":[true]}',
      pretty: '{\n  "a": 1,\n  "b": [\n    true\n  ]\n}',
    })
  })

  it('shows clean UTF-8 as text, including text that only looks like JSON', () => {
    expect(classifyValue(bytes('max_conns = 10\n'))).toEqual({ kind: 'text', text: 'max_conns = 10\n' })
    expect(classifyValue(bytes('{not json'))).toEqual({ kind: 'text', text: '{not json' })
  })

  it('shows bytes that are not text as a hex dump', () => {
    const view = classifyValue(new Uint8Array([0x00, 0xff, 0x41]))
    expect(view.kind).toBe('binary')
    const hex = view.kind === 'binary' ? view.hex : ''
    // As `hexdump -C`: offset, two spaces, 16 byte columns (a gap after eight), then the ASCII.
    expect(hex.startsWith('00000000  00 ff 41 ')).toBe(true)
    expect(hex.indexOf('|')).toBe(10 + 16 * 3 + 2)
    expect(hex.endsWith('|..A|')).toBe(true)
  })

  it('cuts hex dumps of large values and says how much is left', () => {
    const dump = hexDump(new Uint8Array(64 * 1024 + 10))
    expect(dump.split('\n').at(-1)).toBe('… 10 more bytes')
  })
})

describe('record field tags', () => {
  it('reads bytes, extensions and masked secrets as the catalogue tags them', () => {
    expect(taggedField({ binary: 'AAE=' })).toEqual({ kind: 'bytes', base64: 'AAE=', ext: null })
    expect(taggedField({ ext: 5, binary: 'AAE=' })).toEqual({ kind: 'bytes', base64: 'AAE=', ext: 5 })
    expect(taggedField({ masked: true, text: '••' })).toEqual({ kind: 'masked', text: '••' })
  })

  it('leaves maps that only resemble a tag as maps', () => {
    expect(taggedField({ binary: 'not base64!' })).toBeNull()
    expect(taggedField({ binary: 'AAE=', owner: 'web' })).toBeNull()
    expect(taggedField({ masked: 'yes', text: 'x' })).toBeNull()
    expect(taggedField(['binary'])).toBeNull()
  })

  it('writes bytes as one run of hex digits', () => {
    expect(bytesToHex(new Uint8Array([0x00, 0xab, 0x10]))).toBe('00ab10')
  })
})
