// The agent's scheduled integrity re-check and per-destination recipients against a real Consul:
// a damaged newest backup turns the leader's verify check critical naming the object (the
// standby carries no such check); each destination's backup opens with its own key only, as
// Debian's age decrypts it.
import { execFile, execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VERIFY_CHECK_NAME } from '../../src/main/services/backups/agent-registration'
import { checksDaemon, FUTURE_ID, serviceIdOf, stopAgent } from '../support/agent-checks-daemon'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { startAgentProcess, type AgentProcess } from '../support/snapshot-agent-process'

const run = promisify(execFile)

let consul: ConsulAgent
let root: string
const agents: AgentProcess[] = []

beforeAll(async () => {
  consul = await startConsulAgent()
  root = await mkdtemp(join(tmpdir(), 'ss-agent-verify-'))
})
afterAll(async () => {
  for (const agent of agents) agent.kill('SIGKILL')
  await consul?.stop()
  await rm(root, { recursive: true, force: true })
})

describe('the agent re-checks its stored backups', () => {
  it("verify: a damaged newest backup turns the leader's check critical with its name; the standby has no such check", async () => {
    const res = await fetch(`${consul.httpAddr}/v1/snapshot`, { headers: { 'X-Consul-Token': consul.token } })
    expect(res.status).toBe(200)
    const damaged = Buffer.from(await res.arrayBuffer())
    // Inside the gzip trailer's CRC: the archive no longer verifies.
    damaged[damaged.length - 6]! ^= 0xff
    const name = `consul-${FUTURE_ID}.snap`
    const setup = await checksDaemon(consul, root, 'verify', ['-verify-interval', '24h'], { [name]: damaged })
    const leader = setup.start()
    agents.push(leader)
    await leader.waitForLine(/Obtained leadership/, 30_000)
    const standby = setup.start()
    agents.push(standby)
    await leader.waitForLine(/A stored backup is damaged/, 60_000)
    await standby.waitForLine(/Waiting to obtain leadership/, 30_000)

    const verify = (await setup.checks()).filter((c) => c.Name === VERIFY_CHECK_NAME)
    expect(verify).toEqual([expect.objectContaining({ ServiceID: serviceIdOf(leader), Status: 'critical' })])
    expect(verify[0]?.Output).toMatch(new RegExp(`^DAMAGED ${name} in local:`))
    const status = await setup.status<{ lastVerify: { severity: string; summary: string } }>()
    expect(status.lastVerify.severity).toBe('critical')
    expect(status.lastVerify.summary).toContain(name)
    // Nothing was written: the planted file and the cycle's snapshot (with its sidecar) only.
    expect((await readdir(join(setup.cwd, 'backups'))).filter((n) => !n.endsWith('.json')).sort()).toEqual([
      expect.stringMatching(/^consul-\d{19}\.snap$/),
      name,
    ])
    expect(await readdir(setup.temp)).toEqual([])
    // For monitoring: `agent status` exits 2 and names the object.
    const statusRun = startAgentProcess(
      ['status', '-http-addr', consul.httpAddr, '-lock-key', 'verify/lock', '-service', 'snapshot-verify'],
      { cwd: setup.cwd, env: { CONSUL_HTTP_TOKEN: consul.token } },
    )
    let printed = ''
    statusRun.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk))
    expect(await statusRun.exited).toBe(2)
    expect(printed).toMatch(new RegExp(`Health: +DAMAGED: DAMAGED ${name} in local:`))
    await stopAgent(standby)
    await stopAgent(leader)
  })

  it("per-destination recipients: each destination's backup opens with its own key only (age -d)", async () => {
    const cwd = join(root, 'recipients')
    await mkdir(cwd)
    const key = (n: string) => {
      execFileSync('age-keygen', ['-o', join(cwd, `${n}.txt`)], { stdio: 'ignore' })
      return execFileSync('age-keygen', ['-y', join(cwd, `${n}.txt`)], { encoding: 'utf8' }).trim()
    }
    const [a, b] = [key('a'), key('b')]
    await writeFile(
      join(cwd, 'agent.json'),
      JSON.stringify({
        snapshot_agent: {
          http_addr: consul.httpAddr,
          encryption: { recipients: [a] },
          backup_destinations: {
            local_storage: [{ path: 'to-a' }, { path: 'to-b', encryption: { recipients: [b] } }],
          },
        },
      }),
    )
    const once = startAgentProcess(['-config-file', 'agent.json', '-once'], {
      cwd,
      env: { CONSUL_HTTP_TOKEN: consul.token },
    })
    agents.push(once)
    expect(await once.exited).toBe(0)
    const stored = async (folder: string) =>
      (await readdir(join(cwd, folder))).filter((n) => n.endsWith('.snap.age'))
    const [inA] = await stored('to-a')
    expect(inA).toMatch(/^consul-\d{19}\.snap\.age$/)
    expect(await stored('to-b')).toEqual([inA])
    const decrypt = (folder: string, identity: string) =>
      run('age', [
        '-d',
        '-i',
        join(cwd, `${identity}.txt`),
        '-o',
        join(cwd, `${folder}-${identity}.snap`),
        join(cwd, folder, inA!),
      ])
    await decrypt('to-a', 'a')
    await decrypt('to-b', 'b')
    await expect(decrypt('to-a', 'b')).rejects.toThrow(/no identity matched/)
    await expect(decrypt('to-b', 'a')).rejects.toThrow(/no identity matched/)
    for (const plain of ['to-a-a.snap', 'to-b-b.snap'])
      expect((await runConsul(['snapshot', 'inspect', join(cwd, plain)])).code).toBe(0)
    expect(await readFile(join(cwd, 'to-a-a.snap'))).toEqual(await readFile(join(cwd, 'to-b-b.snap')))
  })
})
