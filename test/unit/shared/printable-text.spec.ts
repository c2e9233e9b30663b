import { describe, expect, it } from 'vitest'
import { printableText } from '../../../src/shared/printable-text'

describe('printableText', () => {
  it('shows C0 controls, DEL and C1 controls as escapes', () => {
    expect(printableText('a\x1b[2Jb\x07\x7f\u009bc')).toBe('a\\x1b[2Jb\\x07\\x7f\\x9bc')
    expect(printableText('line\nnext\ttab\rback')).toBe('line\\nnext\\ttab\\rback')
  })

  it('keeps line feeds, tabs and carriage returns when the layout is ours', () => {
    expect(printableText('Error: \x1b]0;x\x07\n\r\t', true)).toBe('Error: \\x1b]0;x\\x07\n\r\t')
  })

  it('leaves printable text alone, non-ASCII included', () => {
    expect(printableText('naïve/日本/😀 ok')).toBe('naïve/日本/😀 ok')
  })
})
