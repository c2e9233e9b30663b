import { statSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureFreshBuild, repositoryRoot } from '../build/ensure-fresh-build'
import { createInProcessInspectRunner } from '../../../src/main/host/workers/in-process-inspect-runner'
import { createWorkerInspectRunner } from '../../../src/main/host/workers/worker-inspect-runner'
import { AppError } from '../../../src/shared/app-error'
import type { InspectProgress } from '../../../src/shared/snapshot-wire-types'

/** The worker runs the built bundle (what the apps load), rebuilt when older than src/main. */
const root = repositoryRoot
const workerFile = join(root, 'out', 'main', 'inspect-worker.js')
const sample = join(root, 'resources', 'sample', 'sample.snap')

function work(signal = new AbortController().signal) {
  const progress: InspectProgress[] = []
  return { progress, work: { signal, onProgress: (event: InspectProgress) => progress.push(event) } }
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
    expect(threaded.progress.at(-1)?.bytesRead).toBe(statSync(sample).size)
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
})
