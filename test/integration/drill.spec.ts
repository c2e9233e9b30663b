// The restore drill against a real Consul binary: a good backup of a populated ACL + Connect
// cluster passes; a backup Consul refuses to restore fails with Consul's reason; a backup whose
// content does not come back as the file says fails with the difference; the throw-away agent
// is gone afterwards on every path.
import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli/run-cli'
import { runDrill } from '../../src/main/services/drill/run-drill'
import { redactSnapshot } from '../../src/main/services/snapshot/redact/redact-snapshot'
import { findConsulBinary, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { populateEveryRecordKind } from '../support/consul-populate'
import {
  encodeRecord,
  insertBeforeChunkingState,
  packSnapshot,
  readSnapshotParts,
} from '../support/consul-snapshot-craft'
import { kvsRecord } from '../support/state-bin-writer'

const drillFolders = async (): Promise<string[]> =>
  (await readdir(tmpdir())).filter((name) => name.startsWith('snapshot-studio-drill-'))

describe('drill: does this backup really restore?', () => {
  let source: ConsulAgent
  let env: Record<string, string>
  let dir: string
  let good: string

  beforeAll(async () => {
    source = await startConsulAgent()
    await populateEveryRecordKind(source)
    env = { CONSUL_BIN: await findConsulBinary(), PATH: '' }
    dir = await mkdtemp(join(tmpdir(), 'ss-it-drill-'))
    good = join(dir, 'good.snap')
    const res = await fetch(`${source.httpAddr}/v1/snapshot`, { headers: { 'X-Consul-Token': source.token } })
    expect(res.status).toBe(200)
    await writeFile(good, Buffer.from(await res.arrayBuffer()))
  })
  afterAll(async () => {
    await source?.stop()
  })

  it('passes on a good backup, comparing every kind and every KV pair, and leaves no agent behind', async () => {
    const before = await drillFolders()
    const phases: string[] = []
    const result = await runDrill(good, { env, onPhase: (p) => phases.push(p) })
    expect(result.differences).toEqual([])
    expect(result.failure).toBeNull()
    expect(result.passed).toBe(true)
    const kinds = Object.fromEntries(result.counts.map((c) => [c.kind, c]))
    // Sessions are left out: the populated ones all live on the agent's own (membership) node.
    for (const kind of [
      'kv',
      'nodes',
      'services',
      'checks',
      'prepared-queries',
      'acl-tokens',
      'acl-policies',
    ])
      expect(kinds[kind]?.file, kind).toBeGreaterThan(0)
    expect(Object.keys(kinds).some((k) => k.startsWith('config-entries/'))).toBe(true)
    expect(phases).toEqual(['reading-file', 'starting-agent', 'restoring', 'reading-back', 'stopping-agent'])
    expect(await drillFolders()).toEqual(before)
  })

  it("fails with Consul's reason on a backup whose restore Consul refuses", async () => {
    // Type 37 has no name and no restorer: inspect lists it as Unknown(37), restore refuses it.
    const parts = await readSnapshotParts(good)
    const refused = join(dir, 'refused.snap')
    await writeFile(
      refused,
      await packSnapshot({
        meta: parts.meta,
        stateBin: insertBeforeChunkingState(parts.stateBin, [Buffer.from([37, 0x80])]),
      }),
    )
    const before = await drillFolders()
    const result = await runDrill(refused, { env })
    expect(result.passed).toBe(false)
    expect(result.failure?.message).toMatch(/Consul refused the restore: .*msg type 37/i)
    expect(await drillFolders()).toEqual(before)
  })

  it('fails, naming the difference, on a backup whose content does not come back as the file says', async () => {
    // Two entries for one key: Consul keeps the last, so the restored agent holds one key fewer
    // than the file lists.
    const parts = await readSnapshotParts(good)
    const twice = join(dir, 'twice.snap')
    const record = (value: string) => {
      const r = kvsRecord({ key: 'drill/twice', value })
      return encodeRecord(r.type, r.value)
    }
    await writeFile(
      twice,
      await packSnapshot({
        meta: parts.meta,
        stateBin: insertBeforeChunkingState(parts.stateBin, [record('first'), record('second')]),
      }),
    )
    const result = await runDrill(twice, { env })
    expect(result.passed).toBe(false)
    expect(result.failure).toBeNull()
    const kv = result.counts.find((c) => c.kind === 'kv')
    expect(kv && kv.file - kv.agent!).toBe(1)
    expect(result.differences).toEqual([
      { kind: 'kv', message: expect.stringMatching(/holds \d+, the restored agent \d+/) },
    ])
  })

  it('passes on a redacted copy, whose new management token it reads back with', async () => {
    const redacted = join(dir, 'redacted.snap')
    await redactSnapshot(good, redacted)
    const result = await runDrill(redacted, { env })
    expect(result.differences).toEqual([])
    expect(result.passed).toBe(true)
  })

  it('CLI: exit 0 on pass, 1 on a failing backup, 2 when no consul binary can be found', async () => {
    const err: string[] = []
    const out: string[] = []
    const io = (e: Record<string, string>) => ({
      stdout: { write: (c: string | Uint8Array) => out.push(String(c)) },
      stderr: { write: (c: string) => err.push(c) },
      env: e,
      cwd: dir,
    })
    expect(await runCli(['drill', 'good.snap'], io(env))).toBe(0)
    expect(out.join('')).toMatch(/^PASS/)
    out.length = 0
    expect(await runCli(['drill', 'refused.snap'], io(env))).toBe(1)
    expect(out.join('')).toMatch(/^FAIL[\s\S]*msg type 37/)
    expect(await runCli(['drill', 'good.snap'], io({ PATH: '' }))).toBe(2)
    expect(err.join('')).toMatch(/No consul binary was found/)
  })
})
