// Electron entry: security guards first, then the API over IPC, the menu and the one window.
// Snapshot files given at launch, by "open with", by a second launch or by macOS open-file wait
// in LaunchFiles until the window asks for them.
import { app, BrowserWindow, session } from 'electron'
import { join } from 'node:path'
import { createDispatcher, type Dispatcher } from './api/dispatcher'
import { createHandlers } from './api/create-handlers'
import { createHostServices, type HostServicesHandle } from './host/create-host-services'
import { createCatalogue, createInspectRunner, sampleSnapshotPath } from './host/host-runtime'
import { appDataDir } from './cli/app-data-dir'
import { FileSecretStore } from './services/profiles'
import { createAppUrlCheck } from './transport/app-url'
import { desktopContentSecurityPolicy } from './transport/content-security-policy'
import { createElectronDialogs } from './transport/electron-dialogs'
import { connectWebContents, serveApiOverIpc } from './transport/electron-ipc'
import { installAppMenu } from './transport/electron-menu'
import { openExternalChecked } from './transport/electron-open-external'
import { safeStorageCipher } from './transport/electron-safe-storage'
import { hardenSession, installWebContentsGuard } from './transport/electron-security'
import { createMainWindow, loadApp, type AppLocation } from './transport/electron-window'
import { LaunchFiles, snapshotPathsFromArgv } from './transport/launch-files'

const launchFiles = new LaunchFiles()
let mainWindow: BrowserWindow | null = null
let dispatcher: Dispatcher | null = null
let host: HostServicesHandle | null = null

const location: AppLocation = {
  devServerUrl:
    !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null,
  rendererIndex: join(__dirname, '..', 'renderer', 'index.html'),
  preloadPath: join(__dirname, '..', 'preload', 'index.js'),
}
const appUrls = createAppUrlCheck(location.rendererIndex, location.devServerUrl)

function focusWindow(): void {
  if (mainWindow === null) return
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.focus()
}

async function openWindow(api: Dispatcher): Promise<void> {
  const window = createMainWindow(location)
  mainWindow = window
  connectWebContents(api, window.webContents)
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null
  })
  await loadApp(window, location)
  // From now on files to open go to the page as events (the preload holds them until the page
  // listens); the ones that came before the page existed go first.
  for (const path of launchFiles.take((next) => api.broadcast('app.openFile', { path: next })))
    api.broadcast('app.openFile', { path })
}

async function start(): Promise<void> {
  installWebContentsGuard({ isAppUrl: appUrls.isAppUrl, openExternal: openExternalChecked })
  hardenSession(session.defaultSession, {
    contentSecurityPolicy: desktopContentSecurityPolicy(),
    isAppUrl: appUrls.isAppUrl,
  })

  const dataDir = appDataDir(process.env)
  host = await createHostServices({
    kind: 'electron',
    version: app.getVersion(),
    platform: process.platform,
    dataDir,
    env: process.env,
    defaultSaveFolder: join(app.getPath('documents'), 'Consul Snapshots'),
    secrets: new FileSecretStore(join(dataDir, 'secrets.json'), safeStorageCipher(process.platform)),
    inspect: createInspectRunner(),
    catalogue: createCatalogue(),
    dialogs: createElectronDialogs(() => mainWindow),
    openExternal: openExternalChecked,
    launchFiles: { take: () => launchFiles.take((path) => dispatcher?.broadcast('app.openFile', { path })) },
    sampleSnapshotPath: app.isPackaged
      ? join(process.resourcesPath, 'sample', 'sample.snap')
      : sampleSnapshotPath(),
  })
  const api = createDispatcher({
    host: 'electron',
    handlers: createHandlers(host.services),
    onUnexpectedError: (method, error) =>
      console.error(
        `Unexpected failure in ${method}:`,
        error instanceof Error ? error.message : String(error),
      ),
  })
  dispatcher = api
  serveApiOverIpc({ dispatcher: api, isAppUrl: appUrls.isAppUrl })
  installAppMenu(
    {
      send: (command) => api.broadcast('menu.command', { command }),
      openExternal: (url) => void openExternalChecked(url).catch(() => undefined),
    },
    process.platform === 'darwin',
  )
  await openWindow(api)

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void openWindow(api)
  })
}

if (!app.requestSingleInstanceLock()) {
  // Another Snapshot Studio is running: it receives our arguments through 'second-instance'.
  app.quit()
} else {
  for (const path of snapshotPathsFromArgv(process.argv, process.cwd())) launchFiles.add(path)
  app.on('second-instance', (_event, argv, workingDirectory) => {
    for (const path of snapshotPathsFromArgv(argv, workingDirectory)) launchFiles.add(path)
    focusWindow()
  })
  // macOS delivers "open with" and dock drops as open-file, possibly before 'ready'.
  app.on('open-file', (event, path) => {
    event.preventDefault()
    launchFiles.add(path)
    focusWindow()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('before-quit', () => {
    dispatcher?.close()
    void host?.dispose()
  })
  app.whenReady().then(start, (error: unknown) => {
    console.error('Snapshot Studio could not start:', error instanceof Error ? error.message : String(error))
    app.exit(1)
  })
}
