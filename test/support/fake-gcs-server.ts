// fake-gcs-server (Go, built once by test/storage/fake-gcs-server/find-fake-gcs-server.sh) as a
// real GCS JSON API for the integration specs: plain http on a free loopback port, objects on
// disk in a temp folder so that a server killed mid-upload can be started again to see what it
// kept. It accepts any credentials, as emulators do.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startServerProcess, type ServerProcess } from './server-process'

// __filename rather than __dirname: tsx's ESM loader supplies only the former reliably.
const repoRoot = path.resolve(path.dirname(__filename), '..', '..')
const findScript = path.join(repoRoot, 'test', 'storage', 'fake-gcs-server', 'find-fake-gcs-server.sh')

let binary: Promise<string> | undefined

/** Path of the fake-gcs-server binary (found or built by its find script), once per process. */
export function findFakeGcsBinary(): Promise<string> {
  binary ??= new Promise<string>((resolve, reject) => {
    // A cold build takes minutes; its progress goes to our stderr so a slow first run is explained.
    const child = spawn('bash', [findScript], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const bin = out.trim().split('\n').pop() ?? ''
      if (code === 0 && bin !== '') resolve(bin)
      else
        reject(
          new Error(
            `find-fake-gcs-server.sh failed (exit ${code}); set FAKE_GCS_BIN to a fake-gcs-server binary`,
          ),
        )
    })
  })
  return binary
}

export interface FakeGcsServer {
  port: number
  /** `http://127.0.0.1:PORT`, the JSON API endpoint to give the SDK as `apiEndpoint`. */
  endpoint: string
  /** The object folder, kept across `kill` and `start`. */
  root: string
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>
  /** Starts it again on the same port and folder. */
  start(): Promise<void>
  /** Stops it and removes its folder. */
  stop(): Promise<void>
}

export async function startFakeGcsServer(): Promise<FakeGcsServer> {
  const bin = await findFakeGcsBinary()
  const root = mkdtempSync(path.join(tmpdir(), 'fake-gcs-'))
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  let current: ServerProcess | null = null
  const launch = async () => {
    const { server } = await startServerProcess({
      name: 'fake-gcs-server',
      command: bin,
      args: [
        '-scheme',
        'http',
        '-host',
        '127.0.0.1',
        '-port',
        String(port),
        // Resumable uploads continue at the Location the server hands out: it must be this address.
        '-external-url',
        endpoint,
        '-public-host',
        `127.0.0.1:${port}`,
        '-backend',
        'filesystem',
        '-filesystem-root',
        root,
        '-log-level',
        'info',
      ],
      ready: /server started at/,
      tempDirs: [root],
    })
    current = server
  }
  await launch()
  return {
    port,
    endpoint,
    root,
    async kill() {
      await current?.kill()
      current = null
    },
    async start() {
      if (current === null) await launch()
    },
    async stop() {
      await current?.stop()
      current = null
      rmSync(root, { recursive: true, force: true })
    },
  }
}

/** A port the kernel just handed out and we released; fake-gcs-server cannot report its own. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}
