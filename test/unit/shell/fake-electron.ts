/**
 * A stand-in for the `electron` module: records what the shell asks of it, so the security
 * settings can be checked in plain Node. Used through vi.mock('electron', ...).
 */
import { EventEmitter } from 'node:events'

type Listener = (...args: unknown[]) => unknown

export class FakeWebContents extends EventEmitter {
  static nextId = 1
  readonly id = FakeWebContents.nextId++
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
  sent: Array<{ channel: string; message: unknown }> = []
  destroyed = false
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
  send(channel: string, message: unknown): void {
    this.sent.push({ channel, message })
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
}

export class FakeBrowserWindow extends EventEmitter {
  isMinimized(): boolean {
    return false
  }
  restore(): void {}
  focus(): void {}
  static created: FakeBrowserWindow[] = []
  readonly webContents = new FakeWebContents()
  shown = false
  loaded: string | null = null
  constructor(readonly options: Record<string, unknown>) {
    super()
    FakeBrowserWindow.created.push(this)
  }
  show(): void {
    this.shown = true
  }
  async loadFile(path: string): Promise<void> {
    this.loaded = `file:${path}`
  }
  async loadURL(url: string): Promise<void> {
    this.loaded = url
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.created
  }
}

export class FakeSession {
  permissionRequestHandler: Listener | null = null
  permissionCheckHandler: Listener | null = null
  headersListener: Listener | null = null
  webRequest = {
    onHeadersReceived: (listener: Listener) => {
      this.headersListener = listener
    },
  }
  setPermissionRequestHandler(handler: Listener): void {
    this.permissionRequestHandler = handler
  }
  setPermissionCheckHandler(handler: Listener): void {
    this.permissionCheckHandler = handler
  }
}

export const ipcHandlers = new Map<string, Listener>()

export const openedExternally: string[] = []

/** Electron's `app`: an EventEmitter with the few methods the entry point calls. */
export class FakeApp extends EventEmitter {
  isPackaged = false
  quitCalled = false
  paths = new Map<string, string>()
  requestSingleInstanceLock(): boolean {
    return true
  }
  whenReady(): Promise<void> {
    return Promise.resolve()
  }
  getVersion(): string {
    return '0.0.0-test'
  }
  getPath(name: string): string {
    return this.paths.get(name) ?? `/tmp/fake-electron-${name}`
  }
  quit(): void {
    this.quitCalled = true
  }
  exit(): void {
    this.quitCalled = true
  }
}

export const menus: unknown[] = []

export const electronFake = {
  app: new FakeApp(),
  BrowserWindow: FakeBrowserWindow,
  session: { defaultSession: new FakeSession() },
  ipcMain: {
    handle: (channel: string, listener: Listener) => ipcHandlers.set(channel, listener),
    removeHandler: (channel: string) => ipcHandlers.delete(channel),
  },
  shell: {
    openExternal: async (url: string) => {
      openedExternally.push(url)
    },
  },
  Menu: {
    buildFromTemplate: (template: unknown) => ({ template }),
    setApplicationMenu: (menu: unknown) => void menus.push(menu),
  },
  dialog: {},
  safeStorage: {
    isEncryptionAvailable: () => false,
    getSelectedStorageBackend: () => 'basic_text',
  },
}
