import { isAscii as isAsciiBytes, isUtf8 } from 'node:buffer'
import { AppError } from '../../../../shared/app-error'

/** How a pattern is matched against values (the CLI flags and the content browser's switches). */
export interface MatchOptions {
  regex?: boolean
  caseSensitive?: boolean
}

/** Where a pattern matched in one value, with a short excerpt around it. */
export interface ValueMatch {
  excerpt: string
  /** The value was binary (not UTF-8) and matched by hex. */
  binary: boolean
}

const CONTEXT = 40
const isAscii = (text: string): boolean => Buffer.byteLength(text) === text.length
const MAX_PATTERN = 1024

const printable = (text: string): string =>
  Array.from(text, (c) => (c === '\n' ? '⏎' : c < ' ' || c === '\u007f' ? ' ' : c)).join('')

function excerptOf(text: string, at: number, length: number): string {
  const from = Math.max(0, at - CONTEXT)
  const to = Math.min(text.length, at + length + CONTEXT)
  return (from > 0 ? '…' : '') + printable(text.slice(from, to)) + (to < text.length ? '…' : '')
}

/**
 * Matches one pattern against many values fast: a case-sensitive literal is a native byte search,
 * an ASCII literal without case a search in the Latin-1 view (ASCII folding is the same there),
 * everything else a search in the decoded text. Values that are not UTF-8 are binary and are
 * searched by hex: the pattern's hex digits as bytes, or the regex against the value's hex.
 */
export class ValueMatcher {
  private readonly literal: Buffer | null
  private readonly lowerAscii: Buffer | null
  private readonly lower: string
  private readonly regex: RegExp | null
  private readonly hexBytes: Buffer | null

  constructor(
    readonly pattern: string,
    private readonly options: MatchOptions = {},
  ) {
    if (pattern.length === 0 || pattern.length > MAX_PATTERN)
      throw new AppError(
        'INVALID_ARGUMENT',
        `The search pattern must be 1 to ${MAX_PATTERN} characters long.`,
        {
          hint: 'Type what the value holds, e.g. a host name or part of a certificate.',
        },
      )
    const sensitive = options.caseSensitive === true
    if (options.regex === true) {
      try {
        this.regex = new RegExp(pattern, sensitive ? '' : 'i')
      } catch (error) {
        throw new AppError(
          'INVALID_ARGUMENT',
          `The search pattern is not a valid regular expression: ${(error as Error).message}`,
          {
            hint: 'Check the brackets and escapes, or search for it as plain text (without -regex).',
          },
        )
      }
    } else this.regex = null
    this.literal = !options.regex && sensitive ? Buffer.from(pattern) : null
    this.lowerAscii =
      !options.regex && !sensitive && isAscii(pattern) ? Buffer.from(pattern.toLowerCase(), 'latin1') : null
    this.lower = pattern.toLowerCase()
    const hex = pattern.replace(/[\s:]/g, '')
    this.hexBytes =
      !options.regex && hex.length % 2 === 0 && /^[0-9a-f]+$/i.test(hex) ? Buffer.from(hex, 'hex') : null
  }

  /** The first match in `value`, or null. */
  match(value: Buffer): ValueMatch | null {
    if (value.length === 0) return null
    if (this.literal !== null) {
      const at = value.indexOf(this.literal)
      if (at >= 0) return this.textMatch(value, at, this.literal.length)
      return isUtf8(value) ? null : this.binaryMatch(value)
    }
    if (this.lowerAscii !== null) {
      const at = indexOfAsciiIgnoringCase(value, this.lowerAscii)
      if (at >= 0) return this.textMatch(value, at, this.lowerAscii.length)
      return isUtf8(value) ? null : this.binaryMatch(value)
    }
    // ASCII (most values) decodes to a one-byte string, which V8 also matches faster.
    const ascii = isAsciiBytes(value)
    if (!ascii && !isUtf8(value)) return this.binaryMatch(value)
    const text = value.toString(ascii ? 'latin1' : 'utf8')
    if (this.regex !== null) {
      const found = this.regex.exec(text)
      return found === null ? null : { excerpt: excerptOf(text, found.index, found[0].length), binary: false }
    }
    const at = text.toLowerCase().indexOf(this.lower)
    return at < 0 ? null : { excerpt: excerptOf(text, at, this.pattern.length), binary: false }
  }

  /** A byte offset found in the raw value, shown in the text around it. */
  private textMatch(value: Buffer, byteAt: number, byteLength: number): ValueMatch {
    if (!isUtf8(value)) return this.hexExcerpt(value, byteAt, byteLength)
    const before = value.toString('utf8', 0, byteAt)
    const text = value.toString('utf8')
    return {
      excerpt: excerptOf(text, before.length, value.toString('utf8', byteAt, byteAt + byteLength).length),
      binary: false,
    }
  }

  private binaryMatch(value: Buffer): ValueMatch | null {
    if (this.regex !== null) {
      const hex = value.toString('hex')
      const found = this.regex.exec(hex)
      return found === null ? null : { excerpt: excerptOf(hex, found.index, found[0].length), binary: true }
    }
    if (this.hexBytes === null) return null
    const at = value.indexOf(this.hexBytes)
    return at < 0 ? null : this.hexExcerpt(value, at, this.hexBytes.length)
  }

  private hexExcerpt(value: Buffer, at: number, length: number): ValueMatch {
    const hex = value.toString('hex')
    return { excerpt: excerptOf(hex, at * 2, length * 2), binary: true }
  }
}

const lowerByte = (b: number): number => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b)

/**
 * Where `lower` (ASCII, lower case) occurs in `buf` ignoring ASCII case: candidates come from
 * native searches for the first byte in both cases, so no text is made from values that do not
 * match (most of them).
 */
export function indexOfAsciiIgnoringCase(buf: Buffer, lower: Buffer): number {
  const first = lower[0] as number
  const upper = first >= 0x61 && first <= 0x7a ? first & ~0x20 : first
  let nextLower = buf.indexOf(first)
  let nextUpper = upper === first ? -1 : buf.indexOf(upper)
  while (nextLower >= 0 || nextUpper >= 0) {
    const at = nextUpper < 0 || (nextLower >= 0 && nextLower < nextUpper) ? nextLower : nextUpper
    if (at + lower.length > buf.length) return -1
    let i = 1
    while (i < lower.length && lowerByte(buf[at + i] as number) === lower[i]) i++
    if (i === lower.length) return at
    if (at === nextLower) nextLower = buf.indexOf(first, at + 1)
    else nextUpper = buf.indexOf(upper, at + 1)
  }
  return -1
}
