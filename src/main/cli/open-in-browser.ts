/**
 * Opens the browser-mode URL without putting it on a command line: any user on the machine can
 * read a process's arguments (`ps`), and the URL carries the access token. The launcher gets a
 * private file (0600, in a 0700 folder) that redirects to the URL; the caller removes it once
 * the page has connected, or on exit. See docs/threat-model.md ("Browser mode").
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

export type Launch = (command: string, args: string[]) => void

export interface BrowserLaunchOptions {
  platform?: NodeJS.Platform
  /** Where the redirect file's private folder goes (default: the OS temp folder). */
  tempDir?: string
  launch?: Launch
}

export interface BrowserLaunch {
  /** The redirect file handed to the launcher. */
  file: string
  /** Removes the redirect file (the token is in it); safe to call more than once. */
  remove(): Promise<void>
}

export const redirectFolderPrefix = 'snapshot-studio-open-'

function launcherFor(platform: NodeJS.Platform): string {
  return platform === 'darwin' ? 'open' : platform === 'win32' ? 'explorer.exe' : 'xdg-open'
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function redirectPage(url: string): string {
  const href = escapeAttribute(url)
  return `<!doctype html>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0; url=${href}">
<title>Snapshot Studio</title>
<p>Opening Snapshot Studio… If nothing happens, <a href="${href}" rel="noreferrer">open it here</a>.</p>
`
}

function spawnDetached(command: string, args: string[]): void {
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true })
    child.on('error', () => undefined)
    child.unref()
  } catch {
    // No browser launcher: the printed URL is enough.
  }
}

export async function openInBrowser(url: string, options: BrowserLaunchOptions = {}): Promise<BrowserLaunch> {
  const folder = await mkdtemp(join(options.tempDir ?? tmpdir(), redirectFolderPrefix))
  const file = join(folder, 'open.html')
  await writeFile(file, redirectPage(url), { mode: 0o600, flag: 'wx' })
  ;(options.launch ?? spawnDetached)(launcherFor(options.platform ?? process.platform), [
    pathToFileURL(file).href,
  ])
  let removed = false
  return {
    file,
    async remove() {
      if (removed) return
      removed = true
      await rm(folder, { recursive: true, force: true })
    },
  }
}
