/**
 * The one place that hands a URL to the operating system. Everything that wants a link opened
 * (the API, the window-open handler, the Help menu) comes here, and only https links to the
 * allowlisted hosts pass; `shell.openExternal` is banned by lint everywhere else. Electron's
 * `shell` is passed in, so the check runs under test without Electron.
 */
import type { Shell } from 'electron'
import { checkExternalUrl } from '../../shared/external-links'

export type ExternalOpener = (url: string) => Promise<void>

export function createExternalOpener(shell: Pick<Shell, 'openExternal'>): ExternalOpener {
  return async (url) => {
    const checked = checkExternalUrl(url)
    await shell.openExternal(checked)
  }
}
