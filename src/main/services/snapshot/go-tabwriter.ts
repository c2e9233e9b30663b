/**
 * Go's text/tabwriter as `consul snapshot inspect` configures it (padding with spaces, left
 * aligned, no flags), so our pretty output matches byte for byte, also for KV keys that contain
 * tabs or newlines. Semantics reproduced: text is split into cells at '\t'/'\v', lines at
 * '\n'/'\f' ('\f' also ends every column block); the last cell of a line belongs to no column and
 * is never padded; a column block is a run of consecutive lines that have a cell in that column,
 * and its width is max(minWidth, widest cell + padding), widths counted in Unicode code points
 * (Go counts UTF-8 runes).
 */
interface Cell {
  text: string
  width: number
}

export interface TabwriterOptions {
  minWidth: number
  padding: number
}

export function tabwrite(text: string, options: TabwriterOptions): string {
  let lines: Cell[][] = [[]]
  let line = lines[0] as Cell[]
  let out = ''
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c !== 0x09 && c !== 0x0b && c !== 0x0a && c !== 0x0c) continue
    const cellText = text.slice(start, i)
    line.push({ text: cellText, width: runeCount(cellText) })
    start = i + 1
    if (c === 0x0a || c === 0x0c) {
      line = []
      lines.push(line)
      if (c === 0x0c) {
        // A form feed flushes: the lines so far are formatted on their own.
        out += formatLines(lines, options)
        lines = [[]]
        line = lines[0] as Cell[]
      }
    }
  }
  const rest = text.slice(start)
  if (rest.length > 0) line.push({ text: rest, width: runeCount(rest) })
  return out + formatLines(lines, options)
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

function runeCount(text: string): number {
  let count = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // A surrogate pair is one code point; count only its high half.
    if (c < 0xdc00 || c > 0xdfff || i === 0 || (text.charCodeAt(i - 1) & 0xfc00) !== 0xd800) count++
  }
  return count
}
