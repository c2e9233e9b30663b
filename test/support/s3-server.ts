// A real S3 server for integration tests and benchmarks: versitygw v1.8.0 (posix backend) built
// by test/storage/versitygw/find-versitygw.sh, on a free loopback port, over a private temp
// folder, with known root credentials; a watched child process (server-process.ts) that never
// outlives the tests, and can be killed and started again on the same port and data.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { startServerProcess, type ServerProcess } from './server-process'

export interface S3TestServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string
  port: number
  region: string
  accessKeyId: string
  secretAccessKey: string
  /** The posix root: one folder per bucket, one file per object. */
  root: string
  createBucket(name: string): Promise<void>
  /** Kills the gateway at once (SIGKILL, as a crash would) but keeps its data. */
  pause(): Promise<void>
  /** Starts it again on the same port and root after `pause`. */
  resume(): Promise<void>
  stop(): Promise<void>
}

export interface StartS3ServerOptions {
  /** Extra arguments after `posix`, e.g. `--data-integrity-etag`. */
  posixArgs?: string[]
}

const repoRoot = path.resolve(path.dirname(__filename), '..', '..')
const findScript = path.join(repoRoot, 'test', 'storage', 'versitygw', 'find-versitygw.sh')
const START_DEADLINE_MS = 30_000

let binary: Promise<string> | undefined

/** Path of the versitygw binary (found or built once), once per process. */
export function findVersitygwBinary(): Promise<string> {
  binary ??= new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [findScript], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const bin = out.trim().split('\n').pop() ?? ''
      if (code === 0 && bin !== '') resolve(bin)
      else
        reject(new Error(`find-versitygw.sh failed (exit ${code}); set VERSITYGW_BIN to a versitygw binary`))
    })
  })
  return binary
}

export async function startS3Server(options: StartS3ServerOptions = {}): Promise<S3TestServer> {
  const bin = await findVersitygwBinary()
  const workDir = mkdtempSync(path.join(tmpdir(), 's3-server-'))
  const root = path.join(workDir, 'root')
  mkdirSync(root)
  const accessKeyId = `test${randomBytes(6).toString('hex')}`
  const secretAccessKey = randomBytes(20).toString('hex')
  const region = 'us-east-1'
  // Our S3 client announces the SDK's Node support plans on stderr otherwise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  let port = 0
  let current: ServerProcess | null = null
  const launch = async (): Promise<void> => {
    const { server } = await startServerProcess({
      name: 'versitygw',
      command: bin,
      args: ['--port', `127.0.0.1:${port}`, '--region', region, 'posix', ...(options.posixArgs ?? []), root],
      env: { ROOT_ACCESS_KEY_ID: accessKeyId, ROOT_SECRET_ACCESS_KEY: secretAccessKey },
      // Its banner, printed once the listener is bound.
      ready: /listening on:[\s│]+http:\/\/127\.0\.0\.1:\d+/,
      startDeadlineMs: START_DEADLINE_MS,
      tempDirs: [workDir],
    })
    current = server
  }

  for (let attempt = 0; ; attempt++) {
    port = await freePort()
    try {
      await launch()
      break
    } catch (error) {
      // A probed port can be taken by someone else before the gateway binds it.
      if (attempt >= 2) throw error
    }
  }

  const endpoint = `http://127.0.0.1:${port}`
  const admin = new S3Client({
    region,
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  })
  return {
    endpoint,
    port,
    region,
    accessKeyId,
    secretAccessKey,
    root,
    async createBucket(name) {
      await admin.send(new CreateBucketCommand({ Bucket: name }))
    },
    async pause() {
      await current?.kill()
      current = null
    },
    async resume() {
      if (current === null) await launch()
    },
    async stop() {
      admin.destroy()
      await current?.stop()
      current = null
      rmSync(workDir, { recursive: true, force: true })
    },
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
