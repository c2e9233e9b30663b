import { statSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureFreshBuild, repositoryRoot } from '../build/ensure-fresh-build'
import { createInProcessInspectRunner } from '../../../src/main/host/workers/in-process-inspect-runner'
import { createWorkerInspectRunner } from '../../../src/main/host/workers/worker-inspect-runner'
import { AppError } from '../../../src/shared/app-error'
import type { ByteProgress } from '../../../src/shared/progress'

/** The worker runs the built bundle (what the apps load), rebuilt when older than src/main. */
const root = repositoryRoot
const workerFile = join(root, 'out', 'main', 'inspect-worker.js')
const sample = join(root, 'resources', 'sample', 'sample.snap')

function work(signal = new AbortController().signal) {
  const progress: ByteProgress[] = []
  return { progress, work: { signal, onProgress: (event: ByteProgress) => progress.push(event) } }
}

describe('snapshot scans in a worker thread', () => {
  let folder: string

  beforeAll(async () => {
    ensureFreshBuild()
    folder = await mkdtemp(join(tmpdir(), 'worker-runner-'))
  }, 300_000)

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  it('answers exactly what the in-process scan answers, with progress', async () => {
    const threaded = work()

    const inWorker = await createWorkerInspectRunner(workerFile).inspect(
      sample,
      { kvDetails: true, kvDepth: 1, kvFilter: '' },
      threaded.work,
    )
    const inProcess = await createInProcessInspectRunner().inspect(
      sample,
      { kvDetails: true, kvDepth: 1, kvFilter: '' },
      work().work,
    )

    expect(inWorker).toEqual(inProcess)
    expect(inWorker.text.pretty).toContain(' ID ')
    expect(threaded.progress.length).toBeGreaterThan(0)
    expect(threaded.progress.at(-1)?.bytes).toBe(statSync(sample).size)
  })

  it('keeps 64-bit values as decimal text on the wire', async () => {
    const result = await createWorkerInspectRunner(workerFile).verify(sample, work().work)

    expect(typeof result.meta.index).toBe('string')
    expect(result.meta.index).toMatch(/^\d+$/)
    expect(typeof result.lastIndex).toBe('string')
  })

  it('brings a typed error back across the thread', async () => {
    const notASnapshot = join(folder, 'notes.snap')
    await writeFile(notASnapshot, 'just text')

    const error = await createWorkerInspectRunner(workerFile)
      .verify(notASnapshot, work().work)
      .catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'SNAPSHOT_NOT_GZIP' })
  })

  it('stops at once when cancelled', async () => {
    const controller = new AbortController()
    const running = createWorkerInspectRunner(workerFile).inspect(
      sample,
      { kvDetails: false, kvDepth: 2, kvFilter: '' },
      work(controller.signal).work,
    )

    controller.abort()

    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' })
  })

  it('runs a few scans at once and queues the rest, however many are asked for', async () => {
    let alive = 0
    let mostAlive = 0
    const runner = createWorkerInspectRunner(workerFile, {
      maxWorkers: 2,
      startWorker: (file) => {
        const worker = new Worker(file)
        alive += 1
        mostAlive = Math.max(mostAlive, alive)
        worker.once('exit', () => (alive -= 1))
        return worker
      },
    })

    const results = await Promise.all(Array.from({ length: 5 }, () => runner.verify(sample, work().work)))

    expect(results).toHaveLength(5)
    expect(results.every((result) => result.meta.id === results[0]?.meta.id)).toBe(true)
    expect(mostAlive).toBe(2)
  }, 60_000)

  it('drops a queued scan that is cancelled before its turn', async () => {
    const runner = createWorkerInspectRunner(workerFile, { maxWorkers: 1 })
    const first = runner.verify(sample, work().work)
    const controller = new AbortController()
    const queued = runner.verify(sample, work(controller.signal).work).catch((error: unknown) => error)

    controller.abort()

    expect(await queued).toMatchObject({ code: 'CANCELLED' })
    await first
  })
})
