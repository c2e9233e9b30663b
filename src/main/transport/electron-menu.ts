/**
 * The application menu. Commands that belong to the page (open, new profile, save) are sent to
 * the renderer as `menu.command` events; the rest are Electron's standard roles.
 */
import type { Menu as ElectronMenu, MenuItemConstructorOptions } from 'electron'
import type { MenuCommand } from '../../shared/api-contract'

export interface MenuActions {
  send(command: MenuCommand): void
  openExternal(url: string): void
}

export interface MenuPlatform {
  isMac: boolean
  /**
   * Reload and Toggle Developer Tools, for development only: in a packaged app DevTools would
   * give anyone at the keyboard a console with the page's whole API (docs/threat-model.md,
   * "Desktop shell").
   */
  developerTools: boolean
}

export function appMenuTemplate(
  actions: MenuActions,
  { isMac, developerTools }: MenuPlatform,
): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Snapshot…', accelerator: 'CmdOrCtrl+O', click: () => actions.send('open-snapshot') },
      { label: 'New Profile', accelerator: 'CmdOrCtrl+N', click: () => actions.send('new-profile') },
      { label: 'Save Snapshot', accelerator: 'CmdOrCtrl+S', click: () => actions.send('save-snapshot') },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit', accelerator: 'CmdOrCtrl+Q' },
    ],
  }
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      {
        label: 'Consul Snapshot Documentation',
        click: () => actions.openExternal('https://developer.hashicorp.com/consul/commands/snapshot'),
      },
      {
        label: 'Consul Snapshot HTTP API',
        click: () => actions.openExternal('https://developer.hashicorp.com/consul/api-docs/snapshot'),
      },
    ],
  }
  const template: MenuItemConstructorOptions[] = [
    file,
    { role: 'editMenu' },
    view(developerTools),
    { role: 'windowMenu' },
    help,
  ]
  if (isMac) template.unshift({ role: 'appMenu' })
  return template
}

/** Electron's stock View menu, without Reload and the DevTools toggle unless asked for. */
function view(developerTools: boolean): MenuItemConstructorOptions {
  const development: MenuItemConstructorOptions[] = developerTools
    ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
    : []
  return {
    label: 'View',
    submenu: [
      ...development,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  }
}

/** Electron's Menu class, passed in so the template can be built without Electron. */
export type MenuFactory = Pick<typeof ElectronMenu, 'buildFromTemplate' | 'setApplicationMenu'>

export function installAppMenu(Menu: MenuFactory, actions: MenuActions, platform: MenuPlatform): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(actions, platform)))
}
