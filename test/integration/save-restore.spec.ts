// Save and restore against real Consul agents: a cluster holding every kind of record is saved,
// verified, restored into a fresh cluster, and the fresh cluster answers with the original data.
import { spawn } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, open, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli/run-cli'
import type { ConsulConnection, VerifySnapshot } from '../../src/main/services/consul'
import {
  preflightRestore,
  restoreSnapshot,
  saveSnapshot,
  verifyStreamWithEngine,
  verifyWithEngine,
  verifyWrittenFileWithEngine,
} from '../../src/main/services/consul'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { populateEveryRecordKind, type PopulatedManifest } from '../support/consul-populate'
import { insertBeforeChunkingState, packSnapshot, readSnapshotParts } from '../support/consul-snapshot-craft'
import { cliScript } from '../support/snapshot-agent-process'
import { ensureFreshBuild } from '../unit/build/ensure-fresh-build'

const recorder = join(__dirname, '..', 'support', 'record-loaded-packages.cjs')

const connectionTo = (agent: ConsulAgent, name = 'source'): ConsulConnection => ({
  name,
  settings: { address: agent.httpAddr, useTls: false, tls: { insecureSkipVerify: false } },
  token: agent.token,
})

async function get<T>(
  agent: ConsulAgent,
  path: string,
  token = agent.token,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${agent.httpAddr}${path}`, { headers: { 'X-Consul-Token': token } })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T }
}

const health = { pollMs: 200, timeoutMs: 60_000 }

describe('save and restore with a real Consul', () => {
  let source: ConsulAgent
  let target: ConsulAgent
  let manifest: PopulatedManifest
  let dir: string
  let savedPath: string

  beforeAll(async () => {
    ;[source, target] = await Promise.all([
      startConsulAgent({ datacenter: 'dc1' }),
      startConsulAgent({ datacenter: 'dc1' }),
    ])
    // Returns once every kind of record, batched coordinates included, has reached raft.
    manifest = await populateEveryRecordKind(source)
    dir = await mkdtemp(join(tmpdir(), 'ss-it-save-'))
  })
  afterAll(async () => {
    await Promise.all([source?.stop(), target?.stop()])
  })

  it('saves a verified snapshot holding every kind of record, named from the template, with a sidecar', async () => {
    const phases = new Set<string>()
    const result = await saveSnapshot(
      {
        connection: connectionTo(source, 'prod'),
        destinationDir: dir,
        onProgress: (p) => phases.add(p.phase),
      },
      { verify: verifyWithEngine, verifyWrittenFile: verifyWrittenFileWithEngine },
    )
    savedPath = result.path

    expect(result.path).toMatch(/prod-dc1-1\.14\.8-\d+-\d{8}T\d{6}Z\.snap$/)
    expect(result).toMatchObject({ consulVersion: '1.14.8', datacenter: 'dc1', knownLeader: true })
    expect(result.index).toBeGreaterThan(0)
    expect([...phases]).toEqual(['requesting', 'downloading', 'verifying', 'finishing'])
    expect((await readdir(dir)).sort()).toEqual(
      [`${result.path.split('/').pop()}`, `${result.path.split('/').pop()}.json`].sort(),
    )
    // Consul itself accepts the file and sees the same index.
    const inspected = await runConsul(['snapshot', 'inspect', '-format', 'json', result.path])
    expect(inspected.code).toBe(0)
    const consulView = JSON.parse(inspected.stdout) as { Meta: { Index: number }; Stats: { Name: string }[] }
    expect(consulView.Meta.Index).toBe(result.index)
    const types = consulView.Stats.map((s) => s.Name)
    for (const kind of [
      'KVS',
      'Register',
      'Session',
      'ACLToken',
      'ACLPolicy',
      'ACLRole',
      'ACLAuthMethod',
      'ACLBindingRule',
      'PreparedQuery',
      'ConfigEntry',
      'Autopilot',
      'Tombstone',
      'CoordinateBatchUpdate',
    ]) {
      expect(types).toContain(kind)
    }
  })

  it('previews the restore: the file\u2019s contents, the target, and no blockers for a same-version cluster', async () => {
    const preflight = await preflightRestore(
      { connection: connectionTo(target, 'target'), path: savedPath },
      { verify: verifyWithEngine },
    )
    expect(preflight.blockers).toEqual([])
    // The servers registered inside the file say which Consul wrote it; that wins over the sidecar.
    expect(preflight.file).toMatchObject({
      consulVersion: '1.14.8',
      consulVersionSource: 'snapshot',
      datacenter: 'dc1',
    })
    expect(preflight.file.stats.find((s) => s.name === 'KVS')?.count).toBeGreaterThan(0)
    expect(preflight.target).toMatchObject({ consulVersion: '1.14.8', datacenter: 'dc1' })
    expect(preflight.target.leader).toMatch(/:\d+$/)
    expect(preflight.warnings.map((w) => w.code)).not.toContain('VERSION_NEWER_THAN_TARGET')
  })

  it('knows the Consul version of a copy without its sidecar or a version in its name, as browser mode uploads it', async () => {
    const uploaded = join(await mkdtemp(join(dir, 'upload-')), 'backup.snap')
    await copyFile(savedPath, uploaded)

    const preflight = await preflightRestore(
      { connection: connectionTo(target, 'target'), path: uploaded },
      { verify: verifyWithEngine },
    )

    expect(preflight.file).toMatchObject({
      consulVersion: '1.14.8',
      consulVersionSource: 'snapshot',
      datacenter: 'dc1',
    })
    expect(preflight.warnings.map((w) => w.code)).not.toContain('VERSION_UNKNOWN')
  })

  it('refuses a corrupt file before uploading anything, and the target keeps its data', async () => {
    await put(target, '/v1/kv/still-here', 'yes')
    const corrupt = join(dir, 'corrupt.snap')
    await copyFile(savedPath, corrupt)
    const handle = await open(corrupt, 'r+')
    const size = (await handle.stat()).size
    await handle.write(Buffer.from([0xde, 0xad, 0xbe, 0xef]), 0, 4, Math.floor(size / 2))
    await handle.close()

    const error = await restoreSnapshot(
      { connection: connectionTo(target), path: corrupt, safetySnapshot: { enabled: false } },
      { verify: verifyWithEngine, health },
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: expect.stringMatching(/^SNAPSHOT_/) })
    expect((await get<{ Value: string }[]>(target, '/v1/kv/still-here')).status).toBe(200)
  })

  it('verifies while it uploads and stops before the last byte when the file turns out bad at its end: Consul keeps its state and keeps running', async () => {
    await put(target, '/v1/kv/still-here', 'yes')
    // A malformed last record with the checksums recomputed: Consul's own checks pass such an
    // archive, and its leader then dies decoding the record (snapshot spec, PUT /v1/snapshot).
    const parts = await readSnapshotParts(savedPath)
    const stateBin = insertBeforeChunkingState(parts.stateBin, [Buffer.from([3, 0xc1])])
    const badAtEnd = join(dir, 'bad-at-end.snap')
    await writeFile(badAtEnd, await packSnapshot({ meta: parts.meta, stateBin }))
    const fileNotReadApart: VerifySnapshot = () =>
      Promise.reject(new Error('the file was verified apart, not while it uploaded'))
    const uploaded: number[] = []

    const error = await restoreSnapshot(
      {
        connection: connectionTo(target),
        path: badAtEnd,
        safetySnapshot: { enabled: false },
        onProgress: (p) => p.phase === 'uploading' && uploaded.push(p.bytes),
      },
      { verify: fileNotReadApart, verifyStream: verifyStreamWithEngine, health },
    ).catch((e: unknown) => e)

    expect(error).toMatchObject({ code: 'SNAPSHOT_STATE_INVALID' })
    expect((error as Error).message).toMatch(/the cluster was not changed/)
    const size = (await stat(badAtEnd)).size
    expect(Math.max(...uploaded)).toBeGreaterThan(0)
    expect(Math.max(...uploaded)).toBeLessThan(size)
    expect((await get<string>(target, '/v1/status/leader')).body).toMatch(/:\d+$/)
    expect((await get<{ Value: string }[]>(target, '/v1/kv/still-here')).status).toBe(200)
  })

  it('restores into a fresh cluster after a safety snapshot, waits for it to be healthy, and the cluster answers with the original data', async () => {
    const safetyDir = await mkdtemp(join(tmpdir(), 'ss-it-safety-'))
    const phases = new Set<string>()
    const result = await restoreSnapshot(
      {
        connection: connectionTo(target, 'target'),
        path: savedPath,
        safetySnapshot: { enabled: true, destinationDir: safetyDir },
        onProgress: (p) => phases.add(p.phase),
      },
      { verify: verifyWithEngine, health },
    )
    expect([...phases]).toEqual(['verifying', 'safety-snapshot', 'uploading', 'waiting-for-cluster'])
    expect(result.health.healthy).toBe(true)
    expect(result.safetySnapshot?.path).toMatch(/before-restore\.snap$/)
    expect(await readdir(safetyDir)).toHaveLength(2)

    // The source's management token is in the snapshot, so it now works on the target.
    const reader = { ...target, token: source.token }
    const kv = await get<{ Key: string; Value: string | null; Flags: number }[]>(reader, '/v1/kv/?recurse')
    expect(kv.status).toBe(200)
    const restored = new Map(kv.body.map((e) => [e.Key, Buffer.from(e.Value ?? '', 'base64')]))
    for (const entry of manifest.kv)
      expect(restored.get(entry.key)?.equals(entry.value), entry.key).toBe(true)
    expect(restored.has('still-here')).toBe(false)

    const services = await get<Record<string, string[]>>(reader, '/v1/catalog/services')
    for (const name of manifest.catalogNodes.flatMap((n) => n.services))
      expect(Object.keys(services.body)).toContain(name)
    const policies = await get<{ Name: string }[]>(reader, '/v1/acl/policies')
    for (const policy of manifest.aclPolicies) expect(policies.body.map((p) => p.Name)).toContain(policy.name)
    const tokens = await get<{ AccessorID: string }[]>(reader, '/v1/acl/tokens')
    for (const token of manifest.aclTokens)
      expect(tokens.body.map((t) => t.AccessorID)).toContain(token.accessorId)
    const queries = await get<{ Name: string }[]>(reader, '/v1/query')
    for (const query of manifest.preparedQueries)
      expect(queries.body.map((q) => q.Name)).toContain(query.name)
    for (const entry of manifest.configEntries)
      expect(
        (await get(reader, `/v1/config/${entry.kind}/${entry.name}`)).status,
        `${entry.kind}/${entry.name}`,
      ).toBe(200)
    const sessions = await get<{ ID: string }[]>(reader, '/v1/session/list')
    for (const session of manifest.sessions) expect(sessions.body.map((s) => s.ID)).toContain(session.id)
  })

  it('round-trips through the command line with the Consul CLI\u2019s flags and messages', async () => {
    const out: string[] = []
    const err: string[] = []
    const io = {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      env: {},
      cwd: dir,
    }
    const flags = ['-http-addr', source.httpAddr, '-token', source.token]
    expect(await runCli(['save', 'cli.snap', ...flags], io), err.join('')).toBe(0)
    expect(out.join('')).toMatch(/^Saved and verified snapshot to index \d+\n/)
    // Where the time went: Consul's build (the wait for the first byte), then ours.
    expect(out.join('')).toMatch(
      /\nConsul built the snapshot in \d+\.\d\d s; downloading and verifying it took \d+\.\d\d s\.\n$/,
    )
    expect(await runCli(['save', 'cli.snap', ...flags], io)).toBe(1)
    expect(err.join('')).toMatch(/already exists/)

    out.length = 0
    const restoreFlags = ['-http-addr', target.httpAddr, '-token', source.token, '-safety-snapshot=false']
    const { Readable } = await import('node:stream')
    const declined = await runCli(['restore', 'cli.snap', ...restoreFlags], {
      ...io,
      stdin: Readable.from(['nope\n']),
    })
    expect(declined).toBe(1)
    expect(err.join('')).toMatch(/not confirmed/)
    expect(err.join('')).toContain("Type the target's datacenter name, dc1, exactly")

    // Where the safety snapshot goes is said before the question, so before anything is sent.
    out.length = 0
    const safetyDir = join(dir, 'safety')
    await mkdir(safetyDir)
    const withSafety = ['-http-addr', target.httpAddr, '-token', source.token, '-safety-dir', 'safety']
    const unconfirmed = await runCli(['restore', 'cli.snap', ...withSafety], {
      ...io,
      stdin: Readable.from(['nope\n']),
    })
    expect(unconfirmed).toBe(1)
    expect(out.join('')).toContain(
      `Safety: a snapshot of the target is saved in ${safetyDir} before the restore\n`,
    )
    expect(await readdir(safetyDir)).toEqual([])

    const confirmed = await runCli(['restore', 'cli.snap', ...withSafety], {
      ...io,
      stdin: Readable.from(['dc1\n']),
    })
    expect(confirmed, err.join('')).toBe(0)
    expect(out.join('')).toMatch(/Restored snapshot\n/)
    const [safetyFile] = (await readdir(safetyDir)).filter((name) => name.endsWith('.snap'))
    expect(out.join('')).toContain(`Safety snapshot: ${join(safetyDir, safetyFile ?? '?')}\n`)

    // -yes without a safety snapshot verifies while uploading; the file is still described.
    out.length = 0
    expect(await runCli(['restore', 'cli.snap', ...restoreFlags, '-yes'], io), err.join('')).toBe(0)
    expect(out.join('')).toMatch(/^File: .*cli\.snap\n[\s\S]*\nRestored snapshot\n/)
  })

  it('saves and restores a plain local file without loading the age library or any cloud SDK', async () => {
    // What a command loads is start-up time on every save and restore (curl is the yardstick);
    // decryption and stores are loaded only for files and addresses that need them.
    ensureFreshBuild()
    const record = join(dir, 'loaded-packages.txt')
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['-r', recorder, cliScript, ...args], {
          cwd: dir,
          env: { ...process.env, SNAPSHOT_STUDIO_LOADED_PACKAGES: record },
          stdio: ['ignore', 'ignore', 'pipe'],
        })
        let stderr = ''
        child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
        child.on('error', reject)
        child.on('close', (code) => resolve({ code, stderr }))
      })
    const flags = ['-http-addr', source.httpAddr, '-token', source.token]
    const saved = await run(['save', 'plain.snap', ...flags])
    expect(saved.code, saved.stderr).toBe(0)
    const restored = await run(['restore', 'plain.snap', ...flags, '-yes', '-safety-snapshot=false'])
    expect(restored.code, restored.stderr).toBe(0)

    const loaded = (await readFile(record, 'utf8')).split('\n').filter((name) => name !== '')
    // The recorder works: both commands loaded the HTTP client.
    expect(loaded.filter((name) => name === 'undici')).toHaveLength(2)
    expect(
      loaded.filter((name) => /^(age-encryption|@noble\/|@aws-sdk\/|@azure\/|@google-cloud\/)/.test(name)),
    ).toEqual([])
  })
})

async function put(agent: ConsulAgent, path: string, body: string): Promise<void> {
  const res = await fetch(`${agent.httpAddr}${path}`, {
    method: 'PUT',
    body,
    headers: { 'X-Consul-Token': agent.token },
  })
  await res.text()
  if (!res.ok) throw new Error(`PUT ${path} → ${res.status}`)
}
