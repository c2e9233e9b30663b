import { beforeEach, describe, expect, it } from 'vitest'
import { createHandlers } from '../../../src/main/api/create-handlers'
import { createDispatcher } from '../../../src/main/api/dispatcher'
import { createAppUrlCheck } from '../../../src/main/transport/app-url'
import { connectWebContents, serveApiOverIpc } from '../../../src/main/transport/electron-ipc'
import { ipcChannels } from '../../../src/shared/ipc-channels'
import { createFakeHostServices } from '../api/fake-host-services'
import { FakeIpcMain, FakeWebContents } from './fake-electron'

const appUrls = createAppUrlCheck('/app/out/renderer/index.html', null)
const appFrame = { url: 'file:///app/out/renderer/index.html', parent: null }

let ipcMain = new FakeIpcMain()

function invoke(senderFrame: unknown, message: unknown): Promise<unknown> {
  const handler = ipcMain.handlers.get(ipcChannels.invoke)
  if (handler === undefined) throw new Error('no invoke handler')
  return handler({ senderFrame, sender: new FakeWebContents() }, message) as Promise<unknown>
}

describe('the API over Electron IPC', () => {
  beforeEach(() => {
    ipcMain = new FakeIpcMain()
    serveApiOverIpc({
      ipcMain: ipcMain as never,
      dispatcher: createDispatcher({ host: 'electron', handlers: createHandlers(createFakeHostServices()) }),
      isAppUrl: appUrls.isAppUrl,
    })
  })

  it('answers a call from the main frame of our page', async () => {
    const reply = await invoke(appFrame, { method: 'app.info', input: {} })

    expect(reply).toMatchObject({ ok: true, value: { name: 'Snapshot Studio for Consul' } })
  })

  it('refuses a call from a page on another origin that ended up in the window', async () => {
    const reply = await invoke(
      { url: 'https://evil.example/', parent: null },
      { method: 'app.info', input: {} },
    )

    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('refuses a call from a sub-frame, even one showing our page', async () => {
    const reply = await invoke({ url: appFrame.url, parent: appFrame }, { method: 'app.info', input: {} })

    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('refuses a call whose frame is already gone', async () => {
    const reply = await invoke(null, { method: 'app.info', input: {} })

    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('refuses a malformed message and an unknown method', async () => {
    const malformed = await invoke(appFrame, 'app.info')
    const unknown = await invoke(appFrame, { method: 'fs.read', input: { path: '/etc/shadow' } })

    expect(malformed).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
  })

  it('validates the payload with the contract before any service runs', async () => {
    const reply = await invoke(appFrame, { method: 'profiles.remove', input: { id: 42 } })

    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
  })

  it('sends events to a connected window on the one event channel, and stops when it is destroyed', () => {
    const dispatcher = createDispatcher({
      host: 'electron',
      handlers: createHandlers(createFakeHostServices()),
    })
    const contents = new FakeWebContents()
    connectWebContents(dispatcher, contents as never)

    dispatcher.broadcast('menu.command', { command: 'new-profile' })
    contents.emit('destroyed')
    dispatcher.broadcast('menu.command', { command: 'save-snapshot' })

    expect(contents.sent).toEqual([
      { channel: ipcChannels.event, message: { event: 'menu.command', payload: { command: 'new-profile' } } },
    ])
  })
})
