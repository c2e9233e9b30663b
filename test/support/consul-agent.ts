// Real Consul agents for integration tests and benchmarks: a `consul agent -dev` per call, on
// free loopback ports, with ACLs enforced (default deny) and optionally HTTPS. Every agent gets
// its own work directory and a watchdog process so that none outlives the test process, even
// when that process is killed without running exit handlers.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

export interface ConsulAgent {
  /** `http://127.0.0.1:PORT` */
  httpAddr: string
  /** `https://127.0.0.1:PORT`, only when started with TLS */
  httpsAddr?: string
  /** the initial management token */
  token: string
  datacenter: string
  nodeName: string
  workDir: string
  consulBin: string
  stop(): Promise<void>
}

export interface TlsMaterial {
  dir: string
  caFile: string
  serverCertFile: string
  serverKeyFile: string
  clientCertFile: string
  clientKeyFile: string
  /** a second, unrelated CA, for wrong-CA tests */
  otherCaFile: string
}

export interface StartConsulAgentOptions {
  datacenter?: string
  nodeName?: string
  tls?: { material: TlsMaterial; /** require client certificates on HTTPS */ verifyIncoming?: boolean }
  /** HCL appended to the agent's config, e.g. `session_ttl_min = "1s"` for short lock tests. */
  extraConfig?: string
}

export interface ConsulRunResult {
  code: number
  stdout: string
  stderr: string
  /** stdout exactly as written, for byte-for-byte comparisons */
  stdoutBytes: Buffer
}

// __filename rather than __dirname: tsx's ESM loader supplies only the former reliably.
const repoRoot = path.resolve(path.dirname(__filename), '..', '..')
const findConsulScript = path.join(repoRoot, 'test', 'consul', 'find-consul.sh')

const START_DEADLINE_MS = 60_000
const STOP_DEADLINE_MS = 10_000
const POLL_INTERVAL_MS = 50

let consulBinary: Promise<string> | undefined

/** Path of the Consul binary (found or built by test/consul/find-consul.sh), once per process. */
export function findConsulBinary(): Promise<string> {
  consulBinary ??= new Promise<string>((resolve, reject) => {
    // A cold build can take minutes; its progress goes to our stderr so a slow first run is explained.
    const child = spawn('bash', [findConsulScript], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const bin = out.trim().split('\n').pop() ?? ''
      if (code === 0 && bin !== '') resolve(bin)
      else
        reject(
          new Error(`test/consul/find-consul.sh failed (exit ${code}); set CONSUL_BIN to a consul binary`),
        )
    })
  })
  return consulBinary
}

/** Runs the Consul CLI to completion. The environment is ours plus `opts.env`. */
export async function runConsul(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): Promise<ConsulRunResult> {
  const bin = await findConsulBinary()
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const stdoutBytes = Buffer.concat(out)
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: stdoutBytes.toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stdoutBytes,
      })
    })
    child.stdin.end(opts.input ?? '')
  })
}

/** CA, server and client certificates from `consul tls`, plus an unrelated second CA. */
export async function createTlsMaterial(
  dir?: string,
  opts: { datacenter?: string } = {},
): Promise<TlsMaterial> {
  const datacenter = opts.datacenter ?? 'dc1'
  const target = dir ?? trackTempDir(mkdtempSync(path.join(tmpdir(), 'consul-tls-')))
  mkdirSync(target, { recursive: true })
  const otherDir = path.join(target, 'other-ca')
  mkdirSync(otherDir, { recursive: true })

  await mustRunConsul(['tls', 'ca', 'create'], target)
  await mustRunConsul(['tls', 'cert', 'create', '-server', `-dc=${datacenter}`], target)
  await mustRunConsul(['tls', 'cert', 'create', '-client', `-dc=${datacenter}`], target)
  await mustRunConsul(['tls', 'ca', 'create'], otherDir)

  return {
    dir: target,
    caFile: path.join(target, 'consul-agent-ca.pem'),
    serverCertFile: path.join(target, `${datacenter}-server-consul-0.pem`),
    serverKeyFile: path.join(target, `${datacenter}-server-consul-0-key.pem`),
    clientCertFile: path.join(target, `${datacenter}-client-consul-0.pem`),
    clientKeyFile: path.join(target, `${datacenter}-client-consul-0-key.pem`),
    otherCaFile: path.join(otherDir, 'consul-agent-ca.pem'),
  }
}

/** Starts a dev agent and resolves once it has a leader and its ACL system answers. */
export async function startConsulAgent(opts: StartConsulAgentOptions = {}): Promise<ConsulAgent> {
  const consulBin = await findConsulBinary()
  // Free ports are probed then released, so another process can grab one in between; a start
  // that dies early is retried on fresh ports.
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(consulBin, opts)
    } catch (error) {
      lastError = error
      if (!(error instanceof EarlyExitError)) throw error
    }
  }
  throw lastError
}

