import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { SaveManyEntry } from '../../../src/shared/consul-types'
import { saveMany } from '../../../src/main/services/consul/save-many'
import type { VerifySnapshot } from '../../../src/main/services/consul/snapshot-engine'
import { json, startLocalServer, text, type LocalServer } from './local-http-server'

const verify: VerifySnapshot = async () => ({
  meta: { id: 'x', index: 9, term: 1, version: 1, size: 1 },
  stats: [],
  totalSize: 1,
  enterpriseTypes: [],
})

let servers: LocalServer[] = []
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})

let inFlight = 0
let maxInFlight = 0
async function agent(status: number, dc: string): Promise<string> {
  const server = await startLocalServer((req, res) => {
    if (req.url?.startsWith('/v1/agent/self'))
      return json(res, 200, { Config: { Version: '1.14.8', Datacenter: dc } })
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    setTimeout(() => {
      inFlight--
      if (status !== 200) return text(res, status, 'Permission denied')
      res.writeHead(200, { 'x-consul-index': '9' })
      res.end(Buffer.alloc(1000, 1))
    }, 30)
  })
  servers.push(server)
  return server.address
}

describe('saveMany', () => {
  it('saves each target with its own result, keeps going after a failure, and honours the concurrency limit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ss-many-'))
    const addresses = await Promise.all([agent(200, 'a'), agent(403, 'b'), agent(200, 'c'), agent(200, 'd')])
    const targets = addresses.map((address, i) => ({
      profileId: `p${i}`,
      connection: {
        name: `cluster-${i}`,
        settings: { address, useTls: false, tls: { insecureSkipVerify: false } },
        token: 't',
      },
    }))
    const order: string[] = []
    const entries: SaveManyEntry[] = await saveMany(
      { targets, destinationDir: dir, concurrency: 2, onResult: (e) => order.push(e.profileId) },
      { verify },
    )

    expect(entries.map((e) => e.ok)).toEqual([true, false, true, true])
    expect(entries[1]).toMatchObject({
      profileId: 'p1',
      profileName: 'cluster-1',
      ok: false,
      error: { code: 'CONSUL_ACL_DENIED' },
    })
    expect(entries[3]?.ok === true && entries[3].result.path).toMatch(/cluster-3-d-1\.14\.8-9-/)
    expect(order.sort()).toEqual(['p0', 'p1', 'p2', 'p3'])
    expect(maxInFlight).toBeLessThanOrEqual(2)
  })

  it('marks every target cancelled when the signal is already aborted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ss-many-'))
    const address = await agent(200, 'a')
    const controller = new AbortController()
    controller.abort()
    const entries = await saveMany(
      {
        targets: [
          {
            profileId: 'p',
            connection: {
              name: 'x',
              settings: { address, useTls: false, tls: { insecureSkipVerify: false } },
            },
          },
        ],
        destinationDir: dir,
        signal: controller.signal,
      },
      { verify },
    )
    expect(entries[0]).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
  })

  it('asks every target for the datacenter the operator chose, and names the files after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ss-many-'))
    const asked: string[] = []
    const server = await startLocalServer((req, res) => {
      if (req.url?.startsWith('/v1/agent/self'))
        return json(res, 200, { Config: { Version: '1.14.8', Datacenter: 'dc1' } })
      asked.push(req.url ?? '')
      res.writeHead(200, { 'x-consul-index': '9' })
      res.end(Buffer.alloc(100, 1))
    })
    servers.push(server)
    const entries = await saveMany(
      {
        targets: [
          {
            profileId: 'p',
            connection: {
              name: 'east',
              settings: { address: server.address, useTls: false, tls: { insecureSkipVerify: false } },
            },
          },
        ],
        destinationDir: dir,
        datacenter: 'dc2',
      },
      { verify },
    )

    expect(asked).toEqual(['/v1/snapshot?dc=dc2'])
    expect(entries[0]?.ok === true && entries[0].result.path).toMatch(/east-dc2-1\.14\.8-9-/)
  })
})
