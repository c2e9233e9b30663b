/** The native pickers behind dialogs.openSnapshot and dialogs.chooseFolder. */
import type { BrowserWindow, Dialog } from 'electron'
import type { DialogsPort } from '../host/host-services'

export function createElectronDialogs(
  dialog: Pick<Dialog, 'showOpenDialog'>,
  currentWindow: () => BrowserWindow | null,
): DialogsPort {
  return {
    async openSnapshot() {
      const window = currentWindow()
      const options: Electron.OpenDialogOptions = {
        title: 'Open Consul Snapshot',
        properties: ['openFile'],
        filters: [
          { name: 'Consul snapshots', extensions: ['snap', 'age', 'tgz', 'gz'] },
          { name: 'All files', extensions: ['*'] },
        ],
      }
      const result =
        window === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(window, options)
      return result.canceled ? null : (result.filePaths[0] ?? null)
    },
    async chooseFolder(title) {
      const window = currentWindow()
      const options: Electron.OpenDialogOptions = {
        title: title ?? 'Choose a Folder',
        properties: ['openDirectory', 'createDirectory'],
      }
      const result =
        window === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(window, options)
      return result.canceled ? null : (result.filePaths[0] ?? null)
    },
  }
}
