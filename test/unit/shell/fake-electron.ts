/**
 * Stand-ins for the Electron modules the desktop app is given: they record what the shell asks
 * of them, so its security settings and wiring can be checked in plain Node. Each call of
 * createFakeElectron() gives a fresh set with nothing shared between specs.
 */
import { EventEmitter } from 'node:events'
import type { DesktopElectron } from '../../../src/main/host/desktop-app'

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
  readonly webContents = new FakeWebContents()
  shown = false
  focused = false
  loaded: string | null = null
  constructor(readonly options: Record<string, unknown>) {
    super()
  }
  isMinimized(): boolean {
    return false
  }
  restore(): void {}
  focus(): void {
    this.focused = true
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
}

/** A BrowserWindow class whose instances are remembered, as Electron's getAllWindows() does. */
export function fakeWindowClass() {
  const created: FakeBrowserWindow[] = []
  class RecordedWindow extends FakeBrowserWindow {
    constructor(options: Record<string, unknown>) {
      super(options)
      created.push(this)
    }
    static getAllWindows(): FakeBrowserWindow[] {
      return created
    }
  }
  return { BrowserWindow: RecordedWindow, created }
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

/** Electron's `app`: an EventEmitter with the few methods the desktop app calls. */
export class FakeApp extends EventEmitter {
  isPackaged = false
  quitCalled = false
  exitCode: number | null = null
  singleInstance = true
  ready: Promise<void> = Promise.resolve()
  paths = new Map<string, string>()
  requestSingleInstanceLock(): boolean {
    return this.singleInstance
  }
  whenReady(): Promise<void> {
    return this.ready
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
  exit(code = 0): void {
    this.exitCode = code
  }
}

export class FakeIpcMain {
  readonly handlers = new Map<string, Listener>()
  handle(channel: string, listener: Listener): void {
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
}

export class FakeShell {
  readonly opened: string[] = []
  async openExternal(url: string): Promise<void> {
    this.opened.push(url)
  }
}

export class FakeMenu {
  readonly installed: unknown[] = []
  buildFromTemplate(template: unknown): { template: unknown } {
    return { template }
  }
  setApplicationMenu(menu: unknown): void {
    this.installed.push(menu)
  }
}

export function createFakeElectron() {
  const app = new FakeApp()
  const session = new FakeSession()
  const windows = fakeWindowClass()
  const ipcMain = new FakeIpcMain()
  const shell = new FakeShell()
  const menu = new FakeMenu()
  const modules = {
    app,
    session: { defaultSession: session },
    BrowserWindow: windows.BrowserWindow,
    ipcMain,
    Menu: menu,
    dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
    shell,
    safeStorage: {
      isEncryptionAvailable: () => false,
      getSelectedStorageBackend: () => 'basic_text',
      encryptString: (plain: string) => Buffer.from(plain),
      decryptString: (encrypted: Buffer) => encrypted.toString(),
    },
  }
  return {
    // The fakes implement only what the desktop app calls; Electron's types describe far more.
    electron: modules as unknown as DesktopElectron,
    app,
    session,
    windows: windows.created,
    ipcMain,
    shell,
    menu,
  }
}
