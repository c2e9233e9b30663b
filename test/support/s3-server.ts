// A real S3 server for integration tests and benchmarks: versitygw v1.8.0 (posix backend) built
// by test/storage/versitygw/find-versitygw.sh, on a free loopback port, over a private temp
// folder, with known root credentials. A watchdog shell kills it if this process dies without
// running exit handlers, as test/support/consul-agent.ts does for Consul.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'

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
  /** Stops the gateway but keeps its data, so `start` can bring the same store back. */
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
  tempDirs.add(workDir)
  installExitHook()
  const root = path.join(workDir, 'root')
  mkdirSync(root)
  const logFile = path.join(workDir, 'versitygw.log')
  const accessKeyId = `test${randomBytes(6).toString('hex')}`
  const secretAccessKey = randomBytes(20).toString('hex')
  const region = 'us-east-1'
  // Our S3 client announces the SDK's Node support plans on stderr otherwise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  let port = await freePort()

  let current: Running | null = null
  const launch = async (): Promise<void> => {
    const logFd = openSync(logFile, 'a')
    const child = spawn(
      bin,
      [
        '--port',
        `127.0.0.1:${port}`,
        '--region',
        region,
        '--quiet',
        'posix',
        ...(options.posixArgs ?? []),
        root,
      ],
      {
        stdio: ['ignore', logFd, logFd],
        env: { ...process.env, ROOT_ACCESS_KEY_ID: accessKeyId, ROOT_SECRET_ACCESS_KEY: secretAccessKey },
      },
    )
    closeSync(logFd)
    const entry: Running = { child, watchdog: startWatchdog(child), exited: null }
    entry.exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.once('error', () => resolve())
    })
    running.add(entry)
    current = entry
    await waitUntilListening(port, entry, logFile)
  }
  const halt = async (): Promise<void> => {
    const entry = current
    if (entry === null) return
    current = null
    running.delete(entry)
    entry.watchdog.kill('SIGKILL')
    entry.child.kill('SIGKILL')
    await entry.exited
  }

  for (let attempt = 0; ; attempt++) {
    try {
      await launch()
      break
    } catch (error) {
      await halt()
      // A probed port can be taken by someone else before the gateway binds it.
      if (attempt >= 2) throw error
      port = await freePort()
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
    pause: halt,
    resume: launch,
    async stop() {
      admin.destroy()
      await halt()
      rmSync(workDir, { recursive: true, force: true })
      tempDirs.delete(workDir)
    },
  }
}

async function waitUntilListening(port: number, entry: Running, logFile: string): Promise<void> {
  let exited = false
  void entry.exited?.then(() => (exited = true))
  const deadline = Date.now() + START_DEADLINE_MS
  let problem = 'no answer yet'
  while (Date.now() < deadline) {
    if (exited) break
    try {
      // Any HTTP answer (an anonymous request is refused with 403) means the gateway serves.
      const response = await fetch(`http://127.0.0.1:${port}/`)
      await response.arrayBuffer()
      return
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  let log = '(no log)'
  try {
    log = readFileSync(logFile, 'utf8')
  } catch {
    // keep the placeholder
  }
  throw new Error(`versitygw on port ${port} did not start (${exited ? 'it exited' : problem})\n${log}`)
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

// --- lifetime: nothing we start may outlive this process --------------------------------------

interface Running {
  child: ChildProcess
  watchdog: ChildProcess
  exited: Promise<void> | null
}

const running = new Set<Running>()
const tempDirs = new Set<string>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const entry of running) {
      entry.watchdog.kill('SIGKILL')
      entry.child.kill('SIGKILL')
    }
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  })
}

/** Holds a pipe from us; when we die it closes, `read` returns, and the shell kills the gateway. */
function startWatchdog(child: ChildProcess): ChildProcess {
  const pid = child.pid
  if (pid === undefined) throw new Error('versitygw could not be spawned')
  const script = [
    'read _ignored',
    'kill -TERM "$1" 2>/dev/null',
    'i=0; while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done',
    'kill -KILL "$1" 2>/dev/null',
  ].join('\n')
  const watchdog = spawn('sh', ['-c', script, 'versitygw-watchdog', String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  })
  watchdog.unref()
  ;(watchdog.stdin as Socket | null)?.unref()
  return watchdog
}
