import { describe, expect, it } from 'vitest'
import { layOutPair } from '../../../../../src/renderer/features/compare/value-text'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('layOutPair', () => {
  it('pretty-prints JSON with keys in order, so only what changed differs', () => {
    const pair = layOutPair(bytes('{"b":1,"a":{"y":2,"x":1}}'), bytes('{"a":{"x":1,"y":3},"b":1}'))
    expect(pair.layout).toBe('json')
    expect(pair.before).toBe('{\n  "a": {\n    "x": 1,\n    "y": 2\n  },\n  "b": 1\n}')
    expect(pair.after).toBe('{\n  "a": {\n    "x": 1,\n    "y": 3\n  },\n  "b": 1\n}')
  })

  it('shows text as it is when either side is not JSON, and an absent side as empty', () => {
    expect(layOutPair(bytes('{"a":1}'), bytes('plain words'))).toEqual({
      layout: 'text',
      before: '{"a":1}',
      after: 'plain words',
    })
    expect(layOutPair(null, bytes('new'))).toEqual({ layout: 'text', before: '', after: 'new' })
  })

  it('compares bytes that are not text as hex dumps on both sides', () => {
    const pair = layOutPair(new Uint8Array([0, 255, 1]), bytes('text'))
    expect(pair).toEqual({ layout: 'binary', before: '00000000  00 ff 01', after: '00000000  74 65 78 74' })
  })
})
