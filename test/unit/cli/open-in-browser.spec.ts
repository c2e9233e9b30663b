import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openInBrowser } from '../../../src/main/cli/open-in-browser'

const url = 'http://127.0.0.1:43817/#token=secret-token-in-the-url'

describe('opening browser mode in a browser', () => {
  let folder: string
  let launched: Array<{ command: string; args: string[] }>
  const launch = (command: string, args: string[]) => void launched.push({ command, args })

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'open-in-browser-'))
    launched = []
  })

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  it('never puts the token on the launcher command line (any user can read it with ps)', async () => {
    await openInBrowser(url, { platform: 'linux', tempDir: folder, launch })

    expect(launched).toHaveLength(1)
    expect(launched[0]?.command).toBe('xdg-open')
    expect(launched[0]?.args.join(' ')).not.toContain('secret-token-in-the-url')
    expect(launched[0]?.args[0]).toMatch(/^file:\/\//)
  })

  it('hands over a private file that redirects to the URL', async () => {
    const opened = await openInBrowser(url, { platform: 'darwin', tempDir: folder, launch })
    const file = fileURLToPath(launched[0]?.args[0] ?? '')

    expect(launched[0]?.command).toBe('open')
    expect(file).toBe(opened.file)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await stat(dirname(file))).mode & 0o777).toBe(0o700)
    expect(await readFile(file, 'utf8')).toContain(`url=${url}"`)
  })

  it('removes the file when asked, once the page has connected', async () => {
    const opened = await openInBrowser(url, { platform: 'linux', tempDir: folder, launch })

    await opened.remove()
    await opened.remove()

    expect(existsSync(opened.file)).toBe(false)
    expect(existsSync(dirname(opened.file))).toBe(false)
  })
})
