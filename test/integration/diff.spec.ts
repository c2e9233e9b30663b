// Diff against a real Consul: a cluster holding every kind of record is saved, then changed
// through the HTTP API in known ways — one or more of every kind the comparison covers — and
// saved again. The comparison of the two files gives exactly those changes and nothing else
// (raft indexes, hashes, coordinates and anti-entropy churn stay out), secrets never appear in
// its output, and `diff -live` sees a key changed through the API after the second save.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli/run-cli'
import { compareWithLive, SnapshotComparison } from '../../src/main/services/diff'
import type { ChangeWire } from '../../src/shared/diff-wire-types'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { populateEveryRecordKind, type PopulatedManifest } from '../support/consul-populate'

let workDir: string
let agent: ConsulAgent
let manifest: PopulatedManifest
let before: string
let after: string
const NEW_SECRET = '3c2b1a09-8f7e-4d6c-9b5a-4a3b2c1d0e0f'

async function api(method: string, route: string, body?: unknown): Promise<unknown> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  const res = await fetch(`${agent.httpAddr}${route}`, {
    method,
    headers: { 'X-Consul-Token': agent.token },
    ...(payload === undefined ? {} : { body: payload }),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status}: ${text}`)
  return text === '' ? undefined : (JSON.parse(text) as unknown)
}

async function save(name: string): Promise<string> {
  const file = path.join(workDir, name)
  const saved = await runConsul([
    'snapshot',
    'save',
    `-http-addr=${agent.httpAddr}`,
    `-token=${agent.token}`,
    file,
  ])
  if (saved.code !== 0) throw new Error(`consul snapshot save failed: ${saved.stderr}`)
  return file
}

const byName = <T extends { name: string }>(list: T[], name: string): T => {
  const found = list.find((x) => x.name === name)
  if (found === undefined) throw new Error(`populate wrote no ${name}`)
  return found
}

/**
 * A snapshot the live cluster still equals when it is compared: the agent re-syncs its sidecar
 * proxy from config entries a moment after they are written (anti-entropy), a real change that
 * must not land between two snapshots a spec means to differ only by what it did.
 */
async function settledSnapshot(name: string): Promise<string> {
  for (let attempt = 0; attempt < 30; attempt++) {
    const candidate = await save(`${name}-${attempt}.snap`)
    const check = await compareWithLive(
      candidate,
      async (folder) => save(path.relative(workDir, path.join(folder, 'live.snap'))),
      { liveLabel: 'live', spillDir: workDir },
    )
    const same = check.summary().total === 0
    await check.close()
    if (same) return candidate
  }
  throw new Error('the cluster never settled')
}

/**
 * The agent writes web-1's sidecar to the catalog before it has resolved proxy-defaults (written
 * by the populate step) and again, merged, some seconds later. A snapshot that matched the live
 * cluster in between still saw that second write land later, so wait for the merged one.
 *
 * The sidecar's own checks (a TCP probe of a proxy that never runs, and an alias of web-1) are
 * registered with no output and get one on their first run, up to an interval later. That write
 * is a real catalog change too, so wait until every one of them has run; the agent is started
 * with `check_update_interval = "0s"` so the output reaches the catalog when the check runs.
 */
async function untilSidecarResolved(): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const entries = (await api('GET', '/v1/catalog/service/web-sidecar-proxy')) as Array<{
      ServiceID: string
      ServiceProxy?: { MeshGateway?: { Mode?: string }; Config?: Record<string, unknown> }
    }>
    const sidecar = entries.find((entry) => entry.ServiceID === 'web-1-sidecar-proxy')
    const checks = (await api('GET', '/v1/health/checks/web-sidecar-proxy')) as Array<{
      ServiceID: string
      Output: string
    }>
    const ownChecks = checks.filter((check) => check.ServiceID === 'web-1-sidecar-proxy')
    if (
      sidecar?.ServiceProxy?.MeshGateway?.Mode === 'local' &&
      sidecar.ServiceProxy.Config?.protocol === 'http' &&
      ownChecks.length > 0 &&
      ownChecks.every((check) => check.Output !== '')
    )
      return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(
    "web-1's sidecar never took the proxy-defaults the populate step wrote, or its checks never ran",
  )
}

/** One change of every kind, through the API as an operator would make it. */
async function changeEveryKind(): Promise<void> {
  // KV: a value, flags alone, a lock released (session), a key deleted, a key added.
  await api('PUT', '/v1/kv/app/config/name', 'renamed')
  await api('PUT', '/v1/kv/app/feature-flags/dark-mode?flags=43', 'on')
  const leader = manifest.kv.find((e) => e.key === 'locks/leader')
  await api('PUT', `/v1/kv/locks/leader?release=${leader?.session ?? ''}`, 'node-a')
  await api('DELETE', '/v1/kv/top-level-key')
  await api('PUT', '/v1/kv/diff/new', 'fresh')

  // Catalog: a node added, a service's port and a check's status changed (the node left alone).
  await api('PUT', '/v1/catalog/register', { Node: 'diff-node', Address: '10.9.9.9' })
  await api('PUT', '/v1/catalog/register', {
    Node: 'ext-cache-1',
    Address: '10.0.0.21',
    SkipNodeUpdate: true,
    Service: {
      ID: 'redis-1',
      Service: 'redis',
      Port: 6380,
      Tags: ['cache'],
      Meta: {},
      Address: '10.0.0.21',
      Weights: { Passing: 10, Warning: 1 },
    },
  })
  await api('PUT', '/v1/catalog/register', {
    Node: 'ext-bare-1',
    Address: '2001:db8::1',
    SkipNodeUpdate: true,
    Check: { CheckID: 'node-health', Name: 'Node health', Status: 'critical', Notes: 'external monitor' },
  })

  // A session destroyed, a prepared query deleted.
  await api('PUT', `/v1/session/destroy/${byName(manifest.sessions, 'no-checks').id}`)
  await api('DELETE', `/v1/query/${byName(manifest.preparedQueries, 'geo-').id}`)

  // ACL: a token's description; another token's secret (recreated with the same accessor);
  // a policy's rules; a role's description; an auth method's display name; a binding rule's description.
  const reader = manifest.aclTokens.find((t) => t.description === 'app reader')
  await api('PUT', `/v1/acl/token/${reader?.accessorId ?? ''}`, {
    Description: 'app reader v2',
    Policies: [{ Name: 'kv-read' }],
  })
  const fixed = manifest.aclTokens.find((t) => t.description === 'fixed ids')
  await api('DELETE', `/v1/acl/token/${fixed?.accessorId ?? ''}`)
  await api('PUT', '/v1/acl/token', {
    Description: 'fixed ids',
    AccessorID: fixed?.accessorId,
    SecretID: NEW_SECRET,
    Policies: [{ Name: 'kv-read' }],
  })
  const policy = byName(manifest.aclPolicies, 'dc-scoped')
  await api('PUT', `/v1/acl/policy/${policy.id}`, {
    Name: 'dc-scoped',
    Description: 'only here',
    Rules: 'node_prefix "" { policy = "write" }',
    Datacenters: [agent.datacenter],
  })
  const role = byName(manifest.aclRoles, 'reader')
  await api('PUT', `/v1/acl/role/${role.id}`, {
    Name: 'reader',
    Description: 'reads config, v2',
    Policies: [{ ID: byName(manifest.aclPolicies, 'kv-read').id }],
  })
  const method = (await api('GET', '/v1/acl/auth-method/ci-jwt')) as Record<string, unknown>
  await api('PUT', '/v1/acl/auth-method/ci-jwt', { ...method, DisplayName: 'CI pipelines v2' })
  const ruleId = manifest.bindingRules[0]?.id ?? ''
  const rule = (await api('GET', `/v1/acl/binding-rule/${ruleId}`)) as Record<string, unknown>
  await api('PUT', `/v1/acl/binding-rule/${ruleId}`, { ...rule, Description: 'services by claim, v2' })

  // A config entry's meta changed, one added; an intention's action turned around.
  // (admin has no sidecar proxy: the agent re-syncs nothing from this entry.)
  await api('PUT', '/v1/config', {
    Kind: 'service-defaults',
    Name: 'admin',
    Protocol: 'http',
    Meta: { owner: 'ops' },
  })
  await api('PUT', '/v1/config', { Kind: 'service-defaults', Name: 'diff-svc', Protocol: 'tcp' })
  await api('PUT', '/v1/connect/intentions/exact?source=web&destination=api', {
    Action: 'deny',
    Description: 'web → api',
  })
}

/** [kind, op, identity, changed field paths] of every change, in the comparison's order. */
const outline = (changes: ChangeWire[]): [string, string, string, string[]][] =>
  changes.map((c) => [
    c.kind,
    c.op,
    c.kind === 'kv' ? c.key : c.id,
    c.kind === 'kv' ? c.fields : c.fields.map((f) => f.path),
  ])

async function all(comparison: SnapshotComparison): Promise<ChangeWire[]> {
  const out: ChangeWire[] = []
  for await (const change of comparison.allChanges()) out.push(change)
  return out
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'diff-it-'))
  // When a check's status stays the same, Consul holds its new output back and writes it to the
  // catalog minutes later (check_update_interval, 5m by default; seen here 112 s after start): a
  // change that would land between two snapshots this spec means to differ only by what it did.
  agent = await startConsulAgent({ extraConfig: 'check_update_interval = "0s"\n' })
  manifest = await populateEveryRecordKind(agent)
  await untilSidecarResolved()
  before = await settledSnapshot('before')
  await changeEveryKind()
  after = await save('after.snap')
})

afterAll(async () => {
  await agent?.stop()
  rmSync(workDir, { recursive: true, force: true })
})

describe('diff of two snapshots a real Consul wrote', () => {
  it('gives exactly the changes made through the API, of every kind, and nothing else', async () => {
    const spillDir = mkdtempSync(path.join(workDir, 'spill-'))
    const comparison = await SnapshotComparison.open(before, after, { spillDir })
    try {
      const changes = await all(comparison)
      const reader = manifest.aclTokens.find((t) => t.description === 'app reader')?.accessorId ?? ''
      const fixed = manifest.aclTokens.find((t) => t.description === 'fixed ids')?.accessorId ?? ''
      const tokens: [string, string, string, string[]][] = [
        ['acl-tokens', 'changed', reader, ['Description']],
        // Recreating a token is a new token under the old accessor: a new secret and a new CreateTime.
        ['acl-tokens', 'changed', fixed, ['CreateTime', 'SecretID']],
      ]
      tokens.sort((x, y) => (x[2] < y[2] ? -1 : 1))
      expect(outline(changes)).toEqual([
        ['kv', 'changed', 'app/config/name', ['value']],
        ['kv', 'changed', 'app/feature-flags/dark-mode', ['flags']],
        ['kv', 'added', 'diff/new', []],
        ['kv', 'changed', 'locks/leader', ['session']],
        ['kv', 'removed', 'top-level-key', []],
        ['nodes', 'added', 'diff-node', []],
        ['services', 'changed', 'ext-cache-1/redis-1', ['Port']],
        ['checks', 'changed', 'ext-bare-1/node-health', ['Status']],
        ['sessions', 'removed', byName(manifest.sessions, 'no-checks').id, []],
        ['prepared-queries', 'removed', byName(manifest.preparedQueries, 'geo-').id, []],
        ...tokens,
        ['acl-policies', 'changed', byName(manifest.aclPolicies, 'dc-scoped').id, ['Rules']],
        ['acl-roles', 'changed', byName(manifest.aclRoles, 'reader').id, ['Description']],
        ['acl-auth-methods', 'changed', 'ci-jwt', ['DisplayName']],
        ['acl-binding-rules', 'changed', manifest.bindingRules[0]?.id ?? '', ['Description']],
        ['config-entries', 'changed', 'service-defaults/admin', ['Meta']],
        ['config-entries', 'added', 'service-defaults/diff-svc', []],
        ['intentions', 'changed', 'web → api', ['Action']],
      ])
      const secret = changes.find((c) => c.kind === 'acl-tokens' && c.id === fixed)
      expect(secret).toMatchObject({ fields: [{ path: 'CreateTime' }, { path: 'SecretID', secret: true }] })
      const wire = JSON.stringify(changes)
      for (const token of manifest.aclTokens) expect(wire).not.toContain(token.secretId)
      expect(wire).not.toContain(NEW_SECRET)
      expect(changes.find((c) => c.kind === 'services')).toMatchObject({
        fields: [{ path: 'Port', before: 6379, after: 6380 }],
      })
    } finally {
      await comparison.close()
    }
    expect(readdirSync(spillDir)).toEqual([])
  })

  it('diff -live sees a key changed through the API since the last snapshot, and only that', async () => {
    const run = async (...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
      let stdout = ''
      let stderr = ''
      const code = await runCli(
        ['diff', '-live', `-http-addr=${agent.httpAddr}`, `-token=${agent.token}`, ...argv],
        {
          stdout: {
            write: (s: string | Uint8Array) =>
              (stdout += typeof s === 'string' ? s : Buffer.from(s).toString()),
          },
          stderr: { write: (s: string) => (stderr += s) },
          env: {},
          cwd: workDir,
        },
      )
      return { code, stdout, stderr }
    }
    const baseline = await settledSnapshot('settled')

    await api('PUT', '/v1/kv/app/config/json', JSON.stringify({ replicas: 5 }))
    const { code, stdout, stderr } = await run('-format', 'json', baseline)
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' })
    const doc = JSON.parse(stdout) as { right: { label: string }; changes: ChangeWire[] }
    expect(outline(doc.changes)).toEqual([['kv', 'changed', 'app/config/json', ['value']]])
    expect(doc.right.label).toBe(`live ${agent.httpAddr}`)
    // The fresh snapshot of the cluster went into a private temporary folder that is gone again.
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('snapshot-studio-live-'))).toEqual([])
  })
})
