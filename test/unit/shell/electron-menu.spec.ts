import { describe, expect, it } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'
import { appMenuTemplate } from '../../../src/main/transport/electron-menu'

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((entry) => [entry, ...(Array.isArray(entry.submenu) ? items(entry.submenu) : [])])
}

describe('the application menu', () => {
  it('offers Open, New Profile and Save with the usual accelerators, sent to the page as commands', () => {
    const sent: string[] = []
    const all = items(
      appMenuTemplate(
        { send: (command) => sent.push(command), openExternal: () => undefined },
        { isMac: false, developerTools: false },
      ),
    )

    for (const label of ['Open Snapshot…', 'New Profile', 'Save Snapshot'])
      all.find((item) => item.label === label)?.click?.({} as never, undefined, {} as never)

    expect(
      all.filter((item) => item.accelerator).map((item) => [item.label ?? item.role, item.accelerator]),
    ).toEqual([
      ['Open Snapshot…', 'CmdOrCtrl+O'],
      ['New Profile', 'CmdOrCtrl+N'],
      ['Save Snapshot', 'CmdOrCtrl+S'],
      ['quit', 'CmdOrCtrl+Q'],
    ])
    expect(sent).toEqual(['open-snapshot', 'new-profile', 'save-snapshot'])
  })

  it('keeps the standard Edit, View and Window menus, and the app menu on macOS', () => {
    const roles = (isMac: boolean) =>
      appMenuTemplate(
        { send: () => undefined, openExternal: () => undefined },
        { isMac, developerTools: false },
      ).map((entry) => entry.role ?? entry.label)

    expect(roles(false)).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'help'])
    expect(roles(true)).toEqual(['appMenu', 'File', 'editMenu', 'View', 'windowMenu', 'help'])
  })

  it('has no Reload or DevTools toggle in a production menu, and keeps zoom and full screen', () => {
    const viewRoles = (developerTools: boolean) =>
      items(
        appMenuTemplate(
          { send: () => undefined, openExternal: () => undefined },
          { isMac: false, developerTools },
        ),
      )
        .map((item) => item.role)
        .filter((role) => role !== undefined)

    expect(viewRoles(false)).not.toContain('toggleDevTools')
    expect(viewRoles(false)).not.toContain('reload')
    expect(viewRoles(false)).not.toContain('forceReload')
    expect(viewRoles(false)).not.toContain('viewMenu')
    expect(viewRoles(false)).toEqual(
      expect.arrayContaining(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']),
    )
    expect(viewRoles(true)).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']))
  })
})
