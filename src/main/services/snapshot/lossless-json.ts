/**
 * A strict JSON parser (RFC 8259, like Go's encoding/json) that keeps numbers as their source
 * text, so 64-bit raft indexes and sizes survive exactly, and keeps object members in order with
 * duplicates (Go lets the last one win).
 */
export type JsonNode =
  | { kind: 'object'; members: Array<[string, JsonNode]> }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`)
  }
}

const MAX_DEPTH = 512

export function parseLosslessJson(text: string): JsonNode {
  let p = 0
  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, p)
  }
  const ws = () => {
    while (p < text.length) {
      const c = text.charCodeAt(p)
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) p++
      else break
    }
  }
  const parseString = (): string => {
    p++ // opening quote
    let out = ''
    let start = p
    for (;;) {
      if (p >= text.length) fail('unterminated string')
      const c = text.charCodeAt(p)
      if (c === 0x22) {
        out += text.slice(start, p)
        p++
        return out
      }
      if (c < 0x20) fail('control character in string')
      if (c === 0x5c) {
        out += text.slice(start, p)
        const e = text[p + 1]
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        }
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e]
          p += 2
        } else if (e === 'u') {
          const hex = text.slice(p + 2, p + 6)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape')
          out += String.fromCharCode(parseInt(hex, 16))
          p += 6
        } else fail('invalid escape')
        start = p
        continue
      }
      p++
    }
  }
  const parseValue = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) fail('nesting too deep')
    ws()
    const c = text[p]
    if (c === '{') {
      p++
      const members: Array<[string, JsonNode]> = []
      ws()
      if (text[p] === '}') {
        p++
        return { kind: 'object', members }
      }
      for (;;) {
        ws()
        if (text[p] !== '"') fail('expected a member name')
        const key = parseString()
        ws()
        if (text[p] !== ':') fail("expected ':'")
        p++
        members.push([key, parseValue(depth + 1)])
        ws()
        if (text[p] === ',') {
          p++
          continue
        }
        if (text[p] === '}') {
          p++
          return { kind: 'object', members }
        }
        fail("expected ',' or '}'")
      }
    }
    if (c === '[') {
      p++
      const items: JsonNode[] = []
      ws()
      if (text[p] === ']') {
        p++
        return { kind: 'array', items }
      }
      for (;;) {
        items.push(parseValue(depth + 1))
        ws()
        if (text[p] === ',') {
          p++
          continue
        }
        if (text[p] === ']') {
          p++
          return { kind: 'array', items }
        }
        fail("expected ',' or ']'")
      }
    }
    if (c === '"') return { kind: 'string', value: parseString() }
    if (text.startsWith('true', p)) {
      p += 4
      return { kind: 'boolean', value: true }
    }
    if (text.startsWith('false', p)) {
      p += 5
      return { kind: 'boolean', value: false }
    }
    if (text.startsWith('null', p)) {
      p += 4
      return { kind: 'null' }
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(p, p + 1024))
    if (m === null) return fail(p >= text.length ? 'unexpected end of input' : 'unexpected character')
    p += m[0].length
    return { kind: 'number', text: m[0] }
  }
  const value = parseValue(0)
  ws()
  if (p !== text.length) fail('unexpected data after the JSON value')
  return value
}
