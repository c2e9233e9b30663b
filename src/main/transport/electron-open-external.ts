/**
 * The one place that hands a URL to the operating system. Everything that wants a link opened
 * (the API, the window-open handler, the Help menu) comes here, and only https links to the
 * allowlisted hosts pass; `shell.openExternal` is banned by lint everywhere else.
 */
import { shell } from 'electron'
import { checkExternalUrl } from '../../shared/external-links'

export async function openExternalChecked(url: string): Promise<void> {
  const checked = checkExternalUrl(url)
  await shell.openExternal(checked)
}
