// High availability of the snapshot agent, with real processes against one real Consul: one
// session + KV lock elects exactly one saver; kill -9 of the leader hands over within
// 2 × session TTL + lock-delay; SIGTERM hands over at once (the lock is released before the
// session is destroyed, so no lock-delay) and deregisters; a leader whose destination breaks
// gives up leadership after max_failures. Health checks are read through /v1/health/checks.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { startAgentProcess, type AgentProcess } from '../support/snapshot-agent-process'

const SESSION_TTL_S = 2
const LOCK_DELAY_S = 6
/** Margin for starting processes on a busy 2-core machine; not part of the property. */
const SLACK_MS = 6_000

interface Check {
  ServiceID: string
  Name: string
  Status: string
}

describe('snapshot agent high availability', () => {
  let consul: ConsulAgent
  let root: string
  const agents: AgentProcess[] = []

  beforeAll(async () => {
    // Consul refuses session TTLs under 10 s unless told otherwise.
    consul = await startConsulAgent({ extraConfig: 'session_ttl_min = "1s"\n' })
    root = await mkdtemp(join(tmpdir(), 'ss-agent-ha-'))
  })
  afterAll(async () => {
    for (const agent of agents) agent.kill('SIGKILL')
    await consul?.stop()
    await rm(root, { recursive: true, force: true })
  })

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${consul.httpAddr}${path}`, { headers: { 'X-Consul-Token': consul.token } })
    return (await res.json()) as T
  }
  const checks = () => api<Check[]>('/v1/health/checks/consul-snapshot')
  /** Checks are updated just after the log line: poll Consul until `accept` holds (or give up). */
  async function checksWhen(accept: (seen: Check[]) => boolean, deadlineMs = 10_000): Promise<Check[]> {
    const deadline = Date.now() + deadlineMs
    let seen = await checks()
    while (!accept(seen) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
      seen = await checks()
    }
    return seen
  }
  const serviceIdOf = (agent: AgentProcess) =>
    /serviceId=(\S+)/.exec(agent.lines.find((l) => l.includes('Snapshot agent running')) ?? '')?.[1]
  const savedIds = (agent: AgentProcess) =>
    agent.lines.flatMap((l) => /Saved snapshot (\d+)/.exec(l)?.[1] ?? [])
  const leadersAmong = (list: AgentProcess[]) =>
    list.filter((a) => a.lines.some((l) => l.includes('Obtained leadership')))

  async function config(
    name: string,
    extra: { path: string; maxFailures?: number; file?: string },
  ): Promise<string> {
    const file = join(root, `${extra.file ?? name}.json`)
    await writeFile(
      file,
      JSON.stringify({
        snapshot_agent: {
          http_addr: consul.httpAddr,
          snapshot: {
            interval: '1s',
            retain: 0,
            max_failures: extra.maxFailures ?? 3,
            lock_key: `${name}/lock`,
            service: 'consul-snapshot',
          },
          local_storage: { path: extra.path },
          leadership: { session_ttl: `${SESSION_TTL_S}s`, lock_delay: `${LOCK_DELAY_S}s` },
        },
      }),
    )
    return file
  }
  const start = (file: string) => {
    const agent = startAgentProcess(['-config-file', file], {
      cwd: root,
      env: { CONSUL_HTTP_TOKEN: consul.token },
    })
    agents.push(agent)
    return agent
  }
  /** The one among `list` that logs "Obtained leadership" (after line `from` of each). */
  async function nextLeader(
    list: AgentProcess[],
    deadlineMs: number,
    from = new Map<AgentProcess, number>(),
  ): Promise<AgentProcess> {
    return Promise.any(
      list.map((a) => a.waitForLine(/Obtained leadership/, deadlineMs, from.get(a) ?? 0).then(() => a)),
    )
  }

  it('three agents: exactly one saves, standbys only wait; checks show who is who; kill -9 and SIGTERM hand over', async () => {
    const backups = join(root, 'shared')
    const file = await config('ha', { path: backups })
    const three = [start(file), start(file), start(file)]
    await Promise.all(three.map((a) => a.waitForLine(/Waiting to obtain leadership/, 60_000)))
    const leader = await nextLeader(three, 60_000)
    const standbys = three.filter((a) => a !== leader)
    // Three cycles by the leader.
    let from = 0
    for (let n = 0; n < 3; n++)
      from = leader.lines.indexOf(await leader.waitForLine(/Saved snapshot/, 30_000, from)) + 1
    expect(leadersAmong(three)).toEqual([leader])
    for (const standby of standbys) expect(savedIds(standby)).toEqual([])
    // Every file in the folder was written by the leader, one per interval: IDs (Unix ns) at
    // least half an interval apart, which two savers could not keep.
    const files = (await readdir(backups)).filter((n) => /^consul-\d+\.snap$/.test(n))
    const ids = files.map((n) => BigInt(/\d+/.exec(n)![0])).sort((a, b) => (a < b ? -1 : 1))
    const leaderIds = new Set(savedIds(leader))
    for (const id of ids) expect(leaderIds.has(String(id))).toBe(true)
    for (let i = 1; i < ids.length; i++) expect(ids[i]! - ids[i - 1]!).toBeGreaterThan(500_000_000n)
    // The KV status names the leader.
    const res = await fetch(`${consul.httpAddr}/v1/kv/ha/lock-status?raw`, {
      headers: { 'X-Consul-Token': consul.token },
    })
    const record = (await res.json()) as { lastSuccess: { serviceId: string } }
    expect(record.lastSuccess.serviceId).toBe(serviceIdOf(leader))
    // Checks: Alive on all three, Saving only on the leader, passing.
    const seen = await checksWhen((all) =>
      all.some((c) => c.Name.endsWith('Saving Snapshots') && c.Status === 'passing'),
    )
    const alive = seen
      .filter((c) => c.Name === 'Consul Snapshot Agent Alive' && c.Status === 'passing')
      .map((c) => c.ServiceID)
    expect(alive.sort()).toEqual(three.map(serviceIdOf).sort())
    expect(seen.filter((c) => c.Name === 'Consul Snapshot Agent Saving Snapshots')).toEqual([
      expect.objectContaining({ ServiceID: serviceIdOf(leader), Status: 'passing' }),
    ])

    // kill -9: the session dies after at most 2 × TTL, then the lock-delay runs.
    const marks = new Map(standbys.map((a) => [a, a.lines.length]))
    leader.kill('SIGKILL')
    const killedAt = Date.now()
    const second = await nextLeader(
      standbys,
      2 * SESSION_TTL_S * 1000 + LOCK_DELAY_S * 1000 + SLACK_MS,
      marks,
    )
    const takeoverMs = Date.now() - killedAt
    expect(takeoverMs).toBeLessThan(2 * SESSION_TTL_S * 1000 + LOCK_DELAY_S * 1000 + SLACK_MS)
    await second.waitForLine(/Saved snapshot/, 30_000, marks.get(second))

    // SIGTERM: released before the session is destroyed, so the last one does not wait out the lock-delay.
    const last = standbys.find((a) => a !== second)!
    const mark = new Map([[last, last.lines.length]])
    second.kill('SIGTERM')
    const termAt = Date.now()
    await nextLeader([last], LOCK_DELAY_S * 1000, mark)
    expect(Date.now() - termAt).toBeLessThan(LOCK_DELAY_S * 1000)
    expect(await second.exited).toBe(0)
    const services = await api<Record<string, unknown>>('/v1/agent/services')
    expect(Object.keys(services)).not.toContain(serviceIdOf(second))
    expect(Object.keys(services)).toContain(serviceIdOf(last))
    last.kill('SIGTERM')
    expect(await last.exited).toBe(0)
  })

  it('a leader whose destination breaks gives up after max_failures and a healthy instance takes over', async () => {
    const paths = [join(root, 'mf-a'), join(root, 'mf-b')]
    await Promise.all(paths.map((p) => mkdir(p)))
    const pair = [
      start(await config('mf', { path: paths[0]!, maxFailures: 1, file: 'mf-a' })),
      start(await config('mf', { path: paths[1]!, maxFailures: 1, file: 'mf-b' })),
    ]
    const leader = await nextLeader(pair, 60_000)
    const other = pair.find((a) => a !== leader)!
    await leader.waitForLine(/Saved snapshot/, 30_000)
    // Make the leader's destination unusable: a file where its folder was.
    const broken = paths[pair.indexOf(leader)]!
    await rm(broken, { recursive: true, force: true })
    await writeFile(broken, 'not a folder')
    const mark = new Map([[other, other.lines.length]])
    await leader.waitForLine(/Too many snapshot failures \(will give up leadership\)/, 30_000)
    expect(
      leader.lines.filter((l) => l.includes('Snapshot failed (will retry at next interval)')).length,
    ).toBeGreaterThanOrEqual(2)
    await nextLeader([other], 30_000, mark)
    await other.waitForLine(/Saved snapshot/, 30_000, mark.get(other))
    const saving = (agent: AgentProcess, seen: Check[]) =>
      seen.find(
        (c) => c.ServiceID === serviceIdOf(agent) && c.Name === 'Consul Snapshot Agent Saving Snapshots',
      )?.Status
    const seen = await checksWhen((all) => saving(other, all) === 'passing')
    expect(saving(leader, seen)).toBe('critical')
    expect(saving(other, seen)).toBe('passing')
    expect((await readdir(paths[pair.indexOf(other)]!)).some((n) => /^consul-\d+\.snap$/.test(n))).toBe(true)
    for (const agent of pair) agent.kill('SIGTERM')
    await Promise.all(pair.map((a) => a.exited))
  })
})
