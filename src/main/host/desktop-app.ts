/**
 * The desktop app: security guards first, then the API over IPC, the menu and the one window.
 * Snapshot files given at launch, by "open with", by a second launch or by macOS open-file wait
 * in LaunchFiles until the window asks for them.
 *
 * Electron's modules and the process facts come in through the constructor: src/main/index.ts
 * passes the real ones, tests pass plain fakes, and nothing here loads Electron.
 */
import { join } from 'node:path'
import type { App, BrowserWindow, Dialog, Session, Shell } from 'electron'
import { createHandlers } from '../api/create-handlers'
import { createDispatcher, type Dispatcher } from '../api/dispatcher'
import { openLogFile, type LogFile } from '../logging/log-file'
import { LOG_LEVEL_VARIABLE, resolveLogLevel, textSink, type Logger, type LogLevel } from '../logging/logger'
import { createLogger } from '../logging/pino-logger'
import { FileSecretStore } from '../services/profiles'
import { createAppUrlCheck } from '../transport/app-url'
import { desktopContentSecurityPolicy } from '../transport/content-security-policy'
import { createElectronDialogs } from '../transport/electron-dialogs'
import { connectWebContents, serveApiOverIpc, type IpcOptions } from '../transport/electron-ipc'
import { installAppMenu, type MenuFactory } from '../transport/electron-menu'
import { createExternalOpener, type ExternalOpener } from '../transport/electron-open-external'
import { safeStorageCipher } from '../transport/electron-safe-storage'
import { hardenSession, installWebContentsGuard } from '../transport/electron-security'
import { createMainWindow, loadApp, type AppLocation, type WindowClass } from '../transport/electron-window'
import { LaunchFiles, snapshotPathsFromArgv } from '../transport/launch-files'
import { appDataDir } from './app-data-dir'
import { createHostServices, type HostServicesHandle } from './create-host-services'
import { createCatalogue, createInspectRunner, sampleSnapshotPath } from './host-runtime'
import { createInstanceFolder, sweepAbandonedInstanceFolders, type InstanceFolder } from './instance-folder'

/** The parts of Electron the desktop app uses. */
export interface DesktopElectron {
  app: Pick<
    App,
    | 'on'
    | 'whenReady'
    | 'requestSingleInstanceLock'
    | 'quit'
    | 'exit'
    | 'getVersion'
    | 'getPath'
    | 'isPackaged'
  >
  /** Electron's `session` module; its default session exists only once the app is ready. */
  session: { readonly defaultSession: Session }
  BrowserWindow: WindowClass & { getAllWindows(): BrowserWindow[] }
  ipcMain: IpcOptions['ipcMain']
  Menu: MenuFactory
  dialog: Pick<Dialog, 'showOpenDialog'>
  shell: Pick<Shell, 'openExternal'>
  safeStorage: Parameters<typeof safeStorageCipher>[0]
  /** Electron's Notification, for a backup plan that failed while the window is in the background. */
  Notification?: PlanNotificationFactory
}

export interface PlanNotificationFactory {
  isSupported(): boolean
  new (options: { title: string; body: string }): { show(): void }
}

/** What the desktop app reads from its process. */
export interface DesktopProcess {
  argv: readonly string[]
  cwd: string
  env: Record<string, string | undefined>
  platform: NodeJS.Platform
  /** Electron's resources folder (the sample snapshot sits there in a packaged app). */
  resourcesPath: string
  /** Warnings and errors are echoed here besides the log file (a terminal that started the app). */
  stderr: { write(text: string): unknown }
}

export interface DesktopAppOptions {
  electron: DesktopElectron
  process: DesktopProcess
  /** The folder of the main bundle (out/main); the renderer and the preload sit beside it. */
  bundleDir: string
}

/**
 * How a run went: the window is open; another instance got our arguments and we quit; or the
 * app could not start (reported, and the process ends with status 1).
 */
export type DesktopRun = 'window-open' | 'handed-to-first-instance' | 'failed-to-start'

