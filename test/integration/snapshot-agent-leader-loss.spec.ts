// The snapshot agent against a real three-server Consul cluster whose Raft leader crashes
// (SIGKILL) while the agent runs: the cycles that meet the leaderless cluster fail and leave
// nothing behind (no snapshot file, no scratch folder, no hidden temporary file), and once a
// quorum is back and has elected a new leader the agent saves again, a file that
// `consul snapshot inspect` accepts.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runConsul, startConsulCluster, type ConsulCluster } from '../support/consul-agent'
import { startAgentProcess, type AgentProcess } from '../support/snapshot-agent-process'

describe('snapshot agent when the Consul leader crashes', () => {
  let cluster: ConsulCluster
  let root: string
  let agent: AgentProcess | undefined

  beforeAll(async () => {
    cluster = await startConsulCluster(3)
    root = await mkdtemp(join(tmpdir(), 'ss-agent-leader-loss-'))
  }, 90_000)
  afterAll(async () => {
    agent?.kill('SIGKILL')
    await cluster?.stop()
    await rm(root, { recursive: true, force: true })
  })

  const savedIds = (from = 0) =>
    (agent?.lines ?? []).slice(from).flatMap((l) => /Saved snapshot (\d+)/.exec(l)?.[1] ?? [])

  it('fails the cycles without a leader cleanly and saves an inspectable snapshot after re-election', async () => {
    const first = cluster.servers[0]!
    const leader = await cluster.leader(first)
    expect(leader).toBeDefined()
    // The agent talks to a follower, which forwards the snapshot request to whoever leads.
    const follower = cluster.servers.find((s) => s !== leader)!
    const backups = join(root, 'backups')
    const configFile = join(root, 'agent.json')
    await writeFile(
      configFile,
      JSON.stringify({
        snapshot_agent: {
          http_addr: follower.httpAddr,
          // Failures are expected while there is no leader; the agent is to keep retrying, not give up.
          snapshot: { interval: '1s', retain: 0, max_failures: 1000, lock_key: 'leader-loss/lock' },
          local_storage: { path: backups },
          leadership: { lock_delay: '1s' },
        },
      }),
    )
    agent = startAgentProcess(['-config-file', configFile], {
      cwd: root,
      env: { CONSUL_HTTP_TOKEN: cluster.token },
    })
    await agent.waitForLine(/Saved snapshot/, 60_000)

    const mark = agent.lines.length
    // The leader and the third server crash, so the agent's server is alone: without a quorum
    // nobody can be elected, and the cycles meet a leaderless cluster however long they take on
    // a busy machine (with one crash only, a re-election could fall between two cycles).
    const third = cluster.servers.find((s) => s !== leader && s !== follower)!
    await Promise.all([leader!.kill(), third.kill()])
    await agent.waitForLine(/Snapshot failed \(will retry at next interval\)/, 60_000, mark)
    const failedAt = agent.lines.findIndex((l, i) => i >= mark && /Snapshot failed/.test(l))
    // Two of three again: a quorum elects a leader, and the agent saves once more.
    await third.restart()
    await agent.waitForLine(/Saved snapshot/, 90_000, failedAt)
    const newLeader = await cluster.leader(follower)
    expect(newLeader).toBeDefined()
    expect(newLeader).not.toBe(leader)

    agent.kill('SIGTERM')
    expect(await agent.exited).toBe(0)

    // Exactly the saved snapshots (each with its metadata sidecar) are in the folder: nothing
    // from the failed cycles, no scratch folder, no hidden temporary names.
    const entries = (await readdir(backups)).sort()
    const saved = savedIds()
    expect(entries).toEqual(saved.flatMap((id) => [`consul-${id}.snap`, `consul-${id}.snap.json`]).sort())

    const afterReelection = savedIds(failedAt)
    expect(afterReelection.length).toBeGreaterThan(0)
    const inspected = await runConsul([
      'snapshot',
      'inspect',
      join(backups, `consul-${afterReelection[0]}.snap`),
    ])
    expect(inspected.stderr).toBe('')
    expect(inspected.code).toBe(0)
    expect(inspected.stdout).toMatch(/Index/)
  }, 240_000)
})
