// Azurite (Microsoft's Azure Storage emulator, an npm devDependency) as a real Blob service for
// the integration specs: on a free loopback port, with its data in a temp folder, no telemetry.
// A server can be shut down and started again on the same port and folder, to see what a crash
// mid-upload left behind.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startServerProcess, type ServerProcess } from './server-process'

// __filename rather than __dirname: tsx's ESM loader supplies only the former reliably.
const repoRoot = path.resolve(path.dirname(__filename), '..', '..')
const azuriteBlob = path.join(repoRoot, 'node_modules', '.bin', 'azurite-blob')

/** Azurite's built-in development account (documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1'
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

export interface AzuriteServer {
  port: number
  /** `http://127.0.0.1:PORT/devstoreaccount1`, the account's Blob service URL. */
  blobEndpoint: string
  accountName: string
  accountKey: string
  connectionString: string
  /** The data folder, kept across `kill` and `start`. */
  location: string
  /**
   * Stops the server (SIGTERM) and keeps its data folder. Not SIGKILL: Azurite keeps its blob
   * index in memory and writes it on exit, so a killed Azurite forgets every container.
   */
  shutDown(): Promise<void>
  /** Starts it again on the same port and data folder. */
  start(): Promise<void>
  /** Stops it and removes its data folder. */
  stop(): Promise<void>
}

export async function startAzurite(): Promise<AzuriteServer> {
  const location = mkdtempSync(path.join(tmpdir(), 'azurite-'))
  let port = 0
  let current: ServerProcess | null = null
  const launch = async () => {
    const { server, match } = await startServerProcess({
      name: 'azurite-blob',
      command: azuriteBlob,
      args: [
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        String(port),
        '--location',
        location,
        '--disableTelemetry',
        '--skipApiVersionCheck',
      ],
      ready: /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/,
      tempDirs: [location],
    })
    current = server
    port = Number(match[1])
  }
  await launch()
  const blobEndpoint = () => `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`
  return {
    get port() {
      return port
    },
    get blobEndpoint() {
      return blobEndpoint()
    },
    accountName: AZURITE_ACCOUNT,
    accountKey: AZURITE_KEY,
    get connectionString() {
      return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint()};`
    },
    location,
    async shutDown() {
      await current?.stop()
      current = null
    },
    async start() {
      if (current === null) await launch()
    },
    async stop() {
      await current?.stop()
      current = null
      rmSync(location, { recursive: true, force: true })
    },
  }
}
