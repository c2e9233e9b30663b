// Tokens and snapshots on a real ACL-enforcing agent: the connection test answers "may this token
// take snapshots?" before the operator tries, and a save with a token lacking acl:write is denied
// with a message that names the permission, leaving nothing on disk.
import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  restoreSnapshot,
  saveSnapshot,
  testConnection,
  verifyWithEngine,
  type ConsulConnection,
} from '../../src/main/services/consul'
import { runCli } from '../../src/main/cli/run-cli'
import { startConsulAgent, type ConsulAgent } from '../support/consul-agent'

describe('ACL permissions for snapshots', () => {
  let agent: ConsulAgent
  let readOnlyToken: string
  let aclWriteToken: string

  const withToken = (token: string): ConsulConnection => ({
    name: 'acl',
    settings: { address: agent.httpAddr, useTls: false, tls: { insecureSkipVerify: false } },
    token,
  })

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${agent.httpAddr}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'X-Consul-Token': agent.token },
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`)
    return JSON.parse(text) as T
  }

  async function tokenWithRules(name: string, rules: string): Promise<string> {
    const policy = await api<{ ID: string }>('PUT', '/v1/acl/policy', { Name: name, Rules: rules })
    const token = await api<{ SecretID: string }>('PUT', '/v1/acl/token', {
      Description: name,
      Policies: [{ ID: policy.ID }],
    })
    return token.SecretID
  }

  beforeAll(async () => {
    agent = await startConsulAgent()
    readOnlyToken = await tokenWithRules(
      'kv-reader',
      'key_prefix "" { policy = "read" }\nagent_prefix "" { policy = "read" }',
    )
    aclWriteToken = await tokenWithRules(
      'snapshot-taker',
      'acl = "write"\nagent_prefix "" { policy = "read" }',
    )
  })
  afterAll(async () => {
    await agent?.stop()
  })

  it('says yes for the management token', async () => {
    const result = await testConnection(withToken(agent.token))
    expect(result.snapshotPermission).toMatchObject({
      answer: 'yes',
      reason: expect.stringMatching(/global-management/),
    })
  })

  it('says yes for a token whose policy grants acl = "write", and that token saves', async () => {
    const result = await testConnection(withToken(aclWriteToken))
    expect(result.snapshotPermission.answer).toBe('yes')
    const dir = await mkdtemp(join(tmpdir(), 'ss-it-acl-'))
    await expect(
      saveSnapshot(
        { connection: withToken(aclWriteToken), destinationDir: dir },
        { verify: verifyWithEngine },
      ),
    ).resolves.toMatchObject({ index: expect.any(Number) })
  })

  it('says no, before trying, for a token without acl:write', async () => {
    const result = await testConnection(withToken(readOnlyToken))
    expect(result.snapshotPermission.answer).toBe('no')
    expect(result.agent?.version).toBe('1.14.8')
  })

  it('denies a save with that token, names acl = "write", and leaves nothing behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ss-it-acl-'))
    const error = await saveSnapshot(
      { connection: withToken(readOnlyToken), destinationDir: dir },
      { verify: verifyWithEngine },
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CONSUL_ACL_DENIED', hint: expect.stringMatching(/acl = "write"/) })
    expect(await readdir(dir)).toEqual([])
  })

  it('tells an unknown token apart', async () => {
    const result = await testConnection(withToken('00000000-1111-2222-3333-444444444444'))
    expect(result.snapshotPermission).toMatchObject({
      answer: 'no',
      reason: expect.stringMatching(/does not know this token/),
    })
  })

  it('denies a restore with that token without changing the cluster', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ss-it-acl-'))
    const saved = await saveSnapshot(
      { connection: withToken(agent.token), destinationDir: dir },
      { verify: verifyWithEngine },
    )
    const error = await restoreSnapshot(
      { connection: withToken(readOnlyToken), path: saved.path, safetySnapshot: { enabled: false } },
      { verify: verifyWithEngine },
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CONSUL_ACL_DENIED' })
  })

  it('answers the same question from the command line (status)', async () => {
    const out: string[] = []
    const io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: () => true },
      env: { CONSUL_HTTP_ADDR: agent.httpAddr, CONSUL_HTTP_TOKEN: readOnlyToken },
      cwd: '/',
    }
    expect(await runCli(['status'], io)).toBe(0)
    expect(out.join('')).toMatch(/Snapshots\s+no: /)
    expect(out.join('')).toMatch(/Version\s+1\.14\.8/)
  })
})