export class DesktopApp {
  private readonly electron: DesktopElectron
  private readonly process: DesktopProcess
  private readonly location: AppLocation
  private readonly appUrls: ReturnType<typeof createAppUrlCheck>
  private readonly openExternal: ExternalOpener
  private readonly launchFiles = new LaunchFiles()
  private mainWindow: BrowserWindow | null = null
  private dispatcher: Dispatcher | null = null
  private host: HostServicesHandle | null = null
  private instance: InstanceFolder | null = null
  private readonly dataDir: string
  private log: Logger
  private logFile: LogFile | null = null
  private closing: Promise<void> | null = null

  constructor(options: DesktopAppOptions) {
    this.electron = options.electron
    this.process = options.process
    const devServerUrl = options.process.env.ELECTRON_RENDERER_URL
    this.location = {
      devServerUrl: !options.electron.app.isPackaged && devServerUrl ? devServerUrl : null,
      rendererIndex: join(options.bundleDir, '..', 'renderer', 'index.html'),
      preloadPath: join(options.bundleDir, '..', 'preload', 'index.js'),
      developerTools: !options.electron.app.isPackaged,
    }
    this.appUrls = createAppUrlCheck(this.location.rendererIndex, this.location.devServerUrl)
    this.openExternal = createExternalOpener(options.electron.shell)
    this.dataDir = appDataDir(options.process.env, options.process.platform)
    this.log = createLogger({ sinks: [textSink(options.process.stderr, 'warn')] })
  }

  /**
   * The log: JSON lines in a rotated file in the data folder (SNAPSHOT_STUDIO_LOG_LEVEL, info by
   * default), warnings and errors on stderr too. Without a writable file, stderr only.
   */
  private openLog(): void {
    let level: LogLevel = 'info'
    try {
      level = resolveLogLevel(this.process.env[LOG_LEVEL_VARIABLE], 'info')
    } catch (error) {
      this.log.warn('Ignoring the log level', { err: error })
    }
    const terminal = textSink(this.process.stderr, 'warn')
    try {
      this.logFile = openLogFile(this.dataDir, level)
    } catch (error) {
      this.log.warn('The log file cannot be opened; logging to stderr only', { err: error })
      return
    }
    this.log = createLogger({
      sinks: [this.logFile.sink, terminal],
      base: { app: 'desktop', version: this.electron.app.getVersion() },
    })
  }

  /**
   * Claims the single-instance lock, listens to the app's events and, once Electron is ready,
   * opens the window.
   */
  async run(): Promise<DesktopRun> {
    const { app } = this.electron
    if (!app.requestSingleInstanceLock()) {
      // Another Snapshot Studio is running: it receives our arguments through 'second-instance'.
      app.quit()
      return 'handed-to-first-instance'
    }
    this.openLog()
    for (const path of snapshotPathsFromArgv(this.process.argv, this.process.cwd)) this.launchFiles.add(path)
    app.on('second-instance', (_event, argv, workingDirectory) => {
      for (const path of snapshotPathsFromArgv(argv, workingDirectory)) this.launchFiles.add(path)
      this.focusWindow()
    })
    // macOS delivers "open with" and dock drops as open-file, possibly before 'ready'.
    app.on('open-file', (event, path) => {
      event.preventDefault()
      this.launchFiles.add(path)
      this.focusWindow()
    })
    app.on('window-all-closed', () => {
      if (this.process.platform !== 'darwin') app.quit()
    })
    app.on('before-quit', () => void this.shutdown())
    // Quitting does not wait for dispose(): the working copies' folder goes synchronously.
    app.on('will-quit', () => this.instance?.removeSync())
    process.once('exit', () => this.instance?.removeSync())
    try {
      await app.whenReady()
      await this.start()
      this.log.info('Started', { dataDir: this.dataDir, platform: this.process.platform })
      return 'window-open'
    } catch (error) {
      this.log.error('Snapshot Studio could not start', { err: error })
      await this.logFile?.close()
      app.exit(1)
      return 'failed-to-start'
    }
  }

