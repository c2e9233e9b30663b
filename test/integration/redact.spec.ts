// A redacted copy of a real Consul's snapshot (ACLs enforced, Connect CA on, every record kind):
// Consul's own inspect accepts it with the same record counts, no secret of the input is left in
// its bytes, and it restores into a dev agent that then answers with the copy's data.
import { randomUUID } from 'node:crypto'
import { stat, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli/run-cli'
import { decodeMsgpackValue, MsgpackBytes, readSnapshot } from '../../src/main/services/snapshot'
import { RecordSplitter } from '../../src/main/services/snapshot/record-splitter'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { populateEveryRecordKind, type PopulatedManifest } from '../support/consul-populate'

interface SecretsInFile {
  /** every token's SecretID, by AccessorID */
  tokens: Map<string, string>
  /** PEM private keys of CA roots and the provider state */
  caKeys: string[]
  kvCount: number
}

/** The secrets a snapshot holds, read from its records. */
async function secretsIn(file: string): Promise<SecretsInFile> {
  const found: SecretsInFile = { tokens: new Map(), caKeys: [], kvCount: 0 }
  const text = (v: unknown): string => (v instanceof MsgpackBytes ? v.text : '')
  await readSnapshot(
    file,
    new RecordSplitter({
      header: () => undefined,
      record: (type, value) => {
        if (type === 2) found.kvCount++
        if (type !== 17 && type !== 13 && type !== 14) return
        const record = decodeMsgpackValue(value).value as Record<string, unknown>
        if (type === 17) found.tokens.set(text(record['AccessorID']), text(record['SecretID']))
        const key = text(record[type === 13 ? 'SigningKey' : 'PrivateKey'])
        if (key !== '') found.caKeys.push(key)
      },
    }),
  )
  return found
}

function cliIo() {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    io: {
      stdout: { write: (c: string | Uint8Array) => out.push(String(c)) },
      stderr: { write: (c: string) => err.push(c) },
      env: {},
      cwd: '/',
    },
  }
}

const inspectCounts = async (file: string): Promise<Record<string, number>> => {
  const result = await runConsul(['snapshot', 'inspect', '-format=json', file])
  expect(result.code, result.stderr).toBe(0)
  const json = JSON.parse(result.stdout) as { Stats: Array<{ Name: string; Count: number }> }
  return Object.fromEntries(json.Stats.map((s) => [s.Name, s.Count]))
}

