import { parseCommandLine } from '../command-line'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createDispatcher } from '../../api/dispatcher'
import { createHandlers } from '../../api/create-handlers'
import { createHostServices } from '../../host/create-host-services'
import {
  appVersion,
  builtRendererDir,
  createCatalogue,
  createInspectRunner,
  sampleSnapshotPath,
} from '../../host/host-runtime'
import { createUploadFolder, createUploadStore, sweepStaleUploadFolders } from '../../host/upload-store'
import { FileSecretStore } from '../../services/profiles'
import { startWebHost } from '../../transport/web-host'
import { appDataDir } from '../app-data-dir'
import { openInBrowser, type BrowserLaunch } from '../open-in-browser'
import type { CliCommand, CliIo } from '../cli-io'
import { boolFlag, flagError, formatFlagHelp, intFlag, stringFlag, type FlagSpec } from '../parse-flags'
import { reportError } from '../report-error'

/**
 * `snapshot-studio web`: the whole app in a browser, served on 127.0.0.1 behind a random token.
 * For machines without a display for Electron, for the end-to-end tests, and as the fallback of
 * `npm start`. Never imports electron.
 */
const FLAGS: FlagSpec[] = [
  {
    name: 'port',
    kind: 'int',
    valueName: 'PORT',
    usage: 'Port on 127.0.0.1 to listen on. The default is a free port chosen at random.',
  },
  {
    name: 'data-dir',
    kind: 'string',
    valueName: 'DIR',
    usage:
      "Folder for profiles, secrets and recent files. The default is the desktop app's folder (or SNAPSHOT_STUDIO_DATA_DIR).",
  },
  {
    name: 'save-dir',
    kind: 'string',
    valueName: 'DIR',
    usage: 'Default folder for saved snapshots. The default is ~/snapshots.',
  },
  { name: 'no-open', kind: 'bool', usage: 'Do not open the URL in a browser; only print it.' },
]

export const WEB_HELP = `Usage: snapshot-studio web [options]

  Serves Snapshot Studio to a web browser on this machine: the same screens
  as the desktop app, at http://127.0.0.1:PORT/#token=... (the token keeps
  other local programs and web pages out; keep the URL private). The token
  sits in the URL's fragment, which a browser never sends to any server.
  Runs until Ctrl-C.

Command Options:

${formatFlagHelp(FLAGS)}
`

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGTERM', stop)
      process.off('SIGINT', stop)
      done()
    }
    if (signal?.aborted) return done()
    signal?.addEventListener('abort', stop, { once: true })
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  })
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, WEB_HELP, io)
  if (typeof parsed === 'number') return parsed
  if (parsed.positionals.length > 0)
    return reportError(io, flagError(`web takes no arguments (got ${parsed.positionals.join(' ')})`))
  const port = intFlag(parsed, 'port') ?? 0
  if (port < 0 || port > 65535)
    return reportError(io, flagError(`-port must be between 0 and 65535, got ${port}`))
  const dataDir = resolve(io.cwd, stringFlag(parsed, 'data-dir') ?? appDataDir(io.env))
  const home = io.env.HOME ?? tmpdir()
  const saveDir = resolve(io.cwd, stringFlag(parsed, 'save-dir') ?? join(home, 'snapshots'))

  const rendererDir = builtRendererDir()
  if (rendererDir === null) {
    io.stderr.write(
      'Warning: the renderer is not built (out/renderer is missing); run `npm run build`. Serving the API only.\n',
    )
  }

  try {
    await sweepStaleUploadFolders()
    const uploads = createUploadStore(await createUploadFolder())
    const host = await createHostServices({
      kind: 'browser',
      version: appVersion(),
      platform: process.platform,
      dataDir,
      env: io.env,
      defaultSaveFolder: saveDir,
      secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
      inspect: createInspectRunner(),
      catalogue: createCatalogue(),
      uploads,
      sampleSnapshotPath: sampleSnapshotPath(),
    })
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(host.services),
      onUnexpectedError: (method, error) =>
        io.stderr.write(
          `Unexpected failure in ${method}: ${error instanceof Error ? error.message : String(error)}\n`,
        ),
    })
    // The browser gets a private redirect file, not the URL on its command line (visible in ps);
    // the file goes as soon as a page connects, after two minutes at most, or on exit.
    let launch: BrowserLaunch | null = null
    const web = await startWebHost({
      dispatcher,
      rendererDir,
      uploads,
      port,
      onClientConnected: () => void launch?.remove(),
    })
    io.stdout.write(
      `Snapshot Studio is running in browser mode. Open:\n\n  ${web.url}\n\nData folder: ${dataDir}\nPress Ctrl-C to stop.\n`,
    )
    if (boolFlag(parsed, 'no-open') !== true) {
      launch = await openInBrowser(web.url)
      setTimeout(() => void launch?.remove(), 120_000).unref()
    }
    await untilStopped(io.signal)
    await launch?.remove()
    await web.close()
    await host.dispose()
    return 0
  } catch (error) {
    return reportError(io, error)
  }
}

export const webCommand: CliCommand = {
  summary: 'Serve Snapshot Studio to a web browser on 127.0.0.1 (browser mode)',
  run,
}
