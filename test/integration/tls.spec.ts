// HTTPS agents with certificates from `consul tls ca create` / `consul tls cert create -server`:
// the right CA connects and saves, the wrong CA or name is refused with a message that says why,
// and an agent that verifies incoming connections needs our client certificate.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TlsSettings } from '../../src/shared/profile-types'
import {
  saveSnapshot,
  testConnection,
  verifyWithEngine,
  type ConsulConnection,
} from '../../src/main/services/consul'
import {
  createTlsMaterial,
  startConsulAgent,
  type ConsulAgent,
  type TlsMaterial,
} from '../support/consul-agent'

const over = (agent: ConsulAgent, tls: Partial<TlsSettings>): ConsulConnection => ({
  name: 'tls',
  settings: { address: agent.httpsAddr as string, useTls: false, tls: { insecureSkipVerify: false, ...tls } },
  token: agent.token,
})

async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; hint?: string; details?: Record<string, unknown> }> {
  try {
    await promise
  } catch (error) {
    return error as { code: string; message: string }
  }
  throw new Error('expected a failure')
}

describe('a TLS-enabled agent', () => {
  let material: TlsMaterial
  let agent: ConsulAgent

  beforeAll(async () => {
    material = await createTlsMaterial()
    agent = await startConsulAgent({ tls: { material } })
  })
  afterAll(async () => {
    await agent?.stop()
  })

  it('is reached with the right CA, and a snapshot saves over HTTPS', async () => {
    const connection = over(agent, { caFile: material.caFile })
    const result = await testConnection(connection)
    expect(result.endpoint).toMatch(/^https:/)
    expect(result.leader).not.toBeNull()
    expect(result.snapshotPermission.answer).toBe('yes')
    const dir = await mkdtemp(join(tmpdir(), 'ss-it-tls-'))
    const saved = await saveSnapshot({ connection, destinationDir: dir }, { verify: verifyWithEngine })
    expect(saved.size).toBeGreaterThan(0)
  })

  it('accepts the CA as a directory (-ca-path) too', async () => {
    const result = await testConnection(over(agent, { caPath: material.dir }))
    expect(result.leader).not.toBeNull()
  })

  it('refuses an unknown CA with a message that names the CA setting', async () => {
    const error = await failure(testConnection(over(agent, { caFile: material.otherCaFile })))
    expect(error.code).toBe('CONSUL_TLS')
    expect(error.details?.reason).toBe('unknown-ca')
    expect(error.message).toMatch(/signed by a CA this connection does not trust/)
    expect(error.hint).toMatch(/CONSUL_CACERT/)
  })

  it('refuses a server name the certificate does not carry, and accepts server.dc1.consul with a :port suffix', async () => {
    const wrong = await failure(
      testConnection(over(agent, { caFile: material.caFile, serverName: 'consul.example.com' })),
    )
    expect(wrong.code).toBe('CONSUL_TLS')
    expect(wrong.details?.reason).toBe('hostname-mismatch')
    const right = await testConnection(
      over(agent, { caFile: material.caFile, serverName: 'server.dc1.consul:8501' }),
    )
    expect(right.leader).not.toBeNull()
  })

  it('says the port does not speak TLS when https meets the plain HTTP port', async () => {
    const connection = over(agent, { caFile: material.caFile })
    connection.settings.address = agent.httpAddr.replace('http://', 'https://')
    const error = await failure(testConnection(connection))
    expect(error.code).toBe('CONSUL_TLS')
    expect(error.details?.reason).toBe('not-tls')
  })
})

describe('an agent that requires client certificates (verify_incoming)', () => {
  let material: TlsMaterial
  let agent: ConsulAgent

  beforeAll(async () => {
    material = await createTlsMaterial()
    agent = await startConsulAgent({ tls: { material, verifyIncoming: true } })
  })
  afterAll(async () => {
    await agent?.stop()
  })

  it('refuses a connection without a client certificate and says one is needed', async () => {
    const error = await failure(testConnection(over(agent, { caFile: material.caFile })))
    expect(error.code).toBe('CONSUL_TLS')
    expect(error.details?.reason).toBe('client-cert-required')
    expect(error.hint).toMatch(/client certificate/)
  })

  it('connects with the client certificate and key', async () => {
    const result = await testConnection(
      over(agent, {
        caFile: material.caFile,
        clientCertFile: material.clientCertFile,
        clientKeyFile: material.clientKeyFile,
      }),
    )
    expect(result.leader).not.toBeNull()
  })
})
