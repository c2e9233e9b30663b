/**
 * What `snapshot-studio web` leaves in the temp folder: a snapshot opened for browsing is
 * decompressed to a working copy (KV values, ACL secrets in clear). It must be gone after every
 * clean exit, and a crashed run's copy must be swept by the next start, whatever its age, unless
 * a running host still owns it.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { socketProtocols, webPaths } from '../../src/shared/web-protocol'
import { ensureFreshBuild, repositoryRoot } from '../unit/build/ensure-fresh-build'
import { startStudioWebProcess, type StudioWebProcess } from '../support/studio-web-process'

const sample = resolve(repositoryRoot, 'resources', 'sample', 'sample.snap')

/** Every decompressed working copy (state.bin) under a folder. */
async function workingCopies(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name === 'state.bin')
    .map((entry) => join(entry.parentPath, entry.name))
}

/** Opens the bundled sample for browsing over the host's socket, as the contents screen does. */
async function openContents(web: StudioWebProcess): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}${webPaths.socket}`, socketProtocols(web.token))
  await new Promise((done, fail) => {
    ws.once('open', done)
    ws.once('error', fail)
  })
  const reply = new Promise<{ ok: boolean }>((done) =>
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; id?: number; result?: { ok: boolean } }
      if (frame.type === 'reply' && frame.id === 1 && frame.result !== undefined) done(frame.result)
    }),
  )
  ws.send(
    JSON.stringify({
      type: 'call',
      id: 1,
      method: 'snapshot.browse.open',
      input: { operationId: 'op-00000001', source: { kind: 'path', path: sample } },
    }),
  )
  expect(await reply).toMatchObject({ ok: true })
  ws.close()
}

describe('the catalogue working copy of browser mode', () => {
  let folder: string
  let temp: string
  const running: StudioWebProcess[] = []

  async function start(): Promise<StudioWebProcess> {
    // TMPDIR gives each spec its own temp folder, so nothing else's files are counted.
    const web = await startStudioWebProcess({ dataDir: join(folder, 'data'), env: { TMPDIR: temp } })
    running.push(web)
    return web
  }

  beforeEach(async () => {
    ensureFreshBuild()
    folder = await mkdtemp(join(tmpdir(), 'web-working-copy-'))
    temp = join(folder, 'tmp')
    await mkdir(temp)
  })

  afterEach(async () => {
    for (const web of running.splice(0)) await web.kill('SIGKILL')
    await rm(folder, { recursive: true, force: true })
  })

  it.each(['SIGTERM', 'SIGINT'] as const)('is removed when the host is stopped with %s', async (signal) => {
    const web = await start()
    await openContents(web)
    expect(await workingCopies(temp)).toHaveLength(1)

    const ended = await web.kill(signal)

    expect(ended.code).toBe(0)
    expect(await workingCopies(temp)).toEqual([])
    expect(await readdir(temp)).toEqual([])
  })

  it('left by a killed host is swept by the next start, while a running host keeps its own', async () => {
    const crashed = await start()
    await openContents(crashed)
    await crashed.kill('SIGKILL')
    const [left] = await workingCopies(temp)
    expect(left).toBeDefined()
    const alive = await start()
    await openContents(alive)
    const [kept] = (await workingCopies(temp)).filter((path) => path !== left)

    const next = await start()

    expect(await workingCopies(temp)).toEqual([kept])
    await next.kill('SIGTERM')
    await alive.kill('SIGTERM')
    expect(await workingCopies(temp)).toEqual([])
  })
})
