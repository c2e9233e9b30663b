/**
 * Worker-thread entry (built to out/main/verify-stream-worker.js): the full stream verification
 * of an archive whose bytes a save or restore is moving. Decompressing, hashing and scanning
 * records run here, so the thread that moves the bytes only copies them.
 */
import { parentPort } from 'node:worker_threads'
import { toErrorPayload } from '../../../shared/app-error'
import type { FromVerifier, ToVerifier } from './verify-stream-protocol'
import { verifyStreamWithEngine } from './verify-with-engine'

const port = parentPort
if (port === null) throw new Error('verify-stream-worker must run in a worker thread')

const post = (message: FromVerifier) => port.postMessage(message)
const queue: Uint8Array[] = []
let ended = false
let wake: (() => void) | null = null
const controller = new AbortController()

port.on('message', (message: ToVerifier) => {
  if (message.type === 'chunk') queue.push(new Uint8Array(message.bytes))
  else if (message.type === 'end') ended = true
  else controller.abort()
  wake?.()
  wake = null
})

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

verifyStreamWithEngine(received(), {
  signal: controller.signal,
  onProgress: (progress) => post({ type: 'progress', bytes: progress.bytes }),
}).then(
  (archive) => post({ type: 'verdict', archive }),
  (error: unknown) => post({ type: 'failed', error: toErrorPayload(error) }),
)
