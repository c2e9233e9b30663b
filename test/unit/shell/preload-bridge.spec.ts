import { describe, expect, it } from 'vitest'
import { createIpcBridge } from '../../../src/preload/ipc-bridge'
import { ipcChannels } from '../../../src/shared/ipc-channels'

function fakeIpc() {
  const invoked: unknown[][] = []
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>()
  return {
    invoked,
    emit: (channel: string, message: unknown) => listeners.get(channel)?.({}, message),
    ipc: {
      invoke: async (...args: unknown[]) => {
        invoked.push(args)
        return { ok: true, value: 'pong' }
      },
      on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) =>
        listeners.set(channel, listener),
    },
  }
}

describe('the preload bridge', () => {
  it('sends every call on the one invoke channel with its method name', async () => {
    const fake = fakeIpc()
    const bridge = createIpcBridge(fake.ipc, { getPathForFile: () => '' })

    const reply = await bridge.invoke('app.info', {})

    expect(fake.invoked).toEqual([[ipcChannels.invoke, { method: 'app.info', input: {} }]])
    expect(reply).toEqual({ ok: true, value: 'pong' })
  })

  it('fans events out by name and stops after unsubscribing', () => {
    const fake = fakeIpc()
    const bridge = createIpcBridge(fake.ipc, { getPathForFile: () => '' })
    const seen: unknown[] = []
    const stop = bridge.subscribe('menu.command', (payload) => seen.push(payload))

    fake.emit(ipcChannels.event, { event: 'menu.command', payload: { command: 'open-snapshot' } })
    fake.emit(ipcChannels.event, { event: 'app.openFile', payload: { path: '/x.snap' } })
    stop()
    fake.emit(ipcChannels.event, { event: 'menu.command', payload: { command: 'new-profile' } })

    expect(seen).toEqual([{ command: 'open-snapshot' }])
  })

  it('finds a dropped file’s path through webUtils', () => {
    const bridge = createIpcBridge(fakeIpc().ipc, { getPathForFile: (file) => `/dropped/${file.name}` })

    expect(bridge.platform.kind).toBe('electron')
    if (bridge.platform.kind === 'electron')
      expect(bridge.platform.pathForFile(new File([], 'a.snap'))).toBe('/dropped/a.snap')
  })
})

describe('files to open that arrive before the page listens', () => {
  it('are held and handed to the first listener', () => {
    const fake = fakeIpc()
    const bridge = createIpcBridge(fake.ipc, { getPathForFile: () => '' })
    fake.emit(ipcChannels.event, { event: 'app.openFile', payload: { path: '/launch.snap' } })
    const seen: unknown[] = []

    bridge.subscribe('app.openFile', (payload) => seen.push(payload))
    fake.emit(ipcChannels.event, { event: 'app.openFile', payload: { path: '/later.snap' } })

    expect(seen).toEqual([{ path: '/launch.snap' }, { path: '/later.snap' }])
  })
})
