import { expect, test } from '@playwright/test'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { startAgentProcess, type AgentProcess } from '../support/snapshot-agent-process'
import { ConnectionsPage } from './pages/connections-page'
import { FleetPage } from './pages/fleet-page'
import { GrowthPage } from './pages/growth-page'
import { StudioApp } from './pages/studio-app'
import { e2eEnvironment } from './support/e2e-environment'

const env = e2eEnvironment()
// Inside the run's scratch folder, which screenshots show as `~`.
const scratch = path.dirname(env.saveDir)

test.describe('fleet and growth over time, against a cluster of their own', () => {
  let consul: ConsulAgent
  const agents: AgentProcess[] = []

  test.beforeAll(async () => {
    consul = await startConsulAgent({ datacenter: 'eu-west', nodeName: 'consul-eu-1' })
  })
  test.afterAll(async () => {
    for (const agent of agents) agent.kill('SIGTERM')
    await Promise.all(agents.map((agent) => agent.exited))
    await consul?.stop()
  })

  const put = async (apiPath: string, body: string) => {
    const response = await fetch(`${consul.httpAddr}${apiPath}`, {
      method: 'PUT',
      body,
      headers: { 'X-Consul-Token': consul.token },
    })
    expect(response.status).toBe(200)
  }

  function startAgent(): AgentProcess {
    const agent = startAgentProcess(
      [
        '-http-addr',
        consul.httpAddr,
        '-local-path',
        path.join(scratch, 'agent-backups'),
        '-log-level',
        'debug',
      ],
      { cwd: scratch, env: { CONSUL_HTTP_TOKEN: consul.token } },
    )
    agents.push(agent)
    return agent
  }

  test('the fleet view shows a running snapshot-studio agent as leader with a passing Saving check', async ({
    page,
  }) => {
    const leader = startAgent()
    // Logged after the first cycle wrote the status key and passed the Saving check.
    await leader.waitForLine(/Next snapshot/, 60_000)
    const standby = startAgent()
    await standby.waitForLine(/Waiting to obtain leadership/, 60_000)
    const app = new StudioApp(page)
    await app.open(env.url)
    const connections = new ConnectionsPage(page)
    await connections.add({
      name: 'prod-eu',
      address: consul.httpAddr,
      token: consul.token,
      environment: 'production',
      colour: 'red',
    })
    // A cluster of the run that no agent and no plan backs up.
    await connections.add({
      name: 'staging-eu',
      address: env.target.httpAddr,
      token: env.target.token,
      environment: 'staging',
      colour: 'orange',
    })

    await app.go('fleet')
    const fleet = new FleetPage(page)
    await expect(fleet.screen).toHaveAttribute('data-state', 'ready')

    const leaderRow = fleet.instances('prod-eu', 'leader')
    await expect(leaderRow).toHaveCount(1)
    await expect(leaderRow).toHaveAttribute('data-saving', 'passing')
    await expect(fleet.instances('prod-eu', 'standby')).toHaveCount(1)
    await expect(fleet.cluster('prod-eu').getByTestId('fleet-saving')).toHaveText('saving passing')
    await expect(fleet.cluster('prod-eu').getByTestId('fleet-last-success')).toContainText(/consul-\d+\.snap/)
    await expect(fleet.cluster('staging-eu').getByTestId('no-scheduled-backups')).toBeVisible()
    await app.capture('fleet', { fullPage: true })
  })

  test('growth over ten real backups names the KV prefix that grew as the largest mover', async ({
    page,
  }) => {
    const folder = path.join(scratch, 'growth-backups')
    mkdirSync(folder, { recursive: true })
    for (let i = 0; i < 8; i++)
      await put(`/v1/kv/config/service-${i}`, JSON.stringify({ replicas: 3, tier: i }))
    for (let backup = 1; backup <= 10; backup++) {
      // Each hour the sessions prefix gains 25 entries of 2 KB; feature flags gain one small key.
      for (let i = 0; i < 25; i++)
        await put(
          `/v1/kv/app/sessions/${backup}-${i}`,
          JSON.stringify({ user: `u${i}`, data: 'x'.repeat(2000) }),
        )
      await put(`/v1/kv/app/flags/flag-${backup}`, 'on')
      const response = await fetch(`${consul.httpAddr}/v1/snapshot`, {
        headers: { 'X-Consul-Token': consul.token },
      })
      expect(response.status).toBe(200)
      // Enterprise names, one hour apart: consul-<Unix ns>.snap.
      const ns = (BigInt(Date.UTC(2026, 10, 20, backup)) * 1_000_000n).toString()
      writeFileSync(path.join(folder, `consul-${ns}.snap`), Buffer.from(await response.arrayBuffer()))
    }
    const app = new StudioApp(page)
    await app.open(env.url)
    await app.go('growth')
    const growth = new GrowthPage(page)

    await growth.analyse(folder)

    await expect(growth.movers.first()).toHaveAttribute('data-mover', 'app/sessions')
    await expect(growth.movers.first()).toContainText(/^KV app\/sessions grew by/)
    await expect(page.getByTestId('growth-chart')).toBeVisible()
    await expect(page.getByText('10 backups')).toBeVisible()
    await app.capture('growth', { fullPage: true })

    // A second analysis reads nothing again: every file's statistics come from the cache.
    await growth.analyse(folder)
    await expect(page.getByText(/Statistics of 10 files came from the cache; 0 read now/)).toBeVisible()
  })
})
