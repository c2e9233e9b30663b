import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import {
  listenToVerifier,
  type VerifierOutcome,
} from '../../../src/main/services/consul/verifier-worker-outcome'

/** Runs `source` as a worker and returns the first outcome, the progress and the consumed counts seen. */
async function outcomeOf(source: string) {
  const worker = new Worker(source, { eval: true })
  const progress: number[] = []
  const consumed: number[] = []
  const outcome = await new Promise<VerifierOutcome>((resolve) =>
    listenToVerifier(worker, {
      onProgress: (p) => progress.push(p.bytes),
      onConsumed: (bytes) => consumed.push(bytes),
      settle: resolve,
    }),
  )
  await worker.terminate()
  return { outcome, progress, consumed }
}

const post = (messages: object[]) =>
  `const { parentPort } = require('node:worker_threads');` +
  messages.map((m) => `parentPort.postMessage(${JSON.stringify(m)});`).join('') +
  `setInterval(() => {}, 1000)`

describe('the outcome of a verification worker', () => {
  it('is its verdict, after the progress and queue counts it reported', async () => {
    const archive = { meta: { index: 7 } }
    const { outcome, progress, consumed } = await outcomeOf(
      post([
        { type: 'consumed', bytes: 10 },
        { type: 'progress', bytes: 10 },
        { type: 'verdict', archive },
      ]),
    )
    expect(outcome).toEqual({ archive })
    expect(progress).toEqual([10])
    expect(consumed).toEqual([10])
  })

  it('is the typed error it sent, rebuilt as an AppError', async () => {
    const error = new AppError('SNAPSHOT_CHECKSUM_MISMATCH', 'state.bin does not match.', {
      hint: 'Save again.',
    })
    const { outcome } = await outcomeOf(post([{ type: 'failed', error: error.toPayload() }]))
    const failure = (outcome as { error: AppError }).error
    expect(failure).toBeInstanceOf(AppError)
    expect(failure.code).toBe('SNAPSHOT_CHECKSUM_MISMATCH')
    expect(failure.hint).toBe('Save again.')
  })

  it('is an internal error naming the crash when the worker throws', async () => {
    const { outcome } = await outcomeOf(`throw new Error('boom')`)
    const failure = (outcome as { error: AppError }).error
    expect(failure.code).toBe('INTERNAL')
    expect(failure.message).toBe('The verification worker failed: boom')
  })

  it('is an internal error when the worker exits without a verdict', async () => {
    const { outcome } = await outcomeOf(`process.exit(3)`)
    const failure = (outcome as { error: AppError }).error
    expect(failure.code).toBe('INTERNAL')
    expect(failure.message).toBe('The verification worker stopped (exit code 3) before its verdict.')
  })
})
