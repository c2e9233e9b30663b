import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ipcChannels } from '../../../src/shared/ipc-channels'

vi.mock('electron', async () => (await import('./fake-electron')).electronFake)

/**
 * The Electron entry point, started against the fake electron module: what it wires up, in
 * which order, and what a second launch with a file does. Its data folder is a temp folder.
 */
describe('the desktop entry point', () => {
  let dataDir: string
  let fake: typeof import('./fake-electron')

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'electron-main-'))
    process.env.SNAPSHOT_STUDIO_DATA_DIR = dataDir
    fake = await import('./fake-electron')
    await import('../../../src/main/index')
    await vi.waitFor(() => expect(fake.FakeBrowserWindow.created[0]?.loaded).toBeTruthy(), {
      timeout: 10_000,
    })
  })

  afterAll(async () => {
    delete process.env.SNAPSHOT_STUDIO_DATA_DIR
    await rm(dataDir, { recursive: true, force: true })
  })

  it('opens exactly one sandboxed window with our preload', () => {
    const [window, ...others] = fake.FakeBrowserWindow.created

    expect(others).toEqual([])
    expect(window?.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    })
    expect(String((window?.options.webPreferences as { preload: string }).preload)).toMatch(
      /preload[\\/]index\.js$/,
    )
  })

  it('guards every web contents created, denies permissions and sets the CSP header', () => {
    const contents = new fake.FakeWebContents()

    fake.electronFake.app.emit('web-contents-created', {}, contents)

    expect(contents.windowOpenHandler?.({ url: 'https://evil.example' })).toEqual({ action: 'deny' })
    expect(fake.electronFake.session.defaultSession.permissionRequestHandler).not.toBeNull()
    expect(fake.electronFake.session.defaultSession.headersListener).not.toBeNull()
  })

  it('answers API calls from its page over IPC and refuses other frames', async () => {
    const invoke = fake.ipcHandlers.get(ipcChannels.invoke)
    const page = pathToFileURL(resolve(__dirname, '../../../src/renderer/index.html')).toString()

    const fromPage = await invoke?.(
      { senderFrame: { url: page, parent: null }, sender: { id: 1 } },
      { method: 'app.info', input: {} },
    )
    const fromElsewhere = await invoke?.(
      { senderFrame: { url: 'https://evil.example/', parent: null }, sender: { id: 1 } },
      { method: 'app.info', input: {} },
    )

    expect(fromPage).toMatchObject({
      ok: true,
      value: { capabilities: { kind: 'electron', nativeDialogs: true, fileUpload: false } },
    })
    expect(fromElsewhere).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('installs the application menu', () => {
    expect(fake.menus).toHaveLength(1)
  })

  it('sends a snapshot from a second launch to the page as app.openFile', () => {
    const window = fake.FakeBrowserWindow.created[0]

    fake.electronFake.app.emit(
      'second-instance',
      {},
      ['/opt/snapshot-studio', '/backups/prod.snap'],
      '/home/op',
    )

    expect(window?.webContents.sent).toContainEqual({
      channel: ipcChannels.event,
      message: { event: 'app.openFile', payload: { path: '/backups/prod.snap' } },
    })
  })
})
