import { describe, expect, it } from 'vitest'
import { lineDiff } from '../../../../../src/renderer/features/compare/line-diff'

const shape = (before: string, after: string) =>
  lineDiff(before, after).map((r) => [r.type, r.left?.text ?? null, r.right?.text ?? null])

describe('lineDiff', () => {
  it('keeps equal lines side by side and pairs a changed line with its replacement', () => {
    expect(shape('a\nb\nc', 'a\nB\nc')).toEqual([
      ['same', 'a', 'a'],
      ['changed', 'b', 'B'],
      ['same', 'c', 'c'],
    ])
  })

  it('shows lines only one side has as removed or added, with their line numbers', () => {
    const rows = lineDiff('one\ntwo\nthree', 'one\nthree\nfour')
    expect(rows.map((r) => [r.type, r.left?.line ?? null, r.right?.line ?? null])).toEqual([
      ['same', 1, 1],
      ['removed', 2, null],
      ['same', 3, 2],
      ['added', null, 3],
    ])
  })

  it('treats an absent side as no lines at all', () => {
    expect(shape('', 'x\ny')).toEqual([
      ['added', null, 'x'],
      ['added', null, 'y'],
    ])
    expect(shape('same', 'same')).toEqual([['same', 'same', 'same']])
  })

  it('still answers for texts too long to align line by line, with the common head and tail kept', () => {
    const left = ['head', ...Array.from({ length: 3000 }, (_, i) => `l${i}`), 'tail'].join('\n')
    const right = ['head', ...Array.from({ length: 3000 }, (_, i) => `r${i}`), 'tail'].join('\n')
    const rows = lineDiff(left, right)
    expect(rows[0]).toMatchObject({ type: 'same', left: { text: 'head' } })
    expect(rows.at(-1)).toMatchObject({ type: 'same', right: { text: 'tail' } })
    expect(rows.slice(1, -1).every((r) => r.type === 'changed')).toBe(true)
    expect(rows).toHaveLength(3002)
  })
})
