import { appendFile, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ensureFreshBuild, repositoryRoot } from '../build/ensure-fresh-build'
import { AppError } from '../../../src/shared/app-error'
import type { VerifyWrittenFile } from '../../../src/main/services/consul/snapshot-engine'
import { verifyWrittenFileWithEngine } from '../../../src/main/services/consul/verify-with-engine'
import { createWorkerWrittenFileVerifier } from '../../../src/main/services/consul/worker-written-file-verifier'
import { buildSnapshot } from '../../support/snapshot-builder'

/** The worker runs the built bundle (what the CLI and the apps load), rebuilt when older than src/. */
const workerFile = join(repositoryRoot, 'out', 'main', 'verify-stream-worker.js')
const sample = readFileSync(join(repositoryRoot, 'resources', 'sample', 'sample.snap'))

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-written-file-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Writes `bytes` to a new file in three pieces, telling the verifier after each, as a save does. */
async function writeFollowed(verify: VerifyWrittenFile, bytes: Buffer, signal?: AbortSignal) {
  const verification = verify({ signal })
  const path = join(dir, 'x.snap.part')
  await writeFile(path, bytes.subarray(0, 100))
  const { dev, ino } = await stat(path, { bigint: true })
  verification.follow({ path, dev, ino })
  verification.grown(100)
  const third = Math.floor(bytes.length / 3)
  await appendFile(path, bytes.subarray(100, third))
  verification.grown(third)
  await appendFile(path, bytes.subarray(third))
  verification.end(bytes.length)
  return verification
}

describe('a written file verified in a worker thread', () => {
  beforeAll(() => ensureFreshBuild(), 300_000)

  it('gives the in-process verdict for the same file', async () => {
    const inWorker = await (await writeFollowed(createWorkerWrittenFileVerifier(workerFile), sample)).verdict
    const inProcess = await (await writeFollowed(verifyWrittenFileWithEngine, sample)).verdict
    expect(inWorker).toEqual(inProcess)
    expect(inWorker.meta.index).toBeGreaterThan(0)
  })

  it('fails as the in-process verification fails, with the same typed error', async () => {
    const corrupt = buildSnapshot({ sums: `${'0'.repeat(64)}  meta.json\n${'0'.repeat(64)}  state.bin\n` })
    const expected = await (
      await writeFollowed(verifyWrittenFileWithEngine, corrupt)
    ).verdict.catch((e: unknown) => e)
    const error = await (
      await writeFollowed(createWorkerWrittenFileVerifier(workerFile), corrupt)
    ).verdict.catch((e: unknown) => e)
    expect(expected).toBeInstanceOf(AppError)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).toPayload()).toEqual((expected as AppError).toPayload())
  })

  it('tells the writer of a failure at its next write', async () => {
    const verification = createWorkerWrittenFileVerifier(workerFile)({})
    const path = join(dir, 'bad.part')
    await writeFile(path, Buffer.from('this is not gzip at all, not even close'.repeat(20)))
    const { dev, ino } = await stat(path, { bigint: true })
    verification.follow({ path, dev, ino })
    verification.grown(780)

    await expect(verification.verdict).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_GZIP' })
    expect(() => verification.grown(800)).toThrow(AppError)
  })

  it('refuses a file that is not the writer’s own', async () => {
    const verification = createWorkerWrittenFileVerifier(workerFile)({})
    const path = join(dir, 'swapped.part')
    await writeFile(path, sample)
    const { dev, ino } = await stat(path, { bigint: true })
    verification.follow({ path, dev, ino: ino + 1n })
    verification.end(sample.length)

    await expect(verification.verdict).rejects.toMatchObject({ code: 'FILE_UNREADABLE' })
  })

  it('is stopped by abort, which resolves once the worker no longer reads the file', async () => {
    const verification = createWorkerWrittenFileVerifier(workerFile)({})
    const path = join(dir, 'slow.part')
    await writeFile(path, sample.subarray(0, 1000))
    const { dev, ino } = await stat(path, { bigint: true })
    verification.follow({ path, dev, ino })
    verification.grown(1000)

    await verification.abort()

    await expect(verification.verdict).rejects.toMatchObject({ code: 'CANCELLED' })
    await rm(path)
    expect(await readdir(dir)).toEqual([])
  })

  it('answers an already cancelled signal with a refusal at the first write', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(
      writeFollowed(createWorkerWrittenFileVerifier(workerFile), sample, controller.signal),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})
