import { describe, expect, it } from 'vitest'
import { createDispatcher, type ClientConnection } from '../../../src/main/api/dispatcher'
import { createHandlers } from '../../../src/main/api/create-handlers'
import { AppError } from '../../../src/shared/app-error'
import { createControllableInspect, createFakeHostServices, sampleInspection } from './fake-host-services'

function recordingClient(
  id: string,
): ClientConnection & { events: Array<{ event: string; payload: unknown }> } {
  const events: Array<{ event: string; payload: unknown }> = []
  return { id, events, send: (event, payload) => events.push({ event, payload }) }
}

describe('the dispatcher', () => {
  it('answers a valid call with the handler value in an ok envelope', async () => {
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices()),
    })

    const reply = await dispatcher.dispatch('c1', 'app.info', {})

    expect(reply).toMatchObject({ ok: true, value: { version: '0.0.0-test' } })
  })

  it('refuses an unknown method without calling anything', async () => {
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices()),
    })

    const reply = await dispatcher.dispatch('c1', 'fs.readAnyFile', { path: '/etc/passwd' })

    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
  })

  it('refuses a payload that does not match the schema, naming the field', async () => {
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices()),
    })

    const reply = await dispatcher.dispatch('c1', 'snapshot.inspect', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: 42 },
    })

    expect(reply.ok).toBe(false)
    if (!reply.ok) {
      expect(reply.error.code).toBe('INVALID_ARGUMENT')
      expect(reply.error.message).toContain('source')
    }
  })

  it('rejects extra fields on strict requests, so a renderer cannot smuggle options', async () => {
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices()),
    })

    const reply = await dispatcher.dispatch('c1', 'profiles.remove', { id: 'p1', force: true })

    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
  })

  it('answers UNSUPPORTED for desktop-only methods in browser mode', async () => {
    let called = false
    const services = createFakeHostServices({
      dialogs: { openSnapshot: async () => ((called = true), '/x.snap'), chooseFolder: async () => null },
    })
    const dispatcher = createDispatcher({ host: 'browser', handlers: createHandlers(services) })

    const reply = await dispatcher.dispatch('c1', 'dialogs.openSnapshot', {})

    expect(reply).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } })
    expect(called).toBe(false)
  })

  it('passes AppErrors through as payloads and hides the internals of other failures', async () => {
    const services = createFakeHostServices({
      recentFiles: {
        list: async () => {
          throw new TypeError('cannot read properties of undefined')
        },
        add: async () => [],
      },
      sample: {
        open: async () => {
          throw new AppError('FILE_NOT_FOUND', 'gone', { hint: 'pick another' })
        },
      },
    })
    const unexpected: string[] = []
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(services),
      onUnexpectedError: (method) => unexpected.push(method),
    })

    const known = await dispatcher.dispatch('c1', 'sample.open', {})
    const bug = await dispatcher.dispatch('c1', 'recentFiles.list', {})

    expect(known).toEqual({
      ok: false,
      error: { code: 'FILE_NOT_FOUND', message: 'gone', hint: 'pick another' },
    })
    expect(bug).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(unexpected).toEqual(['recentFiles.list'])
  })

  it('fills in schema defaults before the handler runs', async () => {
    const seen: unknown[] = []
    const services = createFakeHostServices({
      inspect: {
        async inspect(_path, options) {
          seen.push(options)
          return sampleInspection
        },
        async verify() {
          throw new Error('unused')
        },
      },
    })
    const dispatcher = createDispatcher({ host: 'browser', handlers: createHandlers(services) })

    await dispatcher.dispatch('c1', 'snapshot.inspect', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: '/a.snap' },
    })

    expect(seen).toEqual([{ kvDetails: false, kvDepth: 2, kvFilter: '' }])
  })

  it('sends progress of an operation only to the client that started it', async () => {
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices()),
    })
    const mine = recordingClient('mine')
    const other = recordingClient('other')
    dispatcher.connect(mine)
    dispatcher.connect(other)

    await dispatcher.dispatch('mine', 'snapshot.inspect', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: '/a.snap' },
    })

    expect(mine.events).toEqual([
      {
        event: 'operation.progress',
        payload: {
          operationId: 'op-00000001',
          progress: { kind: 'inspect', progress: { bytes: 2048, totalBytes: 2048 } },
        },
      },
    ])
    expect(other.events).toEqual([])
  })

  it('cancels a running operation on request and answers CANCELLED', async () => {
    const inspect = createControllableInspect()
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices({ inspect })),
    })
    const pending = dispatcher.dispatch('c1', 'snapshot.inspect', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: '/a.snap' },
    })
    await inspect.started

    const cancel = await dispatcher.dispatch('c1', 'operations.cancel', { operationId: 'op-00000001' })

    expect(cancel).toEqual({ ok: true, value: { cancelled: true } })
    expect(await pending).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    expect(dispatcher.runningOperations).toBe(0)
  })

  it('does not let one client cancel another client’s operation', async () => {
    const inspect = createControllableInspect()
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices({ inspect })),
    })
    const pending = dispatcher.dispatch('c1', 'snapshot.inspect', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: '/a.snap' },
    })
    await inspect.started

    const cancel = await dispatcher.dispatch('intruder', 'operations.cancel', { operationId: 'op-00000001' })
    inspect.release()

    expect(cancel).toEqual({ ok: true, value: { cancelled: false } })
    expect(await pending).toMatchObject({ ok: true })
  })

  it('cancels the operations of a client that disconnects', async () => {
    const inspect = createControllableInspect()
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices({ inspect })),
    })
    const disconnect = dispatcher.connect(recordingClient('c1'))
    const pending = dispatcher.dispatch('c1', 'snapshot.inspect', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: '/a.snap' },
    })
    await inspect.started

    disconnect()

    expect(await pending).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
  })

  it('refuses a second operation with an id that is still running', async () => {
    const inspect = createControllableInspect()
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices({ inspect })),
    })
    const first = dispatcher.dispatch('c1', 'snapshot.inspect', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: '/a.snap' },
    })
    await inspect.started

    const second = await dispatcher.dispatch('c1', 'snapshot.inspect', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: '/a.snap' },
    })
    inspect.release()

    expect(second).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
    expect(await first).toMatchObject({ ok: true })
  })

  it('broadcasts host events to every connected client', () => {
    const dispatcher = createDispatcher({
      host: 'electron',
      handlers: createHandlers(createFakeHostServices()),
    })
    const a = recordingClient('a')
    const b = recordingClient('b')
    dispatcher.connect(a)
    dispatcher.connect(b)

    dispatcher.broadcast('menu.command', { command: 'open-snapshot' })

    expect(a.events).toEqual([{ event: 'menu.command', payload: { command: 'open-snapshot' } }])
    expect(b.events).toEqual(a.events)
  })

  it('is coalesced to a few updates, and the last numbers arrive before the result', async () => {
    const services = createFakeHostServices({
      inspect: {
        async inspect(_path, _options, work) {
          for (let bytes = 1; bytes <= 1000; bytes++) work.onProgress({ bytes: bytes, totalBytes: 1000 })
          return sampleInspection
        },
        async verify() {
          return sampleInspection
        },
      },
    })
    const dispatcher = createDispatcher({ host: 'browser', handlers: createHandlers(services), now: () => 0 })
    const client = recordingClient('c1')
    dispatcher.connect(client)

    await dispatcher.dispatch('c1', 'snapshot.inspect', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: '/a.snap' },
    })

    const reported = client.events.map(
      (event) => (event.payload as { progress: { progress: { bytes: number } } }).progress.progress.bytes,
    )
    expect(reported).toEqual([1, 1000])
  })

  it('keeps the latest report of each profile of a multi-profile save', async () => {
    const services = createFakeHostServices({
      save: {
        async saveMany(_request, work) {
          for (const profileId of ['a', 'b', 'a', 'b']) {
            work.onProgress({
              profileId,
              progress: {
                phase: 'downloading',
                bytes: profileId === 'a' ? 10 : 20,
                totalBytes: null,
                bytesPerSecond: 0,
                elapsedMs: 0,
              },
            })
          }
          return []
        },
      },
    })
    const dispatcher = createDispatcher({ host: 'browser', handlers: createHandlers(services), now: () => 0 })
    const client = recordingClient('c1')
    dispatcher.connect(client)

    await dispatcher.dispatch('c1', 'save.start', { operationId: 'op-00000001', profileIds: ['a', 'b'] })

    const reported = client.events.map(
      (event) => (event.payload as { progress: { profileId: string } }).progress.profileId,
    )
    expect(reported).toEqual(['a', 'b', 'a'])
  })
})
