/**
 * Worker-thread entry (built to out/main/verify-stream-worker.js): the full stream verification
 * of an archive that a save or restore is moving, fed either the bytes themselves (restore) or a
 * file to read behind its writer (save). Decompressing, hashing and scanning records run here, so
 * the thread that moves the bytes does little else.
 */
import { parentPort } from 'node:worker_threads'
import { toErrorPayload } from '../../../shared/app-error'
import type { VerifiedArchive, WrittenFileVerification } from './snapshot-engine'
import type { FromVerifier, ToVerifier } from './verify-stream-protocol'
import { verifyStreamWithEngine, verifyWrittenFileWithEngine } from './verify-with-engine'

const port = parentPort
if (port === null) throw new Error('verify-stream-worker must run in a worker thread')

const post = (message: FromVerifier) => port.postMessage(message)
const controller = new AbortController()
const options = {
  signal: controller.signal,
  onProgress: (progress: { bytes: number }) => post({ type: 'progress', bytes: progress.bytes }),
}
const report = (verdict: Promise<VerifiedArchive>) =>
  verdict.then(
    (archive) => post({ type: 'verdict', archive }),
    (error: unknown) => post({ type: 'failed', error: toErrorPayload(error) }),
  )

// Bytes sent to this thread (restore).
const queue: Uint8Array[] = []
let ended = false
let wake: (() => void) | null = null
let started = false

async function* received(): AsyncGenerator<Uint8Array> {
  for (;;) {
    const chunk = queue.shift()
    if (chunk !== undefined) {
      post({ type: 'consumed', bytes: chunk.length })
      yield chunk
    } else if (ended || controller.signal.aborted) return
    else await new Promise<void>((resolve) => (wake = resolve))
  }
}

function startReceiving(): void {
  if (started) return
  started = true
  void report(verifyStreamWithEngine(received(), options))
}

// A file read behind its writer (save).
let written: WrittenFileVerification | null = null

port.on('message', (message: ToVerifier) => {
  switch (message.type) {
    case 'chunk':
      queue.push(new Uint8Array(message.bytes))
      startReceiving()
      break
    case 'end':
      ended = true
      // An empty source too gets its verdict (an empty archive).
      startReceiving()
      break
    case 'follow':
      written = verifyWrittenFileWithEngine(options)
      written.follow(message.file)
      void report(written.verdict)
      break
    case 'grown':
      // A failure is reported by the verdict; the writer learns it from that message.
      try {
        written?.grown(message.bytes)
      } catch {
        // already reported
      }
      break
    case 'ended':
      written?.end(message.bytes)
      break
    case 'cancel':
      controller.abort()
      void written?.abort()
      break
  }
  wake?.()
  wake = null
})
