import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { appDataDir } from '../../host/app-data-dir'
import { startBrowserHost } from '../../host/browser-host'
import { silentLogger } from '../../logging/logger'
import { openInBrowser, type BrowserLaunch } from '../open-in-browser'
import type { CliCommand, CliIo } from '../cli-io'
import { parseCommandLine } from '../command-line'
import { boolFlag, flagError, formatFlagHelp, intFlag, stringFlag, type FlagSpec } from '../parse-flags'
import { reportError } from '../report-error'

/**
 * `snapshot-studio web`: reads its flags, starts browser mode's host (src/main/host/browser-host.ts),
 * prints the URL, hands it to a browser and serves until Ctrl-C.
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

  try {
    // The browser gets a private redirect file, not the URL on its command line (visible in ps);
    // the file goes as soon as a page connects, after two minutes at most, or on exit.
    let launch: BrowserLaunch | null = null
    const host = await startBrowserHost({
      dataDir,
      saveDir,
      port,
      env: io.env,
      onClientConnected: () => void launch?.remove(),
      log: io.log ?? silentLogger,
    })
    if (!host.servesRenderer) {
      io.stderr.write(
        'Warning: the renderer is not built (out/renderer is missing); run `npm run build`. Serving the API only.\n',
      )
    }
    io.stdout.write(
      `Snapshot Studio is running in browser mode. Open:\n\n  ${host.url}\n\nData folder: ${dataDir}\nPress Ctrl-C to stop.\n`,
    )
    if (boolFlag(parsed, 'no-open') !== true) {
      launch = await openInBrowser(host.url)
      setTimeout(() => void launch?.remove(), 120_000).unref()
    }
    await untilStopped(io.signal)
    await launch?.remove()
    await host.close()
    return 0
  } catch (error) {
    return reportError(io, error)
  }
}

export const webCommand: CliCommand = {
  summary: 'Serve Snapshot Studio to a web browser on 127.0.0.1 (browser mode)',
  run,
}