class EarlyExitError extends Error {}

interface Ports {
  http: number
  https: number
  dns: number
  serfLan: number
  serfWan: number
  server: number
  grpc: number
  grpcTls: number
}

async function startOnce(consulBin: string, opts: StartConsulAgentOptions): Promise<ConsulAgent> {
  const datacenter = opts.datacenter ?? 'dc1'
  const nodeName = opts.nodeName ?? `node-${randomUUID().slice(0, 8)}`
  const token = randomUUID()
  const workDir = trackTempDir(mkdtempSync(path.join(tmpdir(), 'consul-agent-')))
  const tls = opts.tls
  const [http, https, dns, serfLan, serfWan, server, grpc, grpcTls] = await freePorts(8)
  const ports: Ports = {
    http: http!,
    https: tls ? https! : -1,
    dns: dns!,
    serfLan: serfLan!,
    serfWan: serfWan!,
    server: server!,
    grpc: grpc!,
    grpcTls: tls ? grpcTls! : -1,
  }

  const configFile = path.join(workDir, 'agent.hcl')
  writeFileSync(configFile, agentConfig(token, tls) + (opts.extraConfig ?? ''))
  const logFile = path.join(workDir, 'agent.log')
  const logFd = openSync(logFile, 'a')

  const args = [
    'agent',
    '-dev',
    `-datacenter=${datacenter}`,
    `-node=${nodeName}`,
    '-bind=127.0.0.1',
    '-client=127.0.0.1',
    `-http-port=${ports.http}`,
    `-https-port=${ports.https}`,
    `-dns-port=${ports.dns}`,
    `-serf-lan-port=${ports.serfLan}`,
    `-serf-wan-port=${ports.serfWan}`,
    `-server-port=${ports.server}`,
    `-grpc-port=${ports.grpc}`,
    `-grpc-tls-port=${ports.grpcTls}`,
    `-config-file=${configFile}`,
  ]
  const child = spawn(consulBin, args, { cwd: workDir, stdio: ['ignore', logFd, logFd], env: agentEnv() })
  closeSync(logFd)
  const watchdog = startWatchdog(child, workDir)
  const running = registerRunning(child, watchdog, workDir)

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal }
      resolve()
    })
    child.once('error', () => {
      exited ??= { code: null, signal: null }
      resolve()
    })
  })

  const stop = async (): Promise<void> => {
    if (running.stopped) return
    running.stopped = true
    unregisterRunning(running)
    watchdog.kill('SIGKILL')
    if (exited === undefined) {
      child.kill('SIGTERM')
      const killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS)
      await exitPromise
      clearTimeout(killTimer)
    }
    rmSync(workDir, { recursive: true, force: true })
    untrackTempDir(workDir)
  }

  const httpAddr = `http://127.0.0.1:${ports.http}`
  try {
    await waitUntilReady(httpAddr, token, () => exited !== undefined)
  } catch (error) {
    const log = safeRead(logFile)
    const early = exited !== undefined
    await stop()
    const message = `${error instanceof Error ? error.message : String(error)}\n--- consul agent log (${logFile}) ---\n${log}`
    throw early ? new EarlyExitError(message) : new Error(message)
  }

  return {
    httpAddr,
    ...(tls ? { httpsAddr: `https://127.0.0.1:${ports.https}` } : {}),
    token,
    datacenter,
    nodeName,
    workDir,
    consulBin,
    stop,
  }
}

export interface ConsulServer {
  /** `http://127.0.0.1:PORT` */
  httpAddr: string
  nodeName: string
  /** `127.0.0.1:PORT` of its Raft server port, as /v1/status/leader names the leader */
  serverAddr: string
  workDir: string
  /** SIGKILL, as a crash: no leave, no graceful shutdown. */
  kill(): Promise<void>
  /** Starts it again (after a kill) on the same data folder and ports; it rejoins the others. */
  restart(): Promise<void>
  stop(): Promise<void>
}

export interface ConsulCluster {
  servers: ConsulServer[]
  /** the initial management token, the same on every server */
  token: string
  datacenter: string
  /** The server that is leader now, asked of `via` (any live server). */
  leader(via: ConsulServer): Promise<ConsulServer | undefined>
  stop(): Promise<void>
}

/**
 * Starts `size` real (non-dev) servers with `-bootstrap-expect=size` that join each other over
 * loopback, with ACLs enforced, and resolves once every server knows a leader and ACLs
 * answer. Raft timing is the fastest Consul allows (raft_multiplier 1), so a re-election after a
 * crashed leader takes seconds.
 */
