// The catalogue against a snapshot a real Consul wrote: every key the populate step wrote reads
// back with the same bytes and flags, the catalog and ACL objects are all there with their
// secrets masked, and the KV export is byte for byte what `consul kv export` printed from the
// live agent just before the snapshot was taken.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kvExportCommand } from '../../src/main/cli/commands/kv-export'
import { openSnapshotCatalogue, type SnapshotCatalogue } from '../../src/main/services/snapshot/catalogue'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { populateEveryRecordKind, type PopulatedManifest } from '../support/consul-populate'

let workDir: string
let agent: ConsulAgent | undefined
let manifest: PopulatedManifest
let snapshotFile: string
let consulExport: Buffer
let consulPrefixExport: Buffer
let prefix: string
let catalogue: SnapshotCatalogue

async function exportBytes(options: { prefix?: string } = {}): Promise<Buffer> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  await catalogue.exportKv({ ...options, out })
  return Buffer.concat(chunks)
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'catalogue-it-'))
  agent = await startConsulAgent()
  manifest = await populateEveryRecordKind(agent)
  const auth = [`-http-addr=${agent.httpAddr}`, `-token=${agent.token}`]

  const exported = await runConsul(['kv', 'export', ...auth])
  if (exported.code !== 0) throw new Error(`consul kv export failed: ${exported.stderr}`)
  consulExport = exported.stdoutBytes
  prefix = manifest.nestedPrefix
  const exportedPrefix = await runConsul(['kv', 'export', ...auth, prefix])
  if (exportedPrefix.code !== 0)
    throw new Error(`consul kv export ${prefix} failed: ${exportedPrefix.stderr}`)
  consulPrefixExport = exportedPrefix.stdoutBytes

  snapshotFile = path.join(workDir, 'backup.snap')
  const save = await runConsul(['snapshot', 'save', ...auth, snapshotFile])
  if (save.code !== 0) throw new Error(`consul snapshot save failed: ${save.stderr}`)
  await agent.stop()
  agent = undefined

  catalogue = await openSnapshotCatalogue(snapshotFile, { spillDir: workDir })
})

afterAll(async () => {
  await catalogue?.close()
  await agent?.stop()
  rmSync(workDir, { recursive: true, force: true })
})

