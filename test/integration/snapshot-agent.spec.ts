// The snapshot agent against a real Consul: Enterprise-format configs (HashiCorp's documented
// example among them) run unchanged, cycles produce files that `consul snapshot inspect`
// accepts, and retention deletes exactly what `retention plan` announced, never foreign files.
import { spawn } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/services/backups/agent-logger'
import { LocalDestination } from '../../src/main/services/backups/local-destination'
import type { RetentionPolicy } from '../../src/main/services/backups/retention'
import { runSnapshotCycle } from '../../src/main/services/backups/snapshot-cycle'
import { SnapshotIdSource } from '../../src/main/services/backups/snapshot-id'
import { saveSnapshot, verifyWithEngine, verifyWrittenFileWithEngine } from '../../src/main/services/consul'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { cliScript, startAgentProcess } from '../support/snapshot-agent-process'

const documentedExample = resolve(__dirname, '../fixtures/agent/hashicorp-documented-example.json')

function runCli(args: string[], cwd: string, env: Record<string, string>) {
  return runScript(cliScript, args, cwd, env)
}

function runScript(
  script: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

const snaps = async (dir: string) => (await readdir(dir)).filter((n) => /^consul-\d+\.snap$/.test(n)).sort()

describe('snapshot agent against a real Consul', () => {
  let consul: ConsulAgent
  let root: string
  let env: Record<string, string>

  beforeAll(async () => {
    consul = await startConsulAgent()
    root = await mkdtemp(join(tmpdir(), 'ss-agent-it-'))
    env = { CONSUL_HTTP_TOKEN: consul.token }
  })
  afterAll(async () => {
    await consul?.stop()
    await rm(root, { recursive: true, force: true })
  })

  it("runs HashiCorp's documented example config unchanged (one-shot, local storage in the current folder)", async () => {
    const cwd = join(root, 'documented')
    await mkdir(cwd)
    // The example points at 127.0.0.1:8500; ours listens elsewhere, so only the address is a flag.
    const result = await runCli(
      ['agent', '-config-file', documentedExample, '-http-addr', consul.httpAddr, '-once'],
      cwd,
      env,
    )
    expect(result.stderr).toMatch(/INFO +Saved snapshot \d+/)
    expect(result.code).toBe(0)
    const [name] = await snaps(cwd)
    expect(name).toMatch(/^consul-\d{19}\.snap$/)
    expect((await readdir(cwd)).sort()).toEqual([name, `${name}.json`])
    const inspected = await runConsul(['snapshot', 'inspect', join(cwd, name!)])
    expect(inspected.code).toBe(0)
    expect(result.stderr).not.toContain(consul.token)
  })

  it('runs as the single bundled file with plain node, from a folder without node_modules', async () => {
    // out/agent/snapshot-agent.js comes from `npm run build` (scripts/build-agent.mjs).
    const bundle = resolve(__dirname, '../../out/agent/snapshot-agent.js')
    const cwd = join(root, 'bundle')
    await mkdir(cwd)
    await copyFile(bundle, join(cwd, 'snapshot-agent.js'))
    const result = await runScript(
      join(cwd, 'snapshot-agent.js'),
      ['-once', '-http-addr', consul.httpAddr, '-local-path', 'backups'],
      cwd,
      env,
    )
    expect(result.code).toBe(0)
    const [name] = await snaps(join(cwd, 'backups'))
    expect((await runConsul(['snapshot', 'inspect', join(cwd, 'backups', name!)])).code).toBe(0)
  })

  it('works as a daemon with a token holding only the shipped ACL policy (resources/agent)', async () => {
    const rules = await readFile(
      resolve(__dirname, '../../resources/agent/snapshot-agent-policy.hcl'),
      'utf8',
    )
    const call = async (path: string, body: unknown) => {
      const res = await fetch(`${consul.httpAddr}${path}`, {
        method: 'PUT',
        headers: { 'X-Consul-Token': consul.token },
        body: JSON.stringify(body),
      })
      expect(res.status).toBe(200)
      return (await res.json()) as Record<string, unknown>
    }
    await call('/v1/acl/policy', { Name: 'consul-snapshot-agent', Rules: rules })
    const token = await call('/v1/acl/token', { Policies: [{ Name: 'consul-snapshot-agent' }] })
    const cwd = join(root, 'acl')
    await mkdir(cwd)
    const agentEnv = { CONSUL_HTTP_TOKEN: String(token.SecretID) }
    const agent = startAgentProcess(
      ['-http-addr', consul.httpAddr, '-local-path', 'backups', '-interval', '1h'],
      {
        cwd,
        env: agentEnv,
      },
    )
    await agent.waitForLine(/Saved snapshot/, 60_000)
    const status = await runCli(['agent', 'status', '-http-addr', consul.httpAddr], cwd, agentEnv)
    expect(status.stdout).toMatch(/Leader: +consul-snapshot:/)
    expect(status.code).toBe(0)
    agent.kill('SIGTERM')
    expect(await agent.exited).toBe(0)
    expect(agent.lines.join('\n')).not.toMatch(/WARN|ERROR/)
  })

  it('refuses a bad config with one line naming the key and the file, exit 1, before anything runs', async () => {
    const cwd = join(root, 'bad')
    await mkdir(cwd)
    await writeFile(
      join(cwd, 'agent.json'),
      JSON.stringify({ snapshot_agent: { snapshot: { interval: '1 hour' } } }),
    )
    const result = await runCli(['agent', '-config-dir', cwd, '-http-addr', consul.httpAddr], cwd, env)
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringContaining(
        'Error: agent.json: snapshot_agent.snapshot.interval: "1 hour" is not a duration',
      ),
    ])
    expect(await readdir(cwd)).toEqual(['agent.json'])
  })

  it('as a daemon, two cycles give two verified files that consul snapshot inspect accepts', async () => {
    const dir = join(root, 'daemon')
    await mkdir(dir)
    await writeFile(
      join(dir, 'agent.json'),
      JSON.stringify({
        snapshot_agent: {
          http_addr: consul.httpAddr,
          snapshot: { interval: '1s', retain: 30 },
          local_storage: { path: join(dir, 'backups') },
        },
      }),
    )
    const agent = startAgentProcess(['-config-file', join(dir, 'agent.json')], { cwd: dir, env })
    await agent.waitForLine(/Obtained leadership/, 60_000)
    const first = await agent.waitForLine(/Saved snapshot/, 60_000)
    const second = await agent.waitForLine(/Saved snapshot/, 60_000, agent.lines.indexOf(first) + 1)
    agent.kill('SIGTERM')
    expect(await agent.exited).toBe(0)
    const names = await snaps(join(dir, 'backups'))
    const ids = [first, second].map((line) => /Saved snapshot (\d+)/.exec(line)?.[1])
    for (const id of ids) expect(names).toContain(`consul-${id}.snap`)
    for (const name of names) {
      const inspected = await runConsul(['snapshot', 'inspect', join(dir, 'backups', name)])
      expect(inspected.code).toBe(0)
    }
    // Scratch folders are gone: only snapshots and their sidecars remain.
    expect((await readdir(join(dir, 'backups'))).every((n) => /^consul-\d+\.snap(\.json)?$/.test(n))).toBe(
      true,
    )
  })

  it('deletes exactly what retention plan announced (count and age), never foreign files', async () => {
    const dir = join(root, 'retention')
    const backups = join(dir, 'backups')
    await mkdir(backups, { recursive: true })
    const [seed] = await snaps(join(root, 'documented'))
    const now = BigInt(Date.now()) * 1_000_000n
    const hour = 3_600_000_000_000n
    const old = [1n, 2n, 3n, 30n, 31n, 200n].map((h) => `consul-${now - h * hour}.snap`)
    for (const name of old) await copyFile(join(root, 'documented', seed!), join(backups, name))
    const foreign = ['notes.txt', 'consul-latest.snap', 'consul-1.snap.bak']
    for (const name of foreign) await writeFile(join(backups, name), 'not ours')
    await writeFile(
      join(dir, 'agent.json'),
      JSON.stringify({
        snapshot_agent: {
          http_addr: consul.httpAddr,
          snapshot: { retain: 4 },
          retention: { max_age: '48h' },
          local_storage: { path: backups },
        },
      }),
    )
    const planned = await runCli(['retention', 'plan', '-config-file', join(dir, 'agent.json')], dir, env)
    expect(planned.code).toBe(0)
    const announced = [...planned.stdout.matchAll(/^ {2}delete {2}(\S+)/gm)].map((m) => m[1])
    // 31 h: beyond the 4 newest; 200 h: older than max_age.
    expect(announced.sort()).toEqual([old[4], old[5]].sort())
    expect(planned.stdout).toContain('older than max_age (8 days old)')
    expect((await readdir(backups)).length).toBe(old.length + foreign.length) // the plan deleted nothing

    const once = await runCli(['agent', '-once', '-config-file', join(dir, 'agent.json')], dir, env)
    expect(once.code).toBe(0)
    const left = await readdir(backups)
    // What the plan announced is gone, and so is the 30 h one that the new snapshot pushed out of
    // the 4 newest; foreign files stay.
    for (const name of [...announced, old[3]]) expect(left).not.toContain(name)
    for (const name of [old[0], old[1], old[2], ...foreign]) expect(left).toContain(name)
    expect((await snaps(backups)).length).toBe(4)
    const after = await runCli(['retention', 'plan', '-config-file', join(dir, 'agent.json')], dir, env)
    expect(after.stdout).toMatch(/keep 4, delete 0, later 0, not ours 3/)
  })

  it('applies grandfather-father-son tiers with an injected clock, on files saved from Consul', async () => {
    const backups = join(root, 'gfs')
    const destination = new LocalDestination(backups)
    const policy: RetentionPolicy = {
      retain: 0,
      maxAgeMs: null,
      hourly: 0,
      daily: 3,
      weekly: 3,
      monthly: 0,
      yearly: 0,
      timeZone: 'UTC',
    }
    // Nine daily saves at 06:00 and 18:00 UTC, from 1 to 9 March 2026 (a Monday is 2 March).
    const moments: Date[] = []
    for (let day = 1; day <= 9; day++)
      for (const hour of [6, 18]) moments.push(new Date(Date.UTC(2026, 2, day, hour)))
    const connection = {
      name: 'consul',
      settings: { address: consul.httpAddr, useTls: false, tls: { insecureSkipVerify: false } },
      token: consul.token,
    }
    let report
    for (const at of moments) {
      const clock = () => at
      report = await runSnapshotCycle(
        {
          connection,
          datacenter: null,
          stale: false,
          scratchPath: backups,
          nameTemplate: null,
          retention: policy,
        },
        {
          save: (o) =>
            saveSnapshot(o, { verify: verifyWithEngine, verifyWrittenFile: verifyWrittenFileWithEngine }),
          destinations: [destination],
          clock,
          now: () => 0,
          logger: silentLogger,
          ids: new SnapshotIdSource(clock),
        },
      )
      expect(report.ok).toBe(true)
    }
    const kept = (await snaps(backups)).map((name) =>
      new Date(Number(BigInt(/\d+/.exec(name)![0]) / 1_000_000n)).toISOString(),
    )
    // daily 3: the evening saves of 9, 8 and 7 March; weekly 3: ISO weeks 11 (Monday 9 March),
    // 10 (2–8 March, newest 8 March) — both already kept — and 9, whose newest is Sunday 1 March.
    expect(kept).toEqual([
      '2026-03-01T18:00:00.000Z',
      '2026-03-07T18:00:00.000Z',
      '2026-03-08T18:00:00.000Z',
      '2026-03-09T18:00:00.000Z',
    ])
  })
})