export async function startConsulCluster(
  size: number,
  opts: { datacenter?: string } = {},
): Promise<ConsulCluster> {
  const consulBin = await findConsulBinary()
  const datacenter = opts.datacenter ?? 'dc1'
  const token = randomUUID()
  const ports = await freePorts(size * 6)
  const plans = Array.from({ length: size }, (_, i) => {
    const [http, dns, serfLan, serfWan, server, grpc] = ports.slice(i * 6, i * 6 + 6) as number[]
    return { http: http!, dns: dns!, serfLan: serfLan!, serfWan: serfWan!, server: server!, grpc: grpc! }
  })
  const config =
    agentConfig(token, undefined).replace('  tokens {\n', `  tokens {\n    agent = "${token}"\n`) +
    'performance {\n  raft_multiplier = 1\n}\n'
  const servers: ConsulServer[] = []
  const exits: Array<() => boolean> = []
  const stopAll = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()))
  }
  try {
    for (const [i, plan] of plans.entries()) {
      const nodeName = `server-${i}-${randomUUID().slice(0, 6)}`
      const workDir = trackTempDir(mkdtempSync(path.join(tmpdir(), 'consul-server-')))
      const configFile = path.join(workDir, 'agent.hcl')
      writeFileSync(configFile, config)
      const joins = plans
        .filter((other) => other !== plan)
        .map((other) => `-retry-join=127.0.0.1:${other.serfLan}`)
      const args = [
        'agent',
        '-server',
        `-bootstrap-expect=${size}`,
        `-datacenter=${datacenter}`,
        `-node=${nodeName}`,
        `-data-dir=${path.join(workDir, 'data')}`,
        '-bind=127.0.0.1',
        '-client=127.0.0.1',
        `-http-port=${plan.http}`,
        '-https-port=-1',
        `-dns-port=${plan.dns}`,
        `-serf-lan-port=${plan.serfLan}`,
        `-serf-wan-port=${plan.serfWan}`,
        `-server-port=${plan.server}`,
        `-grpc-port=${plan.grpc}`,
        '-grpc-tls-port=-1',
        '-retry-interval=1s',
        ...joins,
        `-config-file=${configFile}`,
      ]
      // One process per start of this server: a restart spawns it again on its own data folder.
      const launch = () => {
        const fd = openSync(path.join(workDir, 'agent.log'), 'a')
        const child = spawn(consulBin, args, { cwd: workDir, stdio: ['ignore', fd, fd], env: agentEnv() })
        closeSync(fd)
        const watchdog = startWatchdog(child, workDir)
        const entry = registerRunning(child, watchdog, workDir)
        const run = { child, watchdog, entry, exited: false, exitPromise: Promise.resolve() }
        run.exitPromise = new Promise<void>((resolve) => {
          child.once('exit', () => resolve())
          child.once('error', () => resolve())
        }).then(() => {
          run.exited = true
        })
        return run
      }
      let current = launch()
      let stopped = false
      exits.push(() => current.exited)
      const end = async (signal: NodeJS.Signals): Promise<void> => {
        const run = current
        if (!run.exited) {
          run.child.kill(signal)
          const killTimer = setTimeout(() => run.child.kill('SIGKILL'), STOP_DEADLINE_MS)
          await run.exitPromise
          clearTimeout(killTimer)
        }
      }
      // The watchdog of a finished process must not outlive it: it would remove the data folder.
      const retire = () => {
        unregisterRunning(current.entry)
        current.watchdog.kill('SIGKILL')
      }
      servers.push({
        httpAddr: `http://127.0.0.1:${plan.http}`,
        nodeName,
        serverAddr: `127.0.0.1:${plan.server}`,
        workDir,
        kill: () => end('SIGKILL'),
        restart: async () => {
          if (stopped) throw new Error(`${nodeName} was stopped; it cannot be restarted`)
          await end('SIGKILL')
          retire()
          current = launch()
        },
        stop: async () => {
          if (stopped) return
          stopped = true
          retire()
          await end('SIGTERM')
          rmSync(workDir, { recursive: true, force: true })
          untrackTempDir(workDir)
        },
      })
    }
    const deadline = Date.now() + START_DEADLINE_MS
    for (const [i, server] of servers.entries()) {
      await waitUntilReady(server.httpAddr, token, () => exits[i]!(), deadline)
    }
  } catch (error) {
    const logs = servers.map((s) => `--- ${s.nodeName} ---\n${safeRead(path.join(s.workDir, 'agent.log'))}`)
    await stopAll()
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs.join('\n')}`)
  }

  return {
    servers,
    token,
    datacenter,
    async leader(via) {
      const res = await fetch(`${via.httpAddr}/v1/status/leader`)
      const addr: unknown = await res.json()
      return servers.find((s) => s.serverAddr === addr)
    },
    stop: stopAll,
  }
}

function agentConfig(token: string, tls: StartConsulAgentOptions['tls']): string {
  const lines = [
    'acl {',
    '  enabled = true',
    '  default_policy = "deny"',
    '  enable_token_persistence = false',
    '  tokens {',
    `    initial_management = "${token}"`,
    '  }',
    '}',
  ]
  if (tls) {
    lines.push(
      'tls {',
      '  defaults {',
      `    ca_file = ${JSON.stringify(tls.material.caFile)}`,
      `    cert_file = ${JSON.stringify(tls.material.serverCertFile)}`,
      `    key_file = ${JSON.stringify(tls.material.serverKeyFile)}`,
      `    verify_incoming = ${tls.verifyIncoming === true}`,
      '  }',
      '}',
    )
  }
  return lines.join('\n') + '\n'
}

/** The agent must not pick up a developer's CONSUL_* settings. */
function agentEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('CONSUL_')) env[key] = value
  }
  return env
}

async function waitUntilReady(
  httpAddr: string,
  token: string,
  hasExited: () => boolean,
  deadline = Date.now() + START_DEADLINE_MS,
): Promise<void> {
  let leader = false
  let lastProblem = 'no answer yet'
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('consul agent exited before it became ready')
    try {
      if (!leader) {
        const res = await fetch(`${httpAddr}/v1/status/leader`)
        const body: unknown = await res.json()
        leader = res.ok && typeof body === 'string' && body !== ''
        lastProblem = `no leader yet (${res.status} ${JSON.stringify(body)})`
      }
      if (leader) {
        const res = await fetch(`${httpAddr}/v1/acl/token/self`, { headers: { 'X-Consul-Token': token } })
        await res.arrayBuffer()
        if (res.ok) return
        lastProblem = `ACL system not ready (GET /v1/acl/token/self → ${res.status})`
      }
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error)
    }
    await delay(POLL_INTERVAL_MS)
  }
  throw new Error(`consul agent at ${httpAddr} not ready after ${START_DEADLINE_MS} ms: ${lastProblem}`)
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function freePorts(count: number): Promise<number[]> {
  // Hold all listeners at once so one call never returns the same port twice.
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer()
          server.once('error', reject)
          server.listen(0, '127.0.0.1', () => resolve(server))
        }),
    ),
  )
  const ports = servers.map((s) => (s.address() as AddressInfo).port)
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
  return ports
}

async function mustRunConsul(args: string[], cwd: string): Promise<void> {
  const result = await runConsul(args, { cwd })
  if (result.code !== 0) {
    throw new Error(`consul ${args.join(' ')} failed (exit ${result.code}): ${result.stderr}${result.stdout}`)
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return '(no log)'
  }
}

// --- lifetime: nothing we start may outlive this process --------------------------------------

interface Running {
  child: ChildProcess
  watchdog: ChildProcess
  workDir: string
  stopped: boolean
}

const running = new Set<Running>()
const tempDirs = new Set<string>()
let exitHookInstalled = false

function registerRunning(child: ChildProcess, watchdog: ChildProcess, workDir: string): Running {
  installExitHook()
  const entry: Running = { child, watchdog, workDir, stopped: false }
  running.add(entry)
  return entry
}

function unregisterRunning(entry: Running): void {
  running.delete(entry)
}

function trackTempDir(dir: string): string {
  installExitHook()
  tempDirs.add(dir)
  return dir
}

function untrackTempDir(dir: string): void {
  tempDirs.delete(dir)
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // 'exit' handlers must be synchronous: SIGKILL the agents and remove their directories.
  process.on('exit', () => {
    for (const entry of running) {
      entry.watchdog.kill('SIGKILL')
      entry.child.kill('SIGKILL')
    }
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  })
}

/**
 * A tiny shell process that holds a pipe from us: when this process dies for any reason the
 * pipe closes, `read` returns, and the shell kills the agent (TERM, then KILL). Node has no
 * parent-death signal, so this is what keeps a crashed test run from leaking agents.
 */
function startWatchdog(child: ChildProcess, workDir: string): ChildProcess {
  const pid = child.pid
  if (pid === undefined) throw new EarlyExitError('consul agent could not be spawned')
  const script = [
    'read _ignored',
    'kill -TERM "$1" 2>/dev/null',
    'i=0; while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done',
    'kill -KILL "$1" 2>/dev/null',
    'rm -rf "$2"',
  ].join('\n')
  const watchdog = spawn('sh', ['-c', script, 'consul-watchdog', String(pid), workDir], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  })
  watchdog.unref()
  // Keep the write end open but unreferenced, so it never holds our event loop open.
  ;(watchdog.stdin as Socket | null)?.unref()
  return watchdog
}
