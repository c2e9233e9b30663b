import { PassThrough, Transform, type Readable } from 'node:stream'

/**
 * Passes bytes on (to a file, an upload area) while a verifier reads the same bytes, and ends only
 * when the verifier has accepted the whole stream: whatever is written downstream is complete
 * only if it was verified. A verifier that fails early fails the stream at once, and a downstream
 * failure stops the verifier. Backpressure holds both ways: neither side runs ahead of the other.
 */
export function verifyingTee<T>(verify: (bytes: Readable) => Promise<T>): {
  stream: Transform
  verdict: Promise<T>
} {
  const input = new PassThrough({ highWaterMark: 1 << 20 })
  let failure: Error | null = null
  const waiting = new Set<() => void>()
  const verdict = verify(input)
  verdict.catch((error: unknown) => {
    failure = error instanceof Error ? error : new Error(String(error))
    input.destroy()
    for (const wake of [...waiting]) wake()
  })

  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (failure) return done(failure)
      if (input.write(chunk)) return done(null, chunk)
      const wake = () => {
        waiting.delete(wake)
        input.off('drain', wake)
        if (failure) done(failure)
        else done(null, chunk)
      }
      waiting.add(wake)
      input.once('drain', wake)
    },
    flush(done) {
      input.end()
      verdict.then(
        () => done(),
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      )
    },
    destroy(error, done) {
      if (!input.destroyed) input.destroy()
      done(error)
    },
  })
  return { stream, verdict }
}
