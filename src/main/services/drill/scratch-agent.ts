import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { closeSync, openSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { request } from 'undici'
import { AppError } from '../../../shared/app-error'
import { versionAtLeast, type ConsulBinary } from './consul-binary'

/**
 * A throw-away `consul agent -dev` for a drill: in-memory state, loopback only, its own free
 * ports (DNS, WAN gossip and gRPC off), in a private temporary folder that goes with it.
 */
export interface ScratchAgent {
  httpAddr: string
  nodeName: string
  datacenter: string
  /** The agent process has ended (a crash during a restore, say). */
  exited(): boolean
  /** The last lines of the agent's log, for a failure's reason (Consul logs no secrets). */
  logTail(): Promise<string>
  stop(): Promise<void>
}

export interface ScratchAgentOptions {
  datacenter: string
  /**
   * Start with ACLs enforced and this as the initial management token: the snapshot's own
   * management token, so the agent can be read before and after the restore. Without it, ACLs
   * stay off and everything reads without a token.
   */
  managementToken?: string
  signal?: AbortSignal
}

const START_DEADLINE_MS = 60_000
const STOP_DEADLINE_MS = 10_000

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function hcl(options: ScratchAgentOptions, binary: ConsulBinary, ports: Record<string, number>): string {
  const lines = ['ports {']
  for (const [name, port] of Object.entries(ports)) lines.push(`  ${name} = ${port}`)
  lines.push('  dns = -1', '  serf_wan = -1', '  grpc = -1')
  if (versionAtLeast(binary.version, 1, 14)) lines.push('  grpc_tls = -1')
  lines.push('}')
  if (options.managementToken !== undefined)
    lines.push(
      'acl {',
      '  enabled = true',
      '  default_policy = "deny"',
      '  enable_token_persistence = false',
      `  tokens { initial_management = ${JSON.stringify(options.managementToken)} }`,
      '}',
    )
  return lines.join('\n') + '\n'
}

export async function startScratchAgent(
  binary: ConsulBinary,
  options: ScratchAgentOptions,
): Promise<ScratchAgent> {
  const dir = await mkdtemp(join(tmpdir(), 'snapshot-studio-drill-'))
  const nodeName = `drill-${randomUUID().slice(0, 8)}`
  let child: ChildProcess | null = null
  let exited = false
  const stop = async (): Promise<void> => {
    if (child !== null && !exited) {
      const running = child
      const gone = new Promise<void>((resolve) => running.once('exit', () => resolve()))
      running.kill('SIGTERM')
      const timer = setTimeout(() => running.kill('SIGKILL'), STOP_DEADLINE_MS)
      await gone
      clearTimeout(timer)
    }
    await rm(dir, { recursive: true, force: true })
  }
  try {
    const ports = { http: await freePort(), serf_lan: await freePort(), server: await freePort() }
    const config = join(dir, 'drill.hcl')
    // The token goes in a 0600 file in a private folder, not on the command line where `ps` shows it.
    await writeFile(config, hcl(options, binary, ports), { mode: 0o600 })
    const log = join(dir, 'agent.log')
    const fd = openSync(log, 'a', 0o600)
    const env: NodeJS.ProcessEnv = {}
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CONSUL_')) env[k] = v
    child = spawn(
      binary.path,
      [
        'agent',
        '-dev',
        `-datacenter=${options.datacenter}`,
        `-node=${nodeName}`,
        '-bind=127.0.0.1',
        '-client=127.0.0.1',
        `-config-file=${config}`,
      ],
      { cwd: dir, stdio: ['ignore', fd, fd], env },
    )
    closeSync(fd)
    child.once('exit', () => (exited = true))
    child.once('error', () => (exited = true))
    const httpAddr = `http://127.0.0.1:${ports.http}`
    const logTail = async () => (await readFile(log, 'utf8').catch(() => '')).slice(-4000)
    await waitUntilReady(httpAddr, options, () => exited, logTail)
    return { httpAddr, nodeName, datacenter: options.datacenter, exited: () => exited, logTail, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

async function waitUntilReady(
  httpAddr: string,
  options: ScratchAgentOptions,
  hasExited: () => boolean,
  logTail: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_MS
  const headers: Record<string, string> = options.managementToken
    ? { 'x-consul-token': options.managementToken }
    : {}
  // Ready means a leader and, with ACLs, the management token accepted (ACLs are bootstrapped).
  const probe = options.managementToken ? '/v1/acl/token/self' : '/v1/status/leader'
  while (Date.now() < deadline) {
    if (options.signal?.aborted) throw new AppError('CANCELLED', 'The drill was cancelled.')
    if (hasExited())
      throw new AppError('CONSUL_UNREACHABLE', 'The throw-away consul agent exited while starting.', {
        hint: `Its log ends with:\n${await logTail()}`,
      })
    try {
      const leader = await request(`${httpAddr}/v1/status/leader`, {
        headersTimeout: 2000,
        bodyTimeout: 2000,
      })
      const text = await leader.body.text()
      if (leader.statusCode === 200 && text.length > 2) {
        const ready = await request(`${httpAddr}${probe}`, {
          headers,
          headersTimeout: 2000,
          bodyTimeout: 2000,
        })
        await ready.body.dump()
        if (ready.statusCode === 200) return
      }
    } catch {
      // not listening yet
    }
    await delay(200)
  }
  throw new AppError('CONSUL_TIMEOUT', 'The throw-away consul agent did not become ready within a minute.', {
    hint: `Its log ends with:\n${await logTail()}`,
  })
}
