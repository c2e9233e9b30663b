// Side-by-side rows of two texts: lines the same on both sides, lines only on the left (removed),
// only on the right (added), and removed/added runs paired up as changed rows so the two columns
// stay aligned. A longest-common-subsequence table over what lies between the common head and
// tail; past a size limit the middle is shown as changed as a whole rather than freeze the window.

export type RowType = 'same' | 'removed' | 'added' | 'changed'

export interface DiffRow {
  type: RowType
  left?: { line: number; text: string }
  right?: { line: number; text: string }
}

/** Cells of the LCS table beyond which the middle is not aligned line by line. */
const MAX_CELLS = 4_000_000

type Op = { kind: 'same' | 'removed' | 'added'; left?: number; right?: number }

function middleOps(
  a: readonly string[],
  b: readonly string[],
  aFrom: number,
  bFrom: number,
  aTo: number,
  bTo: number,
): Op[] {
  const n = aTo - aFrom
  const m = bTo - bFrom
  const ops: Op[] = []
  if (n * m > MAX_CELLS) {
    for (let i = aFrom; i < aTo; i++) ops.push({ kind: 'removed', left: i })
    for (let j = bFrom; j < bTo; j++) ops.push({ kind: 'added', right: j })
    return ops
  }
  // lcs[i][j]: length of the LCS of a[aFrom+i..] and b[bFrom+j..], in one flat array.
  const width = m + 1
  const lcs = new Uint32Array((n + 1) * width)
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * width + j] =
        a[aFrom + i] === b[bFrom + j]
          ? (lcs[(i + 1) * width + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number)
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[aFrom + i] === b[bFrom + j]) {
      ops.push({ kind: 'same', left: aFrom + i++, right: bFrom + j++ })
    } else if (
      j < m &&
      (i === n || (lcs[i * width + j + 1] as number) >= (lcs[(i + 1) * width + j] as number))
    ) {
      ops.push({ kind: 'added', right: bFrom + j++ })
    } else {
      ops.push({ kind: 'removed', left: aFrom + i++ })
    }
  }
  return ops
}

export function lineDiff(before: string, after: string): DiffRow[] {
  const a = before === '' ? [] : before.split('\n')
  const b = after === '' ? [] : after.split('\n')
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++
  const ops: Op[] = []
  for (let k = 0; k < head; k++) ops.push({ kind: 'same', left: k, right: k })
  ops.push(...middleOps(a, b, head, head, a.length - tail, b.length - tail))
  for (let k = tail; k > 0; k--) ops.push({ kind: 'same', left: a.length - k, right: b.length - k })

  const rows: DiffRow[] = []
  const side = (lines: readonly string[], index: number) => ({
    line: index + 1,
    text: lines[index] as string,
  })
  for (let k = 0; k < ops.length;) {
    const op = ops[k] as Op
    if (op.kind === 'same') {
      rows.push({ type: 'same', left: side(a, op.left as number), right: side(b, op.right as number) })
      k++
      continue
    }
    // A run of removals and additions: pair them row by row, the rest stay one-sided.
    const removed: number[] = []
    const added: number[] = []
    while (k < ops.length && (ops[k] as Op).kind !== 'same') {
      const o = ops[k++] as Op
      if (o.kind === 'removed') removed.push(o.left as number)
      else added.push(o.right as number)
    }
    for (let r = 0; r < Math.max(removed.length, added.length); r++) {
      const l = removed[r]
      const x = added[r]
      rows.push({
        type: l !== undefined && x !== undefined ? 'changed' : l !== undefined ? 'removed' : 'added',
        ...(l !== undefined ? { left: side(a, l) } : {}),
        ...(x !== undefined ? { right: side(b, x) } : {}),
      })
    }
  }
  return rows
}
