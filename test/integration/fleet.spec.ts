// The Fleet view against real Consul: `snapshot-studio agent` processes show as leader (passing
// Saving check, last success from the status key) and standby; a cluster without an agent is
// flagged "no scheduled backups"; an agent registered as HashiCorp's Enterprise agent does
// (same service and checks, lock without a value, no status key) shows with its status unknown;
// a cluster that refuses connections, a refused token and a token that may not see the service fail alone.
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FleetService } from '../../src/main/services/fleet/fleet-service'
import { planCoverageFrom } from '../../src/main/services/fleet/plan-coverage'
import { FileSecretStore, ProfileService } from '../../src/main/services/profiles'
import type { FleetCluster, FleetClusterOk } from '../../src/shared/fleet-types'
import { startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { startAgentProcess, type AgentProcess } from '../support/snapshot-agent-process'

const request = { service: 'consul-snapshot', lockKey: 'consul-snapshot/lock' }

function okCluster(clusters: FleetCluster[], name: string): FleetClusterOk {
  const cluster = clusters.find((candidate) => candidate.profileName === name)
  if (cluster?.state !== 'ok') throw new Error(`${name}: ${JSON.stringify(cluster)}`)
  return cluster
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

describe('the fleet view against real Consul', () => {
  let prod: ConsulAgent
  let bare: ConsulAgent
  let root: string
  let profiles: ProfileService
  let ids: Record<string, string>
  const agents: AgentProcess[] = []

  const put = async (consul: ConsulAgent, path: string, body?: unknown) => {
    const response = await fetch(`${consul.httpAddr}${path}`, {
      method: 'PUT',
      headers: { 'X-Consul-Token': consul.token },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    expect(response.status).toBe(200)
    const text = await response.text()
    return (text ? JSON.parse(text) : null) as unknown
  }

  beforeAll(async () => {
    ;[prod, bare] = await Promise.all([
      startConsulAgent({ datacenter: 'prod' }),
      startConsulAgent({ datacenter: 'bare' }),
    ])
    root = await mkdtemp(join(tmpdir(), 'ss-fleet-it-'))
    ;({ service: profiles } = await ProfileService.open({
      dataDir: join(root, 'data'),
      secrets: new FileSecretStore(join(root, 'data', 'secrets.json')),
    }))
    // A token that may read KV but not the agents' service: Consul answers an empty, filtered list.
    const policy = (await put(prod, '/v1/acl/policy', {
      Name: 'kv-only',
      Rules: 'key_prefix "" { policy = "read" }',
    })) as {
      Name: string
    }
    const kvOnly = (await put(prod, '/v1/acl/token', { Policies: [{ Name: policy.Name }] })) as {
      SecretID: string
    }
    // And one that sees the agents but no KV: the lock and the status key are refused.
    await put(prod, '/v1/acl/policy', {
      Name: 'catalog-only',
      Rules: 'service_prefix "" { policy = "read" }\nnode_prefix "" { policy = "read" }',
    })
    const catalogOnly = (await put(prod, '/v1/acl/token', { Policies: [{ Name: 'catalog-only' }] })) as {
      SecretID: string
    }
    const make = async (name: string, address: string, token: string) =>
      (
        await profiles.create({
          name,
          environment: { label: 'production', colour: 'red' },
          connection: { address, useTls: false, tls: { insecureSkipVerify: false } },
          token: { kind: 'set', value: token },
        })
      ).id
    ids = {
      prod: await make('prod', prod.httpAddr, prod.token),
      bare: await make('bare', bare.httpAddr, bare.token),
      gone: await make('gone', `127.0.0.1:${await freePort()}`, 'x'),
      denied: await make('denied', prod.httpAddr, '00000000-0000-0000-0000-000000000000'),
      filtered: await make('filtered', prod.httpAddr, kvOnly.SecretID),
      catalogOnly: await make('catalog-only', prod.httpAddr, catalogOnly.SecretID),
    }
  }, 120_000)

  afterAll(async () => {
    for (const agent of agents) agent.kill('SIGTERM')
    await Promise.all(agents.map((agent) => agent.exited))
    await Promise.all([prod?.stop(), bare?.stop()])
    await rm(root, { recursive: true, force: true })
  })

  function startAgent(name: string): AgentProcess {
    const agent = startAgentProcess(
      [
        '-http-addr',
        prod.httpAddr,
        '-local-path',
        join(root, 'backups'),
        '-interval',
        '1h',
        '-log-level',
        'debug',
      ],
      { cwd: root, env: { CONSUL_HTTP_TOKEN: prod.token, HOME: join(root, name) } },
    )
    agents.push(agent)
    return agent
  }

  it('flags every cluster without an agent or plan, and reports broken profiles on their own', async () => {
    const fleet = new FleetService({ profiles })

    const { clusters } = await fleet.status(request)

    expect(clusters.map((cluster) => cluster.profileName)).toEqual([
      'prod',
      'bare',
      'gone',
      'denied',
      'filtered',
      'catalog-only',
    ])
    for (const name of ['prod', 'bare'])
      expect(okCluster(clusters, name)).toMatchObject({
        instances: [],
        leader: null,
        saving: 'none',
        statusKnown: false,
        plans: null,
        coverage: 'none',
        warning: 'no-scheduled-backups',
      })
    const errorOf = (name: string) => {
      const cluster = clusters.find((candidate) => candidate.profileName === name)
      return cluster?.state === 'error' ? cluster.error.code : cluster?.state
    }
    expect(errorOf('gone')).toBe('CONSUL_REFUSED')
    expect(errorOf('denied')).toBe('CONSUL_ACL_DENIED')
    expect(JSON.stringify(clusters)).not.toContain(prod.token)
  })

  it('counts an active plan of the app as scheduled backups', async () => {
    const fleet = new FleetService({
      profiles,
      plans: planCoverageFrom(async () => ({ plans: [{ profileIds: [ids.bare as string], paused: false }] })),
    })

    const bareCluster = okCluster(
      (await fleet.status({ ...request, profileIds: [ids.bare as string] })).clusters,
      'bare',
    )

    expect(bareCluster).toMatchObject({ plans: 1, coverage: 'plan', warning: null })
  })

  it('shows a running agent as leader with a passing Saving check and its last success, a second as standby', async () => {
    const first = startAgent('first')
    // "Next snapshot" is logged after the cycle's status write and the Saving check's pass.
    await first.waitForLine(/Next snapshot/, 60_000)
    const fleet = new FleetService({ profiles })

    const alone = okCluster((await fleet.status(request)).clusters, 'prod')

    expect(alone.instances).toHaveLength(1)
    expect(alone.instances[0]).toMatchObject({ role: 'leader', alive: 'passing', saving: 'passing' })
    expect(alone.instances[0]?.savingOutput).toMatch(/^Saved snapshot \d+$/)
    expect(alone).toMatchObject({ saving: 'passing', statusKnown: true, coverage: 'agent', warning: null })
    expect(alone.leader).toBe(alone.instances[0]?.serviceId)
    expect(alone.lastSuccess?.name).toMatch(/^consul-\d+\.snap$/)
    expect(alone.lastFailure).toBeNull()

    const second = startAgent('second')
    await second.waitForLine(/Waiting to obtain leadership/, 60_000)
    const both = okCluster((await fleet.status(request)).clusters, 'prod')

    expect(both.instances.map((instance) => instance.role).sort()).toEqual(['leader', 'standby'])
    expect(both.leader).toBe(alone.leader)
    expect(both.instances.find((instance) => instance.role === 'standby')).toMatchObject({
      alive: 'passing',
      saving: null,
    })
    expect(okCluster((await fleet.status(request)).clusters, 'bare').warning).toBe('no-scheduled-backups')
  }, 120_000)

  it('still shows who runs when the token may not read the status key, and says why the runs are missing', async () => {
    const fleet = new FleetService({ profiles })

    const [cluster] = (await fleet.status({ ...request, profileIds: [ids.catalogOnly as string] })).clusters

    expect(cluster).toMatchObject({ state: 'ok', saving: 'passing', statusKnown: false, lastSuccess: null })
    const ok = cluster as FleetClusterOk
    expect(ok.instances.map((instance) => instance.role).sort()).toEqual(['leader', 'standby'])
    expect(ok.statusError).toMatch(/permission|ACL|token/i)
  })

  it('says so when the token may not see the agents, instead of "no scheduled backups"', async () => {
    const fleet = new FleetService({ profiles })

    const [filtered] = (await fleet.status({ ...request, profileIds: [ids.filtered as string] })).clusters

    expect(filtered).toMatchObject({ state: 'error', error: { code: 'CONSUL_ACL_DENIED' } })
  })

  it("shows HashiCorp's Enterprise agent (same service and checks, no status key) with its status unknown", async () => {
    // What the Enterprise agent registers (docs/agent.md, "Modes" and "Leadership"): its own check IDs, the
    // shared check names, and a lock held by a session without a value.
    const service = 'consul-snapshot'
    await put(bare, '/v1/agent/service/register', {
      ID: `${service}:enterprise-1`,
      Name: service,
      Checks: [{ CheckID: 'ent-alive', Name: 'Consul Snapshot Agent Alive', TTL: '30s', Status: 'passing' }],
    })
    await put(bare, '/v1/agent/check/register', {
      ID: 'ent-saving',
      Name: 'Consul Snapshot Agent Saving Snapshots',
      ServiceID: `${service}:enterprise-1`,
      TTL: '2h',
      Status: 'passing',
    })
    const session = (await put(bare, '/v1/session/create', { Name: 'Consul API Lock', TTL: '60s' })) as {
      ID: string
    }
    expect(await put(bare, `/v1/kv/consul-snapshot/lock?acquire=${session.ID}`)).toBe(true)
    const fleet = new FleetService({ profiles })

    const enterprise = okCluster(
      (await fleet.status({ ...request, profileIds: [ids.bare as string] })).clusters,
      'bare',
    )

    expect(enterprise).toMatchObject({
      leader: `${service}:enterprise-1`,
      saving: 'passing',
      statusKnown: false,
      lastSuccess: null,
      coverage: 'agent',
      warning: null,
    })
  })
})
