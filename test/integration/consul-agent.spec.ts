// The test agents every integration suite relies on: isolated, ACL-enforcing, optionally HTTPS
// with client certificates, and gone without a trace after stop().
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, fetch } from 'undici'
import {
  createTlsMaterial,
  runConsul,
  startConsulAgent,
  type ConsulAgent,
  type TlsMaterial,
} from '../support/consul-agent'
import { populateEveryRecordKind } from '../support/consul-populate'

describe('startConsulAgent', () => {
  let a: ConsulAgent
  let b: ConsulAgent

  beforeAll(async () => {
    ;[a, b] = await Promise.all([
      startConsulAgent({ datacenter: 'dc-a' }),
      startConsulAgent({ datacenter: 'dc-b', nodeName: 'node-b' }),
    ])
  })
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
  })

  it('runs several agents side by side, each with its own ports, datacenter and data', async () => {
    expect(a.httpAddr).not.toBe(b.httpAddr)
    await put(a, '/v1/kv/only-in-a', 'x')
    const inB = await fetch(`${b.httpAddr}/v1/kv/only-in-a`, { headers: { 'X-Consul-Token': b.token } })
    expect(inB.status).toBe(404)
    const self = (await (
      await fetch(`${b.httpAddr}/v1/agent/self`, { headers: { 'X-Consul-Token': b.token } })
    ).json()) as {
      Config: { Datacenter: string; NodeName: string }
    }
    expect(self.Config).toMatchObject({ Datacenter: 'dc-b', NodeName: 'node-b' })
  })

  it('enforces ACLs: no token is denied, the management token is allowed', async () => {
    const anonymous = await fetch(`${a.httpAddr}/v1/snapshot`)
    expect(anonymous.status).toBe(403)
    await anonymous.arrayBuffer()
    const managed = await fetch(`${a.httpAddr}/v1/snapshot`, { headers: { 'X-Consul-Token': a.token } })
    expect(managed.status).toBe(200)
    await managed.arrayBuffer()
  })

  it('stop() ends the agent and removes its work directory', async () => {
    const c = await startConsulAgent()
    expect(existsSync(c.workDir)).toBe(true)
    await c.stop()
    expect(existsSync(c.workDir)).toBe(false)
    await expect(fetch(`${c.httpAddr}/v1/status/leader`)).rejects.toThrow()
  })
})

describe('an HTTPS agent that requires client certificates', () => {
  let tls: TlsMaterial
  let agent: ConsulAgent

  beforeAll(async () => {
    tls = await createTlsMaterial()
    agent = await startConsulAgent({ tls: { material: tls, verifyIncoming: true } })
  })
  afterAll(async () => {
    await agent?.stop()
  })

  const dispatcher = (opts: { ca: string; withClientCert: boolean }) =>
    new Agent({
      connect: {
        ca: readFileSync(opts.ca),
        ...(opts.withClientCert
          ? { cert: readFileSync(tls.clientCertFile), key: readFileSync(tls.clientKeyFile) }
          : {}),
      },
    })

  it('answers over HTTPS with the right CA and a client certificate', async () => {
    expect(agent.httpsAddr).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${agent.httpsAddr}/v1/status/leader`, {
      dispatcher: dispatcher({ ca: tls.caFile, withClientCert: true }),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).not.toBe('')
  })

  it('refuses a client without a certificate', async () => {
    await expect(
      fetch(`${agent.httpsAddr}/v1/status/leader`, {
        dispatcher: dispatcher({ ca: tls.caFile, withClientCert: false }),
      }),
    ).rejects.toThrow()
  })

  it('is not trusted by a client holding the other CA', async () => {
    await expect(
      fetch(`${agent.httpsAddr}/v1/status/leader`, {
        dispatcher: dispatcher({ ca: tls.otherCaFile, withClientCert: true }),
      }),
    ).rejects.toThrow()
  })

  it('can be populated over HTTPS through an undici dispatcher', async () => {
    const manifest = await populateEveryRecordKind(agent, {
      address: agent.httpsAddr!,
      dispatcher: dispatcher({ ca: tls.caFile, withClientCert: true }),
    })
    const binary = manifest.kv.find((e) => e.key === 'binary/blob')!
    const res = await fetch(`${agent.httpAddr}/v1/kv/${binary.key}?raw`, {
      headers: { 'X-Consul-Token': agent.token },
    })
    expect(Buffer.from(await res.arrayBuffer()).equals(binary.value)).toBe(true)
  })

  it('works with the consul CLI given the same files', async () => {
    const result = await runConsul([
      'members',
      `-http-addr=${agent.httpsAddr}`,
      `-token=${agent.token}`,
      `-ca-file=${tls.caFile}`,
      `-client-cert=${tls.clientCertFile}`,
      `-client-key=${tls.clientKeyFile}`,
    ])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(agent.nodeName)
  })
})

async function put(agent: ConsulAgent, path: string, body: string): Promise<void> {
  const res = await fetch(`${agent.httpAddr}${path}`, {
    method: 'PUT',
    body,
    headers: { 'X-Consul-Token': agent.token },
  })
  expect(res.status).toBe(200)
  await res.arrayBuffer()
}
