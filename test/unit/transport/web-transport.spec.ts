import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createDispatcher, type Dispatcher } from '../../../src/main/api/dispatcher'
import { createHandlers } from '../../../src/main/api/create-handlers'
import { createSourceResolver } from '../../../src/main/host/source-resolver'
import { createUploadStore } from '../../../src/main/host/upload-store'
import { startWebHost, type WebHost } from '../../../src/main/transport/web-host'
import {
  createWebTransport,
  takePageToken,
  tokenStorageKey,
  type PageLike,
  type SocketLike,
} from '../../../src/renderer/api/web-transport'
import { createApiClient } from '../../../src/shared/api-client'
import { AppError } from '../../../src/shared/app-error'
import {
  createControllableInspect,
  createFakeHostServices,
  sampleInspection,
} from '../api/fake-host-services'
import type { InspectRunner } from '../../../src/main/host/host-services'

describe('the typed client over the browser transport and the web host', () => {
  let folder: string
  let host: WebHost
  let dispatcher: Dispatcher
  let snapshot: string

  async function start(inspect?: InspectRunner) {
    const uploads = createUploadStore(join(folder, 'uploads'))
    dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(
        createFakeHostServices({
          sources: createSourceResolver({ uploads }),
          ...(inspect ? { inspect } : {}),
        }),
      ),
    })
    host = await startWebHost({ dispatcher, rendererDir: null, uploads, token: 'token-for-transport-tests' })
    const transport = createWebTransport({
      socketUrl: `ws://127.0.0.1:${host.port}/api/socket`,
      httpBase: `http://127.0.0.1:${host.port}`,
      token: host.token,
      openSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike,
    })
    return createApiClient(transport)
  }

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'web-transport-'))
    snapshot = join(folder, 'backup.snap')
    await writeFile(snapshot, 'bytes')
  })

  afterEach(async () => {
    await host?.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('calls a method and gets the typed value back', async () => {
    const client = await start()

    const info = await client.app.info({})

    expect(info.capabilities).toEqual({ kind: 'browser', nativeDialogs: false, fileUpload: true })
  })

  it('rebuilds a host error as an AppError', async () => {
    const client = await start()

    const error = await client.snapshot
      .inspect({ source: { kind: 'path', path: join(folder, 'missing.snap') } })
      .result.catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'FILE_NOT_FOUND' })
  })

  it('delivers progress of its own operation and the result', async () => {
    const client = await start()
    const progress: unknown[] = []

    const operation = client.snapshot.inspect({ source: client.files.fromPath(snapshot), kvDetails: true })
    operation.onProgress((event) => progress.push(event))

    expect(await operation.result).toEqual(sampleInspection)
    expect(progress).toEqual([{ kind: 'inspect', progress: { bytes: 2048, totalBytes: 2048 } }])
  })

  it('cancels a running operation from its handle', async () => {
    const inspect = createControllableInspect()
    const client = await start(inspect)
    const operation = client.snapshot.inspect({ source: client.files.fromPath(snapshot) })
    const outcome = operation.result.catch((caught: unknown) => caught)
    await inspect.started

    await operation.cancel()

    expect(await outcome).toMatchObject({ code: 'CANCELLED' })
  })

  it('receives host events broadcast to every page', async () => {
    const client = await start()
    const received = new Promise((resolve) => client.on('menu.command', resolve))
    await client.app.info({})

    dispatcher.broadcast('menu.command', { command: 'open-snapshot' })

    expect(await received).toEqual({ command: 'open-snapshot' })
  })

  it('fails pending calls with a clear error when the host goes away', async () => {
    const inspect = createControllableInspect()
    const client = await start(inspect)
    const operation = client.snapshot.inspect({ source: client.files.fromPath(snapshot) })
    const outcome = operation.result.catch((caught: unknown) => caught)
    await inspect.started

    await host.close()

    const error = await outcome
    expect(error).toBeInstanceOf(AppError)
    expect(String((error as AppError).hint)).toContain('snapshot-studio web')
  })

  it('without the token, says to open the whole printed URL instead of trying the host', async () => {
    let opened = 0
    const client = createApiClient(
      createWebTransport({
        token: null,
        openSocket: () => {
          opened += 1
          throw new Error('must not open')
        },
      }),
    )

    const error = await client.app.info({}).catch((caught: unknown) => caught)

    expect(opened).toBe(0)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).message).toContain('#token=')
  })
})

describe('the token a page is opened with', () => {
  function fakePage(
    href: { hash: string; pathname?: string; search?: string },
    stored: string | null = null,
  ) {
    const storage = new Map<string, string>()
    if (stored !== null) storage.set(tokenStorageKey, stored)
    const replaced: string[] = []
    const page: PageLike = {
      location: { hash: href.hash, pathname: href.pathname ?? '/', search: href.search ?? '' },
      history: { replaceState: (_data, _unused, url) => replaced.push(url) },
      sessionStorage: {
        getItem: (key) => storage.get(key) ?? null,
        setItem: (key, value) => void storage.set(key, value),
      },
    }
    return { page, storage, replaced }
  }

  it('moves from the URL fragment into session storage and leaves the address bar', () => {
    const { page, storage, replaced } = fakePage({
      hash: '#token=abc_DEF-123',
      pathname: '/inspect',
      search: '?x=1',
    })

    const token = takePageToken(page)

    expect(token).toBe('abc_DEF-123')
    expect(storage.get(tokenStorageKey)).toBe('abc_DEF-123')
    expect(replaced).toEqual(['/inspect?x=1'])
  })

  it('survives a reload of the tab (the fragment is gone by then)', () => {
    const { page, replaced } = fakePage({ hash: '' }, 'kept-token')

    expect(takePageToken(page)).toBe('kept-token')
    expect(replaced).toEqual([])
  })

  it('is null when the page was opened without one', () => {
    expect(takePageToken(fakePage({ hash: '#section' }).page)).toBeNull()
    expect(takePageToken(null)).toBeNull()
  })
})
