// The agent's scheduled restore drill against a real Consul binary: it passes on a good newest
// backup and fails with Consul's reason on one Consul refuses to restore; either way the health
// check and the status key say so, and nothing (throw-away agent, copy, Consul's own temporary
// files) is left in the agent's temporary folder.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DRILL_CHECK_NAME } from '../../src/main/services/backups/agent-registration'
import { checksDaemon, FUTURE_ID, serviceIdOf, stopAgent } from '../support/agent-checks-daemon'
import { startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { insertBeforeChunkingState, packSnapshot, readSnapshotParts } from '../support/consul-snapshot-craft'
import type { AgentProcess } from '../support/snapshot-agent-process'

let consul: ConsulAgent
let root: string
const agents: AgentProcess[] = []

beforeAll(async () => {
  consul = await startConsulAgent()
  root = await mkdtemp(join(tmpdir(), 'ss-agent-drill-'))
})
afterAll(async () => {
  for (const agent of agents) agent.kill('SIGKILL')
  await consul?.stop()
  await rm(root, { recursive: true, force: true })
})

describe('the agent drills its newest backup', () => {
  it('passes on a good newest backup, and leaves nothing behind', async () => {
    const setup = await checksDaemon(consul, root, 'drill-good', [
      '-drill-interval',
      '24h',
      '-drill-consul',
      consul.consulBin,
    ])
    const leader = setup.start()
    agents.push(leader)
    await leader.waitForLine(/Restore drill passed/, 90_000)
    const drill = (await setup.checks()).find((c) => c.Name === DRILL_CHECK_NAME)
    expect(drill).toMatchObject({ ServiceID: serviceIdOf(leader), Status: 'passing' })
    expect(drill?.Output).toMatch(/^Restored consul-\d{19}\.snap in local:.*read back the same/)
    expect(await readdir(setup.temp)).toEqual([])
    await stopAgent(leader)
  })

  it("fails with Consul's reason on a newest backup whose restore Consul refuses", async () => {
    const res = await fetch(`${consul.httpAddr}/v1/snapshot`, { headers: { 'X-Consul-Token': consul.token } })
    expect(res.status).toBe(200)
    const good = join(root, 'good.snap')
    await writeFile(good, Buffer.from(await res.arrayBuffer()))
    const parts = await readSnapshotParts(good)
    // Type 37 has no restorer: Consul refuses the restore (as in drill.spec.ts).
    const refused = await packSnapshot({
      meta: parts.meta,
      stateBin: insertBeforeChunkingState(parts.stateBin, [Buffer.from([37, 0x80])]),
    })
    const name = `consul-${FUTURE_ID}.snap`
    const setup = await checksDaemon(
      consul,
      root,
      'drill-bad',
      ['-drill-interval', '24h', '-drill-consul', consul.consulBin],
      { [name]: refused },
    )
    const leader = setup.start()
    agents.push(leader)
    await leader.waitForLine(/Restore drill failed/, 90_000)
    const drill = (await setup.checks()).find((c) => c.Name === DRILL_CHECK_NAME)
    expect(drill?.Status).toBe('critical')
    expect(drill?.Output).toMatch(
      new RegExp(`^DAMAGED ${name} in local:.*Consul refused the restore: .*msg type 37`, 'i'),
    )
    const status = await setup.status<{ lastDrill: { severity: string; summary: string } }>()
    expect(status.lastDrill.severity).toBe('critical')
    expect(status.lastDrill.summary).toContain(name)
    expect(await readdir(setup.temp)).toEqual([])
    await stopAgent(leader)
  })
})
