// A restore drill into a saved profile marked as a scratch cluster, against real Consul: a good
// backup is restored into that cluster (its state replaced), read back and passes, from the CLI
// and over the API; a profile without the mark is refused by both, and its cluster is untouched.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers } from '../../src/main/api/create-handlers'
import { createDispatcher } from '../../src/main/api/dispatcher'
import { runCli } from '../../src/main/cli/run-cli'
import { FileSecretStore } from '../../src/main/services/profiles/file-secret-store'
import { ProfileService } from '../../src/main/services/profiles/profile-service'
import { createFakeHostServices } from '../unit/api/fake-host-services'
import { startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { populateEveryRecordKind } from '../support/consul-populate'

const kv = async (agent: ConsulAgent, token: string, key: string, value?: string) => {
  const res = await fetch(`${agent.httpAddr}/v1/kv/${key}${value === undefined ? '?raw' : ''}`, {
    method: value === undefined ? 'GET' : 'PUT',
    body: value,
    headers: { 'X-Consul-Token': token },
  })
  return { status: res.status, text: await res.text() }
}

describe('drill into a scratch cluster', () => {
  let source: ConsulAgent
  let scratch: ConsulAgent
  let dir: string
  let profiles: ProfileService
  let stagingId: string
  const out: string[] = []
  const err: string[] = []
  const io = () => ({
    stdout: { write: (c: string | Uint8Array) => out.push(String(c)) },
    stderr: { write: (c: string) => err.push(c) },
    env: { SNAPSHOT_STUDIO_DATA_DIR: join(dir, 'data'), PATH: '' },
    cwd: dir,
  })
  const dispatcher = () => {
    const d = createDispatcher({
      host: 'browser',
      handlers: createHandlers(
        createFakeHostServices({
          sources: { resolve: async () => join(dir, 'good.snap') },
          drillTargets: { connectionFor: (id) => profiles.connectionFor(id) },
        }),
      ),
      progressIntervalMs: 0,
    })
    d.connect({ id: 'c1', send: () => undefined })
    return d
  }

  beforeAll(async () => {
    ;[source, scratch] = await Promise.all([startConsulAgent(), startConsulAgent()])
    await populateEveryRecordKind(source)
    expect((await kv(source, source.token, 'drill/planted', 'from-the-backup')).status).toBe(200)
    expect((await kv(scratch, scratch.token, 'scratch/only', 'before-the-drill')).status).toBe(200)
    dir = await mkdtemp(join(tmpdir(), 'ss-it-drill-scratch-'))
    const res = await fetch(`${source.httpAddr}/v1/snapshot`, { headers: { 'X-Consul-Token': source.token } })
    expect(res.status).toBe(200)
    await writeFile(join(dir, 'good.snap'), Buffer.from(await res.arrayBuffer()))
    const dataDir = join(dir, 'data')
    profiles = (
      await ProfileService.open({ dataDir, secrets: new FileSecretStore(join(dataDir, 'secrets.json')) })
    ).service
    const connection = { address: scratch.httpAddr, useTls: false, tls: { insecureSkipVerify: false } }
    const token = { kind: 'set' as const, value: scratch.token }
    const environment = { label: 'scratch', colour: 'grey' as const }
    await profiles.create({ name: 'drills', environment, scratchCluster: true, connection, token })
    stagingId = (await profiles.create({ name: 'staging', environment, connection, token })).id
  })
  afterAll(async () => {
    await Promise.all([source?.stop(), scratch?.stop()])
  })

  it('CLI: restores a good backup into the scratch profile, reads it back and passes; the cluster now holds the backup', async () => {
    out.length = 0
    const code = await runCli(['drill', '--profile', 'drills', 'good.snap'], io())
    expect(err.join('')).not.toMatch(/Error/)
    expect(out.join('')).toMatch(/^PASS {2}\(scratch cluster drills, consul /)
    expect(code).toBe(0)
    // The cluster re-created its configured initial management token on top of the file's
    // tokens; the drill knows it for the cluster's own.
    expect(out.join('')).toMatch(/re-created its configured initial management token/)
    // The cluster's state is the backup's now, its ACLs included.
    expect(await kv(scratch, source.token, 'drill/planted')).toEqual({ status: 200, text: 'from-the-backup' })
    expect((await kv(scratch, source.token, 'scratch/only')).status).toBe(404)
  })

  it("API: snapshot.drill into a scratch profile passes, and again once the restore took the profile's token away", async () => {
    // A management token made on the cluster now: the file's ACLs replace it at the first drill.
    const created = await fetch(`${scratch.httpAddr}/v1/acl/token`, {
      method: 'PUT',
      headers: { 'X-Consul-Token': source.token },
      body: JSON.stringify({ Policies: [{ ID: '00000000-0000-0000-0000-000000000001' }] }),
    })
    expect(created.status).toBe(200)
    const token = ((await created.json()) as { SecretID: string }).SecretID
    const { id } = await profiles.create({
      name: 'drills-api',
      environment: { label: 'scratch', colour: 'grey' },
      scratchCluster: true,
      connection: { address: scratch.httpAddr, useTls: false, tls: { insecureSkipVerify: false } },
      token: { kind: 'set', value: token },
    })
    const drill = (n: number) =>
      dispatcher().dispatch('c1', 'snapshot.drill', {
        operationId: `op-drill-scratch-${n}`,
        source: { kind: 'upload', uploadId: 'c'.repeat(32) },
        target: { kind: 'scratch-profile', profileId: id },
      })

    for (const [n, note] of [
      [1, null],
      [2, /refused the profile's token .* the file's management token restored it/],
    ] as const) {
      const reply = await drill(n)
      if (!reply.ok) throw new Error(`drill ${n} did not run: ${JSON.stringify(reply.error)}`)
      expect(reply.value).toMatchObject({
        passed: true,
        failure: null,
        differences: [],
        target: { kind: 'scratch-cluster', name: 'drills-api' },
      })
      const value = reply.value as { counts: Array<{ kind: string; file: number }>; notes: string[] }
      expect(value.counts.find((c) => c.kind === 'acl-tokens')?.file).toBeGreaterThan(0)
      if (note === null) expect(value.notes.join(' ')).not.toMatch(/refused the profile's token/)
      else expect(value.notes.join(' ')).toMatch(note)
    }
  })

  it('CLI and API refuse a profile not marked as a scratch cluster, say how to mark one, and leave its cluster untouched', async () => {
    expect((await kv(scratch, source.token, 'staging/marker', 'still-here')).status).toBe(200)
    err.length = 0
    expect(await runCli(['drill', '--profile', 'staging', 'good.snap'], io())).toBe(2)
    expect(err.join('')).toMatch(
      /"staging" is not marked as a scratch cluster.*Scratch cluster for restore drills/,
    )

    const reply = await dispatcher().dispatch('c1', 'snapshot.drill', {
      operationId: 'op-drill-scratch-2',
      source: { kind: 'upload', uploadId: 'c'.repeat(32) },
      target: { kind: 'scratch-profile', profileId: stagingId },
    })
    expect(reply.ok).toBe(false)
    if (!reply.ok) expect(reply.error).toMatchObject({ code: 'FORBIDDEN' })
    expect(await kv(scratch, source.token, 'staging/marker')).toEqual({ status: 200, text: 'still-here' })
  })
})
