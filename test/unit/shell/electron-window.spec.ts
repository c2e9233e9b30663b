import { describe, expect, it } from 'vitest'
import {
  createMainWindow as createWithClass,
  loadApp,
  type AppLocation,
  type WindowClass,
} from '../../../src/main/transport/electron-window'
import { fakeWindowClass, type FakeBrowserWindow as FakeWindow } from './fake-electron'

const createMainWindow = (at: AppLocation) =>
  createWithClass(fakeWindowClass().BrowserWindow as unknown as WindowClass, at)

const location = {
  devServerUrl: null,
  rendererIndex: '/app/out/renderer/index.html',
  preloadPath: '/app/out/preload/index.js',
  developerTools: false,
}

function preferencesOf(window: unknown): Record<string, unknown> {
  return (window as FakeWindow).options.webPreferences as Record<string, unknown>
}

describe('the window factory', () => {
  it('isolates and sandboxes the renderer, without Node, with web security on', () => {
    const preferences = preferencesOf(createMainWindow(location))

    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
  })

  it('lets DevTools open only in development builds', () => {
    expect(preferencesOf(createMainWindow(location)).devTools).toBe(false)
    expect(preferencesOf(createMainWindow({ ...location, developerTools: true })).devTools).toBe(true)
  })

  it('loads only our preload', () => {
    expect(preferencesOf(createMainWindow(location)).preload).toBe('/app/out/preload/index.js')
  })

  it('keeps the window hidden until its first paint', () => {
    const window = createMainWindow(location) as unknown as FakeWindow

    const hiddenAtFirst = window.shown
    window.emit('ready-to-show')

    expect(window.options.show).toBe(false)
    expect(hiddenAtFirst).toBe(false)
    expect(window.shown).toBe(true)
  })

  it('loads the built page from disk, or the dev server when one is given', async () => {
    const built = createMainWindow(location)
    const dev = createMainWindow({ ...location, devServerUrl: 'http://localhost:5173' })

    await loadApp(built, location)
    await loadApp(dev, { ...location, devServerUrl: 'http://localhost:5173' })

    expect((built as unknown as FakeWindow).loaded).toBe('file:/app/out/renderer/index.html')
    expect((dev as unknown as FakeWindow).loaded).toBe('http://localhost:5173')
  })
})