describe('catalogue of a snapshot saved by Consul', () => {
  it('holds every live key with its exact value, flags and lock session, and no deleted key', async () => {
    expect(manifest.kv.length).toBeGreaterThan(0)
    for (const entry of manifest.kv) {
      const got = await catalogue.kvGet(entry.key)
      expect({ key: got.key, flags: got.flags, size: got.size }).toEqual({
        key: entry.key,
        flags: entry.flags.toString(),
        size: entry.value.length,
      })
      expect(Buffer.from(got.value, 'base64').equals(entry.value)).toBe(true)
      if (entry.session !== undefined) expect(got.session).toBe(entry.session)
    }
    expect(catalogue.summary().kvKeys).toBe(manifest.kv.length)
    for (const key of manifest.deletedKeys)
      await expect(catalogue.kvGet(key)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('pages through the whole key space in key order', () => {
    const keys: string[] = []
    for (let start = 0; ; start += 7) {
      const page = catalogue.kvRange({ start, limit: 7 })
      keys.push(...page.entries.map((e) => e.key))
      if (start + 7 >= page.total) break
    }
    expect(keys).toEqual(manifest.kv.map((e) => e.key))
  })

  it('lists the catalog nodes with their services and checks', async () => {
    const { nodes } = await catalogue.nodes({ limit: 1000 })
    for (const expected of manifest.catalogNodes) {
      const node = nodes.find((n) => n.node === expected.node)
      expect(node, expected.node).toBeDefined()
      expect(node?.address).toBe(expected.address)
      const services = (node?.services ?? []).map((s) => (s as { Service: string }).Service)
      expect(services).toEqual(expect.arrayContaining(expected.services))
      const checks = (node?.checks ?? []).map((c) => (c as { CheckID: string }).CheckID)
      expect(checks).toEqual(expect.arrayContaining(expected.checks))
    }
    const allServices = nodes.flatMap((n) => n.services.map((s) => (s as { Service: string }).Service))
    expect(allServices).toEqual(expect.arrayContaining(manifest.services))
  })

  it('lists sessions, prepared queries and ACL objects by their IDs', async () => {
    const sessions = (await catalogue.sessions()).map((s) => (s as { ID: string }).ID)
    expect(sessions).toEqual(expect.arrayContaining(manifest.sessions.map((s) => s.id)))
    const queries = (await catalogue.preparedQueries()).map((q) => (q as { ID: string }).ID)
    expect(queries).toEqual(expect.arrayContaining(manifest.preparedQueries.map((q) => q.id)))
    const acl = await catalogue.acl()
    expect(acl.tokens.map((t) => (t as { AccessorID: string }).AccessorID)).toEqual(
      expect.arrayContaining(manifest.aclTokens.map((t) => t.accessorId)),
    )
    expect(acl.policies.map((p) => (p as { ID: string }).ID)).toEqual(
      expect.arrayContaining(manifest.aclPolicies.map((p) => p.id)),
    )
    expect(acl.roles.map((r) => (r as { ID: string }).ID)).toEqual(
      expect.arrayContaining(manifest.aclRoles.map((r) => r.id)),
    )
    expect(acl.authMethods.map((m) => (m as { Name: string }).Name)).toEqual(
      expect.arrayContaining(manifest.authMethods.map((m) => m.name)),
    )
    expect(acl.bindingRules.map((b) => (b as { ID: string }).ID)).toEqual(
      expect.arrayContaining(manifest.bindingRules.map((b) => b.id)),
    )
  })

  it('masks every token secret, including the management token, unless revealed', async () => {
    const masked = JSON.stringify(await catalogue.acl())
    const secrets = [...manifest.aclTokens.map((t) => t.secretId), agent?.token ?? '']
    for (const secret of secrets.filter((s) => s !== '')) expect(masked).not.toContain(secret)
    const everything = JSON.stringify([
      await catalogue.nodes({ limit: 1000 }),
      await catalogue.preparedQueries(),
      await catalogue.systemMetadata(),
      await catalogue.configEntries(),
    ])
    for (const secret of secrets.filter((s) => s !== '')) expect(everything).not.toContain(secret)
    const revealed = JSON.stringify(await catalogue.acl({ reveal: true }))
    for (const token of manifest.aclTokens) expect(revealed).toContain(token.secretId)
  })

  it('lists the config entries and intentions that were written', async () => {
    const entries = (await catalogue.configEntries()).map((e) => `${e.kind}/${e.name}`)
    expect(entries).toEqual(expect.arrayContaining(manifest.configEntries.map((e) => `${e.kind}/${e.name}`)))
    const intentions = (await catalogue.intentions()).map((i) => ({
      source: i.source,
      destination: i.destination,
      action: i.action,
    }))
    expect(intentions).toEqual(expect.arrayContaining(manifest.intentions))
  })

  it('exports KV byte for byte like consul kv export did on the live agent', async () => {
    const ours = await exportBytes()
    expect(ours.toString('utf8')).toBe(consulExport.toString('utf8'))
    expect(ours.equals(consulExport)).toBe(true)
  })

  it('exports a prefix byte for byte like consul kv export PREFIX', async () => {
    expect((await exportBytes({ prefix })).equals(consulPrefixExport)).toBe(true)
  })

  it('prints the same bytes from the kv-export command', async () => {
    let stdout = ''
    const code = await kvExportCommand.run([snapshotFile], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: () => true },
      env: {},
      cwd: workDir,
    })
    expect(code).toBe(0)
    expect(Buffer.from(stdout, 'utf8').equals(consulExport)).toBe(true)
  })
})
