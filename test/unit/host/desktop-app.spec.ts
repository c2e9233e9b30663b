import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DesktopApp } from '../../../src/main/host/desktop-app'
import { instanceFolderPrefix, processStartTime } from '../../../src/main/host/instance-folder'
import { ipcChannels } from '../../../src/shared/ipc-channels'
import { createFakeElectron, FakeWebContents } from '../shell/fake-electron'

const bundleDir = resolve(__dirname, '../../../src/main')

/**
 * The desktop app, given fake Electron modules and a temp data folder: what it wires up, in
 * which order, and what a second launch with a file does.
 */
describe('the desktop app', () => {
  let dataDir: string
  let fake: ReturnType<typeof createFakeElectron>
  let stderr: string[]

  function desktopApp(argv: string[] = ['/opt/snapshot-studio'], platform: NodeJS.Platform = 'linux') {
    return new DesktopApp({
      electron: fake.electron,
      process: {
        argv,
        cwd: '/home/op',
        env: { SNAPSHOT_STUDIO_DATA_DIR: dataDir },
        platform,
        resourcesPath: '/opt/snapshot-studio/resources',
        stderr: { write: (text: string) => void stderr.push(text) },
      },
      bundleDir,
    })
  }

  function callFromPage(method: string, input: unknown): Promise<unknown> {
    const invoke = fake.ipcMain.handlers.get(ipcChannels.invoke)
    const page = pathToFileURL(join(bundleDir, '..', 'renderer', 'index.html')).toString()
    return Promise.resolve(
      invoke?.({ senderFrame: { url: page, parent: null }, sender: { id: 1 } }, { method, input }),
    )
  }

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'desktop-app-'))
    fake = createFakeElectron()
    stderr = []
  })

  afterEach(async () => {
    fake.app.emit('before-quit')
    await rm(dataDir, { recursive: true, force: true })
  })

  it('opens exactly one sandboxed window with our preload, showing our page', async () => {
    const run = await desktopApp().run()

    const [window, ...others] = fake.windows
    expect(run).toBe('window-open')
    expect(others).toEqual([])
    expect(window?.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      preload: join(bundleDir, '..', 'preload', 'index.js'),
    })
    expect(window?.loaded).toBe(`file:${join(bundleDir, '..', 'renderer', 'index.html')}`)
  })

  it('guards every web contents created, denies permissions and sets the CSP header', async () => {
    await desktopApp().run()
    const contents = new FakeWebContents()

    fake.app.emit('web-contents-created', {}, contents)

    expect(contents.windowOpenHandler?.({ url: 'https://evil.example' })).toEqual({ action: 'deny' })
    expect(fake.session.permissionRequestHandler).not.toBeNull()
    expect(fake.session.headersListener).not.toBeNull()
  })

  it('answers API calls from its page over IPC and refuses other frames', async () => {
    await desktopApp().run()
    const invoke = fake.ipcMain.handlers.get(ipcChannels.invoke)
    const page = pathToFileURL(join(bundleDir, '..', 'renderer', 'index.html')).toString()

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
      value: {
        version: '0.0.0-test',
        capabilities: { kind: 'electron', nativeDialogs: true, fileUpload: false },
      },
    })
    expect(fromElsewhere).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('installs the application menu once', async () => {
    await desktopApp().run()

    expect(fake.menu.installed).toHaveLength(1)
  })

  it('offers Toggle Developer Tools in development only, never in the packaged app', async () => {
    const roles = () =>
      JSON.stringify((fake.menu.installed.at(-1) as { template: unknown } | undefined)?.template)

    await desktopApp().run()
    expect(roles()).toContain('toggleDevTools')

    fake = createFakeElectron()
    fake.app.isPackaged = true
    await desktopApp().run()
    expect(roles()).not.toContain('toggleDevTools')
    expect(roles()).not.toContain('reload')
  })

  it('lets DevTools open in development only: the packaged window refuses them', async () => {
    const devTools = () =>
      (fake.windows.at(-1)?.options.webPreferences as { devTools?: boolean } | undefined)?.devTools

    await desktopApp().run()
    expect(devTools()).toBe(true)

    fake = createFakeElectron()
    fake.app.isPackaged = true
    await desktopApp().run()
    expect(devTools()).toBe(false)
  })

  it('keeps its profiles in the data folder it was given', async () => {
    await desktopApp().run()
    const created = await callFromPage('profiles.create', {
      input: {
        name: 'prod',
        environment: { label: 'production', colour: 'red' },
        connection: { address: 'http://127.0.0.1:8500', useTls: false, tls: { insecureSkipVerify: false } },
      },
    })
    fake.app.emit('before-quit')

    fake = createFakeElectron()
    await desktopApp().run()
    const listed = await callFromPage('profiles.list', {})

    expect(created).toMatchObject({ ok: true })
    expect(listed).toMatchObject({ ok: true, value: { profiles: [{ name: 'prod' }] } })
  })

  it('sends the snapshot a launch was given to the page once it is loaded', async () => {
    await desktopApp(['/opt/snapshot-studio', '--no-sandbox', 'backups/prod.snap']).run()

    expect(fake.windows[0]?.webContents.sent).toContainEqual({
      channel: ipcChannels.event,
      message: { event: 'app.openFile', payload: { path: '/home/op/backups/prod.snap' } },
    })
  })

  it('sends a snapshot from a second launch to the page as app.openFile and brings the window forward', async () => {
    await desktopApp().run()
    const window = fake.windows[0]

    fake.app.emit('second-instance', {}, ['/opt/snapshot-studio', '/backups/prod.snap'], '/home/op')

    expect(window?.webContents.sent).toContainEqual({
      channel: ipcChannels.event,
      message: { event: 'app.openFile', payload: { path: '/backups/prod.snap' } },
    })
    expect(window?.focused).toBe(true)
  })

  it('quits at once, opening nothing, when another instance holds the lock', async () => {
    fake.app.singleInstance = false

    const run = await desktopApp(['/opt/snapshot-studio', '/backups/prod.snap']).run()

    expect(run).toBe('handed-to-first-instance')
    expect(fake.app.quitCalled).toBe(true)
    expect(fake.windows).toEqual([])
  })

  it('reports a failed start and exits with status 1', async () => {
    fake.app.ready = Promise.reject(new Error('GPU process crashed'))

    const run = await desktopApp().run()

    expect(run).toBe('failed-to-start')
    expect(fake.app.exitCode).toBe(1)
    expect(fake.windows).toEqual([])
    expect(stderr.join('')).toMatch(/ERROR .*Snapshot Studio could not start .*GPU process crashed/)
    expect(await readFile(join(dataDir, 'logs', 'snapshot-studio.log'), 'utf8')).toContain(
      'GPU process crashed',
    )
  })

  it('quits when its last window closes, except on macOS', async () => {
    await desktopApp().run()
    const mac = createFakeElectron()
    const linux = fake
    fake = mac
    await desktopApp(['/opt/snapshot-studio'], 'darwin').run()

    linux.app.emit('window-all-closed')
    mac.app.emit('window-all-closed')

    expect(linux.app.quitCalled).toBe(true)
    expect(mac.app.quitCalled).toBe(false)
    linux.app.emit('before-quit')
  })

  it('removes the working copies of the snapshots it opened when it quits, and sweeps what a crashed run left', async () => {
    // Its own temp folder, so only this app's folders and the planted ones are there.
    const temp = join(dataDir, 'tmp')
    await mkdir(temp)
    vi.stubEnv('TMPDIR', temp)
    const plant = async (name: string, owner: object) => {
      await mkdir(join(temp, name))
      await writeFile(join(temp, name, 'owner.json'), JSON.stringify(owner))
      await writeFile(join(temp, name, 'state.bin'), 'KV values and ACL secrets')
    }
    // A run that died (no such process) and one that still runs (this process, as another
    // instance on the same machine would be): only the first is swept, whatever its age.
    await plant(`${instanceFolderPrefix}crashed`, { pid: 2 ** 22 + 1, started: null })
    await plant(`${instanceFolderPrefix}running`, {
      pid: process.pid,
      started: processStartTime(process.pid),
    })
    const sample = resolve(__dirname, '../../../resources/sample/sample.snap')

    try {
      await desktopApp().run()
      const opened = await callFromPage('snapshot.browse.open', {
        operationId: 'op-00000001',
        source: { kind: 'path', path: sample },
      })
      const ours = (await readdir(temp)).filter((name) => !name.endsWith('running'))
      const copies = (await readdir(join(temp, ours[0] ?? 'none'), { recursive: true })).filter((name) =>
        name.endsWith('state.bin'),
      )

      fake.app.emit('before-quit')
      fake.app.emit('will-quit')

      expect(opened).toMatchObject({ ok: true })
      expect(ours).toHaveLength(1)
      expect(ours[0]).toMatch(new RegExp(`^${instanceFolderPrefix}`))
      expect(copies).toHaveLength(1)
      expect(await readdir(temp)).toEqual([`${instanceFolderPrefix}running`])
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it('writes its log as JSON lines to a rotated file in its data folder, without secrets', async () => {
    const token = '0b7c5d2e-1a3f-4c8d-9e6b-7f2a1d3c5e9b'
    const desktop = desktopApp()
    await desktop.run()
    await callFromPage('profiles.test', {
      input: {
        name: 'prod',
        environment: { label: 'production', colour: 'red' },
        connection: { address: 'http://127.0.0.1:1', useTls: false, tls: { insecureSkipVerify: false } },
        token: { kind: 'set', value: token },
      },
    })
    fake.app.emit('before-quit')
    await desktop.shutdown()

    const lines = (await readFile(join(dataDir, 'logs', 'snapshot-studio.log'), 'utf8')).trim().split('\n')
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(
      expect.arrayContaining(['Started', 'Quitting']),
    )
    expect(lines.join('\n')).not.toContain(token)
  })
})
