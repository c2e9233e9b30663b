/**
 * Moves the first `bytes` bytes out of `queue`, pieces in order that together hold at least that
 * many: into `target` when one is given (a buffer its caller reuses, so always a copy), otherwise
 * as a view of the first piece when it alone holds them (no copy) or a new buffer where they span
 * pieces. The pieces are views of buffers nobody writes to again (Node streams never reuse one
 * they handed out), which is what makes the view safe.
 */
export function takeFront(queue: Buffer[], bytes: number, target?: Buffer): Buffer {
  const first = queue[0]
  if (target === undefined && first !== undefined && first.length >= bytes) {
    if (first.length === bytes) queue.shift()
    else queue[0] = first.subarray(bytes)
    return first.subarray(0, bytes)
  }
  const out = target ?? Buffer.allocUnsafe(bytes)
  let filled = 0
  while (filled < bytes) {
    const piece = queue[0]
    if (piece === undefined)
      throw new RangeError(`The queue holds ${filled} of the ${bytes} bytes asked for.`)
    const n = Math.min(piece.length, bytes - filled)
    piece.copy(out, filled, 0, n)
    filled += n
    if (n === piece.length) queue.shift()
    else queue[0] = piece.subarray(n)
  }
  return out.subarray(0, bytes)
}
