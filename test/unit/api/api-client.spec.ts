import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  createApiClient,
  type BrowserPlatform,
  type ElectronPlatform,
  type Transport,
} from '../../../src/shared/api-client'
import { AppError } from '../../../src/shared/app-error'
import { createDispatcher } from '../../../src/main/api/dispatcher'
import { createHandlers } from '../../../src/main/api/create-handlers'
import type { SnapshotInspectionWire } from '../../../src/shared/snapshot-wire-types'
import { createControllableInspect, createFakeHostServices, sampleInspection } from './fake-host-services'
import { createInMemoryTransport } from './in-memory-transport'

const browserPlatform: BrowserPlatform = {
  kind: 'browser',
  nativeDialogs: false,
  fileUpload: true,
  upload: async (file) => ({ uploadId: 'a'.repeat(32), name: file.name, size: file.size }),
  chooseLocalFile: async () => null,
}

const electronPlatform: ElectronPlatform = {
  kind: 'electron',
  nativeDialogs: true,
  fileUpload: false,
  pathForFile: (file) => `/home/op/${file.name}`,
}

function counterIds(): () => string {
  let next = 0
  return () => `op-${String((next += 1)).padStart(8, '0')}`
}

describe('the typed API client', () => {
  it('exposes every method under its dotted namespace and returns the value', async () => {
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices()),
    })
    const client = createApiClient(createInMemoryTransport(dispatcher, browserPlatform))

    const info = await client.app.info({})

    expect(info.capabilities.kind).toBe('browser')
    expectTypeOf(client.snapshot.browse.kvList).toBeFunction()
  })

  it('rebuilds an error payload as a thrown AppError with its code and hint', async () => {
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices()),
    })
    const client = createApiClient(createInMemoryTransport(dispatcher, browserPlatform))

    const failure = client.dialogs.openSnapshot({}).catch((error: unknown) => error)

    const error = await failure
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('UNSUPPORTED')
    expect((error as AppError).hint).toBeTruthy()
  })

  it('runs a long operation as a handle with progress and a typed result', async () => {
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices()),
    })
    const client = createApiClient(createInMemoryTransport(dispatcher, browserPlatform), {
      newOperationId: counterIds(),
    })
    const progress: unknown[] = []

    const operation = client.snapshot.inspect({ source: { kind: 'path', path: '/a.snap' } })
    operation.onProgress((event) => progress.push(event))
    const result = await operation.result

    expectTypeOf(result).toEqualTypeOf<SnapshotInspectionWire>()
    expect(operation.id).toBe('op-00000001')
    expect(result).toEqual(sampleInspection)
    expect(progress).toEqual([{ kind: 'inspect', progress: { bytes: 2048, totalBytes: 2048 } }])
  })

  it('cancels an operation through its handle', async () => {
    const inspect = createControllableInspect()
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices({ inspect })),
    })
    const client = createApiClient(createInMemoryTransport(dispatcher, browserPlatform), {
      newOperationId: counterIds(),
    })
    const operation = client.snapshot.inspect({ source: { kind: 'path', path: '/a.snap' } })
    const outcome = operation.result.catch((error: unknown) => error)
    await inspect.started

    await operation.cancel()

    expect(await outcome).toMatchObject({ code: 'CANCELLED' })
  })

  it('delivers only events that match the contract’s schemas, progress included', () => {
    const handlers = new Map<string, (payload: unknown) => void>()
    const transport: Transport<BrowserPlatform> = {
      platform: browserPlatform,
      invoke: async () => ({ ok: true, value: {} }),
      subscribe(event, handler) {
        handlers.set(event, handler)
        return () => handlers.delete(event)
      },
    }
    const client = createApiClient(transport)
    const seen: unknown[] = []
    client.on('operation.progress', (payload) => seen.push(payload.progress))
    const send = (payload: unknown) => handlers.get('operation.progress')?.(payload)

    send({
      operationId: 'op-00000001',
      progress: { kind: 'inspect', progress: { bytes: 5, totalBytes: 10 } },
    })
    send({
      operationId: 'op-00000001',
      progress: { kind: 'inspect', progress: { bytesRead: 5, totalBytes: 10 } },
    })
    send({
      operationId: 'op-00000001',
      progress: { kind: 'restore', progress: { phase: 'exploding', bytes: 1 } },
    })
    send({ operationId: 'op-00000001', progress: 'anything' })

    expect(seen).toEqual([{ kind: 'inspect', progress: { bytes: 5, totalBytes: 10 } }])
  })

  it('turns a reply that is not an envelope into an INTERNAL AppError', async () => {
    const transport: Transport<BrowserPlatform> = {
      platform: browserPlatform,
      invoke: async () => 'garbage',
      subscribe: () => () => undefined,
    }
    const client = createApiClient(transport)

    await expect(client.app.info({})).rejects.toMatchObject({ code: 'INTERNAL' })
  })

  it('makes a dropped file a path source on the desktop and an upload in browser mode', async () => {
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices()),
    })
    const file = new File([new Uint8Array([1, 2, 3])], 'backup.snap')

    const desktop = await createApiClient(
      createInMemoryTransport(dispatcher, electronPlatform),
    ).files.fromFile(file)
    const browser = await createApiClient(
      createInMemoryTransport(dispatcher, browserPlatform, 'c2'),
    ).files.fromFile(file)

    expect(desktop).toEqual({ kind: 'path', path: '/home/op/backup.snap', name: 'backup.snap' })
    expect(browser).toEqual({ kind: 'upload', uploadId: 'a'.repeat(32), name: 'backup.snap' })
  })

  it('narrows the platform by kind so desktop-only helpers are typed', () => {
    const dispatcher = createDispatcher({
      host: 'electron',
      handlers: createHandlers(createFakeHostServices()),
    })
    const client = createApiClient(createInMemoryTransport(dispatcher, electronPlatform))

    expectTypeOf(client.platform.pathForFile).toBeFunction()
    expect(client.platform.kind).toBe('electron')
  })
})