  /**
   * Stops the API, lets the host clean up (workers, working copies) and closes the log file.
   * Electron's before-quit starts it; calling it again returns the same promise.
   */
  shutdown(): Promise<void> {
    this.closing ??= (async () => {
      this.log.info('Quitting')
      this.dispatcher?.close()
      try {
        await this.host?.dispose()
      } catch (error) {
        this.log.error('Cleaning up on quit failed', { err: error })
      }
      await this.logFile?.close()
    })()
    return this.closing
  }

  private async start(): Promise<void> {
    const { app, session } = this.electron
    const platform = this.process.platform
    installWebContentsGuard(app, { isAppUrl: this.appUrls.isAppUrl, openExternal: this.openExternal })
    hardenSession(session.defaultSession, {
      contentSecurityPolicy: desktopContentSecurityPolicy(),
      isAppUrl: this.appUrls.isAppUrl,
    })

    const dataDir = this.dataDir
    // Catalogues' working copies (KV values, ACL secrets) go in this run's own temp folder, removed
    // on quit; what a crashed run left is swept now (docs/threat-model.md).
    sweepAbandonedInstanceFolders()
    const instance = createInstanceFolder()
    this.instance = instance
    this.host = await createHostServices({
      kind: 'electron',
      version: app.getVersion(),
      platform,
      dataDir,
      env: this.process.env,
      defaultSaveFolder: join(app.getPath('documents'), 'Consul Snapshots'),
      secrets: new FileSecretStore(
        join(dataDir, 'secrets.json'),
        safeStorageCipher(this.electron.safeStorage, platform),
      ),
      inspect: createInspectRunner(),
      catalogue: createCatalogue({ spillDir: instance.spillDir }),
      spillDir: instance.spillDir,
      dialogs: createElectronDialogs(this.electron.dialog, () => this.mainWindow),
      log: this.log,
      sampleSnapshotPath: app.isPackaged
        ? join(this.process.resourcesPath, 'sample', 'sample.snap')
        : sampleSnapshotPath(),
    })
    const api = createDispatcher({
      host: 'electron',
      handlers: createHandlers(this.host.services),
      onUnexpectedError: (method, error) => this.log.error('Unexpected failure', { method, err: error }),
    })
    this.dispatcher = api
    const notifications = this.electron.Notification
    this.host.onPlanRunFinished((event) => {
      api.broadcast('plans.runFinished', event)
      if (!event.ok && notifications?.isSupported())
        new notifications({
          title: `Backup plan "${event.planName}" failed`,
          body: event.message ?? 'The backup did not complete; see the Backups screen.',
        }).show()
    })
    serveApiOverIpc({ ipcMain: this.electron.ipcMain, dispatcher: api, isAppUrl: this.appUrls.isAppUrl })
    installAppMenu(
      this.electron.Menu,
      {
        send: (command) => api.broadcast('menu.command', { command }),
        openExternal: (url) => void this.openExternal(url).catch(() => undefined),
      },
      { isMac: platform === 'darwin', developerTools: !app.isPackaged },
    )
    await this.openWindow(api)

    app.on('activate', () => {
      if (this.electron.BrowserWindow.getAllWindows().length === 0) void this.openWindow(api)
    })
  }

  private async openWindow(api: Dispatcher): Promise<void> {
    const window = createMainWindow(this.electron.BrowserWindow, this.location)
    this.mainWindow = window
    connectWebContents(api, window.webContents)
    window.on('closed', () => {
      if (this.mainWindow === window) this.mainWindow = null
    })
    await loadApp(window, this.location)
    // From now on files to open go to the page as events (the preload holds them until the page
    // listens); the ones that came before the page existed go first.
    for (const path of this.launchFiles.take((next) => api.broadcast('app.openFile', { path: next })))
      api.broadcast('app.openFile', { path })
  }

  private focusWindow(): void {
    const window = this.mainWindow
    if (window === null) return
    if (window.isMinimized()) window.restore()
    window.focus()
  }
}
