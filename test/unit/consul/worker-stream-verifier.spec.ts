import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureFreshBuild, repositoryRoot } from '../build/ensure-fresh-build'
import { AppError } from '../../../src/shared/app-error'
import { createWorkerStreamVerifier } from '../../../src/main/services/consul/worker-stream-verifier'
import { verifyStreamWithEngine } from '../../../src/main/services/consul/verify-with-engine'
import type { VerifyProgress } from '../../../src/main/services/consul/snapshot-engine'
import { buildSnapshot } from '../../support/snapshot-builder'

/** The worker runs the built bundle (what the CLI and the apps load), rebuilt when older than src/. */
const workerFile = join(repositoryRoot, 'out', 'main', 'verify-stream-worker.js')
const sample = readFileSync(join(repositoryRoot, 'resources', 'sample', 'sample.snap'))

async function* inPieces(bytes: Uint8Array, size = 7000): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

describe('stream verification in a worker thread', () => {
  beforeAll(() => ensureFreshBuild(), 300_000)

  it('gives the in-process verdict for the same bytes, with progress', async () => {
    const progress: VerifyProgress[] = []
    const inWorker = await createWorkerStreamVerifier(workerFile)(inPieces(sample), {
      onProgress: (p) => progress.push(p),
    })
    expect(inWorker).toEqual(await verifyStreamWithEngine(inPieces(sample), {}))
    expect(progress.at(-1)?.bytes).toBe(sample.length)
  })

  it('fails as the in-process verification fails, with the same typed error', async () => {
    const corrupt = buildSnapshot({ sums: `${'0'.repeat(64)}  meta.json\n${'0'.repeat(64)}  state.bin\n` })
    const expected = await verifyStreamWithEngine(inPieces(corrupt), {}).catch((e: unknown) => e)
    const error = await createWorkerStreamVerifier(workerFile)(inPieces(corrupt), {}).catch((e: unknown) => e)
    expect(expected).toBeInstanceOf(AppError)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).toPayload()).toEqual((expected as AppError).toPayload())
  })

  it('ends with the source\u2019s own failure when the bytes stop coming (a broken download)', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield sample.subarray(0, 1000)
      throw new AppError('CONSUL_UNREACHABLE', 'The connection broke.')
    }
    await expect(createWorkerStreamVerifier(workerFile)(broken(), {})).rejects.toMatchObject({
      code: 'CONSUL_UNREACHABLE',
    })
  })

  it('answers an already cancelled signal with a rejected verdict, as the in-process verifier does', async () => {
    const controller = new AbortController()
    controller.abort()
    const verdict = createWorkerStreamVerifier(workerFile)(inPieces(sample), { signal: controller.signal })
    await expect(verdict).rejects.toMatchObject({ code: 'CANCELLED' })
  })

  it('is cancelled by its signal', async () => {
    const controller = new AbortController()
    async function* stalls(): AsyncGenerator<Uint8Array> {
      yield sample.subarray(0, 1000)
      controller.abort()
      await new Promise<never>(() => undefined)
    }
    await expect(
      createWorkerStreamVerifier(workerFile)(stalls(), { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})
