import { afterEach, describe, expect, it } from 'vitest'
import { waitForHealthyCluster } from '../../../src/main/services/consul/cluster-health'
import { ConsulClient } from '../../../src/main/services/consul/consul-client'
import { json, startLocalServer, text, type LocalServer } from './local-http-server'

let server: LocalServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function clientFor(handler: Parameters<typeof startLocalServer>[0]): Promise<ConsulClient> {
  server = await startLocalServer(handler)
  return ConsulClient.open({
    name: 't',
    settings: { address: server.address, useTls: false, tls: { insecureSkipVerify: false } },
    token: 't',
  })
}

// A fake clock: each sleep advances time, so the deadline logic runs without real waiting.
function fakeTime() {
  let now = 0
  const pauses: number[] = []
  return {
    now: () => now,
    sleep: async (ms: number) => {
      pauses.push(ms)
      now += ms
    },
    pauses,
  }
}

describe('waitForHealthyCluster', () => {
  it('waits until a leader is elected and a consistent read answers', async () => {
    let leaderCalls = 0
    const client = await clientFor((req, res) => {
      if (req.url?.startsWith('/v1/status/leader'))
        return json(res, 200, ++leaderCalls < 3 ? '' : '10.0.0.1:8300')
      if (req.url?.startsWith('/v1/operator/autopilot/health')) return json(res, 200, { Healthy: true })
      return json(res, 404, null, { 'x-consul-index': '77' })
    })
    const result = await waitForHealthyCluster(client, { ...fakeTime(), pollMs: 500, timeoutMs: 10_000 })
    await client.close()
    expect(result).toMatchObject({
      healthy: true,
      leader: '10.0.0.1:8300',
      autopilotHealthy: true,
      readIndex: 77,
      waitedMs: 150,
    })
    expect(result.summary).toMatch(/has a leader/)
  })

  it('looks again soon after the restore, then less often, up to the poll interval', async () => {
    let leaderCalls = 0
    const client = await clientFor((req, res) => {
      if (req.url?.startsWith('/v1/status/leader'))
        return json(res, 200, ++leaderCalls < 7 ? '' : '10.0.0.1:8300')
      if (req.url?.startsWith('/v1/operator/autopilot/health')) return json(res, 200, { Healthy: true })
      return json(res, 404, null, { 'x-consul-index': '77' })
    })
    const time = fakeTime()
    const result = await waitForHealthyCluster(client, { ...time, pollMs: 500, timeoutMs: 10_000 })
    await client.close()
    expect(result.healthy).toBe(true)
    expect(time.pauses).toEqual([50, 100, 200, 400, 500, 500])
  })

  it('asks for the leader, autopilot\u2019s health and a consistent read at once, not one after the other', async () => {
    // The leader is answered only once the other two questions arrived (or after a second, so a
    // client that waits for the leader first still finishes, in the wrong order).
    const arrived: string[] = []
    let bothAsked: () => void = () => undefined
    const asked = new Promise<void>((resolve) => (bothAsked = resolve))
    let leaderAnswered = false
    const client = await clientFor((req, res) => {
      const url = req.url ?? ''
      arrived.push(
        leaderAnswered ? `${url.split('?')[0]} (after the leader answered)` : (url.split('?')[0] ?? ''),
      )
      if (arrived.length === 3) bothAsked()
      if (url.startsWith('/v1/status/leader')) {
        void Promise.race([asked, new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]).then(
          () => {
            leaderAnswered = true
            json(res, 200, '10.0.0.1:8300')
          },
        )
        return
      }
      if (url.startsWith('/v1/operator/autopilot/health')) return json(res, 200, { Healthy: true })
      return json(res, 404, null, { 'x-consul-index': '77' })
    })
    const result = await waitForHealthyCluster(client, { ...fakeTime(), timeoutMs: 10_000 })
    await client.close()
    expect(result).toMatchObject({ healthy: true, autopilotHealthy: true, readIndex: 77 })
    expect([...arrived].sort()).toEqual([
      '/v1/kv/snapshot-studio/health-probe',
      '/v1/operator/autopilot/health',
      '/v1/status/leader',
    ])
  })

  it('does not wait for the other answers while there is no leader (Consul holds them until one is elected)', async () => {
    let leaderCalls = 0
    const held: (() => void)[] = []
    const client = await clientFor((req, res) => {
      const url = req.url ?? ''
      const answer = () =>
        url.startsWith('/v1/operator/autopilot/health')
          ? json(res, 200, { Healthy: true })
          : json(res, 404, null, { 'x-consul-index': '78' })
      if (url.startsWith('/v1/status/leader')) {
        const elected = ++leaderCalls >= 3
        json(res, 200, elected ? '10.0.0.1:8300' : '')
        if (elected) for (const release of held.splice(0)) release()
        return
      }
      // Held, as Consul holds a request that needs a leader while there is none.
      if (leaderCalls >= 3) answer()
      else held.push(answer)
    })
    const result = await waitForHealthyCluster(client, { ...fakeTime(), timeoutMs: 10_000 })
    await client.close()
    expect(result).toMatchObject({ healthy: true, leader: '10.0.0.1:8300', readIndex: 78 })
    expect(leaderCalls).toBe(3)
  })

  it('accepts a token the restored ACLs no longer know: a 403 still proves the leader serves reads', async () => {
    const client = await clientFor((req, res) => {
      if (req.url?.startsWith('/v1/status/leader')) return json(res, 200, '10.0.0.1:8300')
      return text(res, 403, 'ACL not found')
    })
    const result = await waitForHealthyCluster(client, { ...fakeTime(), timeoutMs: 10_000 })
    await client.close()
    expect(result).toMatchObject({ healthy: true, autopilotHealthy: null })
  })

  it('gives up at the deadline with a summary instead of failing the restore', async () => {
    const client = await clientFor((req, res) => {
      if (req.url?.startsWith('/v1/status/leader')) return json(res, 200, '10.0.0.1:8300')
      if (req.url?.startsWith('/v1/operator/autopilot/health')) return json(res, 429, { Healthy: false })
      return json(res, 404, null)
    })
    const result = await waitForHealthyCluster(client, { ...fakeTime(), pollMs: 1000, timeoutMs: 5000 })
    await client.close()
    expect(result).toMatchObject({ healthy: false, autopilotHealthy: false })
    expect(result.summary).toMatch(/autopilot reports unhealthy servers/)
  })
})
