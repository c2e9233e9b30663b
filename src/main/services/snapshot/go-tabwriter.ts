import { runeCount } from './go-string'

/**
 * Go's text/tabwriter as `consul snapshot inspect` configures it (space padding, left aligned, no
 * flags), so our pretty output matches byte for byte, also for KV keys holding tabs, newlines or
 * invalid UTF-8. It works on bytes: the input is a "binary string" (one char per byte, see
 * `toByteString`), because Go's tabwriter does, and keys are Go strings of arbitrary bytes.
 *
 * Reproduced semantics: cells end at '\t'/'\v', lines at '\n'/'\f'; a form feed, or a line with a
 * single cell, flushes (later lines start new column blocks); the last cell of a line belongs to
 * no column and is never padded; a column block is a run of consecutive lines having a cell in
 * that column, as wide as max(minWidth, widest cell + padding); widths count UTF-8 runes, an
 * invalid byte being one rune; the byte 0xff opens and closes an escaped run inside which tabs and
 * newlines are plain text and whose two 0xff bytes have no width.
 */
interface Cell {
  text: string
  width: number
}

export interface TabwriterOptions {
  minWidth: number
  padding: number
}

const ESCAPE = 0xff

export function tabwriteBytes(input: string, options: TabwriterOptions): string {
  let out = ''
  let lines: Cell[][] = [[]]
  let cellText = ''
  let cellWidth = 0
  let start = 0
  let escaped = false

  const append = (end: number, widthAdjust = 0) => {
    const piece = input.slice(start, end)
    cellText += piece
    cellWidth += runeCount(piece) + widthAdjust
    start = end
  }
  const terminateCell = (): number => {
    const line = lines[lines.length - 1] as Cell[]
    line.push({ text: cellText, width: cellWidth })
    cellText = ''
    cellWidth = 0
    return line.length
  }
  const flush = () => {
    out += formatLines(lines, options)
    lines = [[]]
  }

  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i)
    if (escaped) {
      if (c === ESCAPE) {
        append(i + 1, -2)
        escaped = false
      }
      continue
    }
    if (c === 0x09 || c === 0x0b || c === 0x0a || c === 0x0c) {
      append(i)
      start = i + 1
      const cells = terminateCell()
      if (c === 0x0a || c === 0x0c) {
        lines.push([])
        if (c === 0x0c || cells === 1) flush()
      }
    } else if (c === ESCAPE) {
      append(i)
      escaped = true
    }
  }
  // Flush: an escaped run still open is closed where the text ends.
  append(input.length, escaped ? -2 : 0)
  if (cellText.length > 0) terminateCell()
  flush()
  return out
}

/** Formats buffered lines; every line but the last is followed by a newline. */
function formatLines(lines: Cell[][], options: TabwriterOptions): string {
  const parts: string[] = []
  const widths: number[] = []
  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i] as Cell[]
      let text = ''
      cells.forEach((cell, j) => {
        text += cell.text
        const width = widths[j]
        if (width !== undefined) text += ' '.repeat(Math.max(0, width - cell.width))
      })
      parts.push(text)
      if (i + 1 < lines.length) parts.push('\n')
    }
  }
  const format = (from: number, to: number) => {
    const column = widths.length
    let line0 = from
    for (let i = from; i < to; i++) {
      if (column >= (lines[i] as Cell[]).length - 1) continue
      writeLines(line0, i)
      line0 = i
      let width = options.minWidth
      for (; i < to; i++) {
        const cells = lines[i] as Cell[]
        if (column >= cells.length - 1) break
        const w = (cells[column] as Cell).width + options.padding
        if (w > width) width = w
      }
      widths.push(width)
      format(line0, i)
      widths.pop()
      // Like Go, the loop's increment then steps over line i, which has no cell in this column.
      line0 = i
    }
    writeLines(line0, to)
  }
  format(0, lines.length)
  return parts.join('')
}