describe('redact: a copy without the keys to the cluster', () => {
  let source: ConsulAgent
  let target: ConsulAgent
  let manifest: PopulatedManifest
  let dir: string
  let input: string
  let output: string
  let secrets: SecretsInFile
  // An HTTP check that sends a bearer token with every probe, as monitoring endpoints often do.
  const checkBearer = `Bearer check-${randomUUID()}`
  let report: {
    blanked: Record<
      'acl-token-secret' | 'ca-signing-key' | 'ca-provider-private-key' | 'kv-value' | 'check-header',
      number
    >
    records: number
  }

  beforeAll(async () => {
    ;[source, target] = await Promise.all([startConsulAgent(), startConsulAgent()])
    manifest = await populateEveryRecordKind(source)
    const registered = await fetch(`${source.httpAddr}/v1/catalog/register`, {
      method: 'PUT',
      headers: { 'X-Consul-Token': source.token },
      body: JSON.stringify({
        Node: 'ext-monitor',
        Address: '10.9.9.9',
        Check: {
          CheckID: 'api-auth',
          Name: 'API with auth',
          Status: 'passing',
          Definition: {
            HTTP: 'https://10.9.9.9/health',
            Header: { Authorization: [checkBearer], 'X-Probe': ['monitor'] },
            Interval: '10s',
            Timeout: '1s',
          },
        },
      }),
    })
    expect(registered.status, await registered.text()).toBe(200)
    dir = await mkdtemp(join(tmpdir(), 'ss-it-redact-'))
    input = join(dir, 'input.snap')
    output = join(dir, 'redacted.snap')
    const res = await fetch(`${source.httpAddr}/v1/snapshot`, { headers: { 'X-Consul-Token': source.token } })
    expect(res.status).toBe(200)
    await writeFile(input, Buffer.from(await res.arrayBuffer()))
    secrets = await secretsIn(input)
    const { io, out, err } = cliIo()
    const code = await runCli(
      ['redact', '-format', 'json', '-kv-prefix', manifest.nestedPrefix, input, output],
      io,
    )
    expect(code, err.join('')).toBe(0)
    report = JSON.parse(out.join('')) as typeof report
  })
  afterAll(async () => {
    await Promise.all([source?.stop(), target?.stop()])
  })

  it('starts from an input that really holds secrets: tokens, the management token, the CA private key', () => {
    expect(secrets.tokens.get('00000000-0000-0000-0000-000000000002')).toBe('anonymous')
    expect([...secrets.tokens.values()]).toContain(source.token)
    for (const token of manifest.aclTokens) expect(secrets.tokens.get(token.accessorId)).toBe(token.secretId)
    expect(secrets.caKeys.length).toBeGreaterThan(0)
    for (const key of secrets.caKeys) expect(key).toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/)
  })

  it('empties health-check header values, the Authorization bearer with them, and reports them', async () => {
    expect(gunzipSync(await readFile(input)).indexOf(Buffer.from(checkBearer))).toBeGreaterThanOrEqual(0)
    const bytes = gunzipSync(await readFile(output))
    expect(bytes.indexOf(Buffer.from(checkBearer))).toBe(-1)
    expect(report.blanked['check-header']).toBe(2)
  })

  it('is accepted by consul snapshot inspect with every record count unchanged', async () => {
    expect(await inspectCounts(output)).toEqual(await inspectCounts(input))
  })

  it('holds no SecretID (but the public "anonymous") and no CA private key anywhere in its decompressed bytes', async () => {
    const bytes = gunzipSync(await readFile(output))
    const leaked = [...secrets.tokens.values()]
      .filter((s) => s !== 'anonymous')
      .concat(secrets.caKeys)
      .filter((secret) => bytes.indexOf(Buffer.from(secret)) >= 0)
    expect(leaked).toEqual([])
    // The private key material itself, not only its PEM framing, is gone.
    for (const key of secrets.caKeys) {
      const body = key.split('\n').find((line) => line.length > 40) as string
      expect(bytes.indexOf(Buffer.from(body))).toBe(-1)
    }
  })

  it('gives every token a new, distinct secret and reports what it replaced by kind', async () => {
    const after = await secretsIn(output)
    expect([...after.tokens.keys()].sort()).toEqual([...secrets.tokens.keys()].sort())
    const newSecrets = [...after.tokens.values()].filter((s) => s !== 'anonymous')
    expect(new Set(newSecrets).size).toBe(newSecrets.length)
    for (const s of newSecrets)
      expect(s).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(after.caKeys).toEqual([])
    expect(report.blanked['acl-token-secret']).toBe(secrets.tokens.size - 1)
    expect(report.blanked['ca-signing-key'] + report.blanked['ca-provider-private-key']).toBe(
      secrets.caKeys.length,
    )
    const nested = manifest.kv.filter((e) => e.key.startsWith(manifest.nestedPrefix) && e.value.length > 0)
    expect(nested.length).toBeGreaterThan(0)
    expect(report.blanked['kv-value']).toBe(nested.length)
    expect(after.kvCount).toBe(secrets.kvCount)
  })

  it('is created owner-only, and never over an existing file', async () => {
    expect((await stat(output)).mode & 0o777).toBe(0o600)
    const before = await readFile(output)
    const { io, err } = cliIo()
    expect(await runCli(['redact', input, output], io)).toBe(1)
    expect(err.join('')).toMatch(/already exists/)
    expect((await readFile(output)).equals(before)).toBe(true)
  })

  it('restores into a dev agent, which then knows only the new secrets and holds the redacted values', async () => {
    const restored = await fetch(`${target.httpAddr}/v1/snapshot`, {
      method: 'PUT',
      headers: { 'X-Consul-Token': target.token },
      body: await readFile(output),
    })
    expect(restored.status, await restored.text()).toBe(200)
    const after = await secretsIn(output)
    const managementAccessor = [...secrets.tokens].find(([, s]) => s === source.token)?.[0] as string
    const newManagement = after.tokens.get(managementAccessor) as string
    const read = (path: string, token: string) =>
      fetch(`${target.httpAddr}${path}`, { headers: { 'X-Consul-Token': token } })
    expect((await read('/v1/kv/?recurse', source.token)).status).toBe(403)
    const kv = await read('/v1/kv/?recurse', newManagement)
    expect(kv.status).toBe(200)
    const entries = (await kv.json()) as Array<{ Key: string; Value: string | null }>
    expect(entries.map((e) => e.Key).sort()).toEqual(manifest.kv.map((e) => e.key).sort())
    for (const e of entries.filter((e) => e.Key.startsWith(manifest.nestedPrefix)))
      expect(e.Value ?? '').toBe('')
    const kept = manifest.kv.find((e) => !e.key.startsWith(manifest.nestedPrefix) && e.value.length > 0)
    expect(kept).toBeDefined()
    const keptEntry = entries.find((e) => e.Key === kept?.key)
    expect(Buffer.from(keptEntry?.Value ?? '', 'base64')).toEqual(kept?.value)
  })
})
