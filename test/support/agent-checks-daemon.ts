// A snapshot agent daemon for the scheduled-check specs, in its own folder with its own lock key,
// service name and TMPDIR (so a spec can see what it leaves behind), against a shared Consul.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fetch } from 'undici'
import { expect } from 'vitest'
import type { ConsulAgent } from './consul-agent'
import { startAgentProcess, type AgentProcess } from './snapshot-agent-process'

export interface HealthCheck {
  Name: string
  ServiceID: string
  Status: string
  Output: string
}

/** A backup ID far in the future: newer than anything the agent saves during a spec. */
export const FUTURE_ID = '9000000000000000000'

export async function consulJson<T>(consul: ConsulAgent, path: string): Promise<T> {
  const res = await fetch(`${consul.httpAddr}${path}`, { headers: { 'X-Consul-Token': consul.token } })
  expect(res.status).toBe(200)
  return (await res.json()) as T
}

export const serviceIdOf = (agent: AgentProcess) =>
  /serviceId=(\S+)/.exec(agent.lines.find((l) => l.includes('Snapshot agent running')) ?? '')?.[1]

export async function checksDaemon(
  consul: ConsulAgent,
  root: string,
  name: string,
  args: string[],
  files: Record<string, Buffer> = {},
) {
  const cwd = join(root, name)
  const temp = join(cwd, 'tmp')
  await mkdir(join(cwd, 'backups'), { recursive: true })
  await mkdir(temp)
  for (const [file, bytes] of Object.entries(files)) await writeFile(join(cwd, 'backups', file), bytes)
  const started: AgentProcess[] = []
  const start = () => {
    const agent = startAgentProcess(
      [
        '-http-addr',
        consul.httpAddr,
        '-local-path',
        'backups',
        '-interval',
        '1h',
        '-lock-key',
        `${name}/lock`,
        '-service',
        `snapshot-${name}`,
        ...args,
      ],
      { cwd, env: { CONSUL_HTTP_TOKEN: consul.token, TMPDIR: temp } },
    )
    started.push(agent)
    return agent
  }
  return {
    cwd,
    temp,
    start,
    started,
    checks: () => consulJson<HealthCheck[]>(consul, `/v1/health/checks/snapshot-${name}`),
    status: <T>() => consulJson<T>(consul, `/v1/kv/${name}/lock-status?raw`),
  }
}

export async function stopAgent(agent: AgentProcess): Promise<void> {
  agent.kill('SIGTERM')
  expect(await agent.exited).toBe(0)
}
