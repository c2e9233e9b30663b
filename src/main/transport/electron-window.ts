/**
 * The one window factory. Every window gets the same locked-down web preferences: an isolated,
 * sandboxed renderer without Node, our preload only, web security on. The window stays hidden
 * until its first paint so people never see a blank white frame
 * (https://www.electronjs.org/docs/latest/api/browser-window#showing-the-window-gracefully).
 */
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron'

/** Electron's BrowserWindow class, passed in by the entry point (tests pass a fake). */
export type WindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindow

export interface AppLocation {
  /** Dev server URL (electron-vite dev) or null for the built files. */
  devServerUrl: string | null
  /** out/renderer/index.html */
  rendererIndex: string
  /** out/preload/index.js */
  preloadPath: string
  /**
   * Whether DevTools can open at all. Off in the packaged app: the menu has no toggle there, but
   * the keyboard shortcut and `webContents.openDevTools()` would still give a page a console with
   * the preload's API (docs/threat-model.md, desktop shell).
   */
  developerTools: boolean
}

/**
 * Creates the window without loading it, so the caller can connect it to the API first. The
 * options are written out literally here (not built elsewhere) so that reviewers and static
 * checkers such as electronegativity see every web preference where the window is made.
 */
export function createMainWindow(BrowserWindow: WindowClass, location: AppLocation): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Snapshot Studio for Consul',
    backgroundColor: '#1e1f24',
    webPreferences: {
      preload: location.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: location.developerTools,
      // Middle-click on a link would otherwise try to open a window (denied anyway by the guard).
      disableBlinkFeatures: 'Auxclick',
    },
  })
  window.once('ready-to-show', () => window.show())
  return window
}

export async function loadApp(window: BrowserWindow, location: AppLocation): Promise<void> {
  if (location.devServerUrl !== null) await window.loadURL(location.devServerUrl)
  else await window.loadFile(location.rendererIndex)
}
