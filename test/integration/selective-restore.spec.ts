// Selective restore against a real Consul: chosen keys of a saved snapshot go back into the live
// cluster through check-and-set transactions, and nothing else changes. The whole KV store is read
// before and after each step, so "nothing else" is checked, not assumed.
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { fetch } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createHandlers } from '../../src/main/api/create-handlers'
import type { ApiHandlers, HandledMethodName, MethodHandler } from '../../src/main/api/dispatcher'
import { runCli } from '../../src/main/cli/run-cli'
import { createHostServices, type HostServicesHandle } from '../../src/main/host/create-host-services'
import { createInProcessInspectRunner } from '../../src/main/host/workers/in-process-inspect-runner'
import { apiMethods, type RequestInput, type RequestOf, type ResponseOf } from '../../src/shared/api-contract'
import { createCataloguePort } from '../../src/main/host/workers/catalogue-port'
import type { ConsulConnection } from '../../src/main/services/consul'
import { saveSnapshot, verifyWithEngine } from '../../src/main/services/consul'
import { FileSecretStore } from '../../src/main/services/profiles/file-secret-store'
import { ProfileService } from '../../src/main/services/profiles/profile-service'
import {
  applyKvRestore,
  planKvRestore,
  planToWire,
  type KvRestorePlan,
} from '../../src/main/services/selective-restore/kv-restore'
import type { KvSelection } from '../../src/main/services/selective-restore/kv-selection'
import { catalogueKeySource } from '../../src/main/services/selective-restore/snapshot-key-source'
import { readUndoFile } from '../../src/main/services/selective-restore/undo-file'
import { startConsulAgent, type ConsulAgent } from '../support/consul-agent'

type Kv = Map<string, { value: string; flags: number }>

let agent: ConsulAgent
let dir: string
let snapshotPath: string
const catalogues = createCataloguePort()
let catalogueId: string

const connection = (protection?: ConsulConnection['protection']): ConsulConnection => ({
  name: 'it',
  settings: { address: agent.httpAddr, useTls: false, tls: { insecureSkipVerify: false } },
  token: agent.token,
  ...(protection ? { protection } : {}),
})

async function put(key: string, value: string | Buffer, flags = 0): Promise<void> {
  const res = await fetch(`${agent.httpAddr}/v1/kv/${key}?flags=${flags}`, {
    method: 'PUT',
    headers: { 'X-Consul-Token': agent.token },
    body: value,
  })
  expect((await res.text()).trim()).toBe('true')
}

async function del(prefix: string, recurse = false): Promise<void> {
  await fetch(`${agent.httpAddr}/v1/kv/${prefix}${recurse ? '?recurse' : ''}`, {
    method: 'DELETE',
    headers: { 'X-Consul-Token': agent.token },
  })
}

/** The whole KV store: key → value (base64) and flags. */
async function wholeKv(): Promise<Kv> {
  const res = await fetch(`${agent.httpAddr}/v1/kv/?recurse`, { headers: { 'X-Consul-Token': agent.token } })
  if (res.status === 404) return new Map()
  const rows = (await res.json()) as Array<{ Key: string; Value: string | null; Flags: number }>
  return new Map(rows.map((r) => [r.Key, { value: r.Value ?? '', flags: r.Flags }]))
}

/** Keys whose value or flags differ between two readings, or that exist in only one. */
function changedKeys(before: Kv, after: Kv): string[] {
  const keys = new Set([...before.keys(), ...after.keys()])
  return [...keys].filter((key) => JSON.stringify(before.get(key)) !== JSON.stringify(after.get(key))).sort()
}

const b64 = (text: string) => Buffer.from(text).toString('base64')

/** The snapshot's state, then reset before every case so each starts from the same drift. */
const snapshotKeys: Array<[string, string, number]> = [
  ['app/config/', '', 0],
  ['app/config/db', 'postgres://db-1', 0],
  ['app/config/cache', 'redis://cache-1', 7],
  ['app/config/same', 'unchanged', 0],
  ['app/feature/x', 'on', 0],
  ['other/keep', 'snapshot-era', 0],
]

async function driftFromSnapshot(): Promise<void> {
  await del('', true)
  for (const [key, value, flags] of snapshotKeys) await put(key, value, flags)
  await put('bin/blob', Buffer.from([0, 1, 2, 255]))
  // After the snapshot: values changed, a key deleted, one added, one outside the selection.
  await put('app/config/db', 'postgres://db-2')
  await del('app/config/cache')
  await put('app/config/extra', 'added later')
  await put('other/keep', 'live-era')
}

async function plan(selection: Partial<KvSelection>, protection?: ConsulConnection['protection']) {
  return planKvRestore(connection(protection), {
    kind: 'snapshot',
    keys: catalogueKeySource(catalogues, catalogueId),
    selection: { prefixes: [], keys: [], deleteMissing: false, ...selection },
  })
}

const undoPath = () => join(dir, `undo-${Math.random().toString(36).slice(2)}.json`)

beforeAll(async () => {
  agent = await startConsulAgent({ datacenter: 'dc1' })
  dir = await mkdtemp(join(tmpdir(), 'ss-it-keys-'))
  for (const [key, value, flags] of snapshotKeys) await put(key, value, flags)
  await put('bin/blob', Buffer.from([0, 1, 2, 255]))
  for (let i = 0; i < 150; i++) await put(`bulk/k${String(i).padStart(3, '0')}`, `value-${i}`)
  // Large enough that no transaction body can carry it: it goes alone, still check-and-set.
  await put('big/value', 'x'.repeat(450 * 1024))
  const saved = await saveSnapshot(
    { connection: connection(), destinationDir: dir },
    { verify: verifyWithEngine },
  )
  snapshotPath = saved.path
  const controller = new AbortController()
  catalogueId = (await catalogues.open(snapshotPath, { signal: controller.signal, onProgress: () => {} }))
    .catalogueId
}, 120_000)

afterAll(async () => {
  await catalogues.closeAll()
  await agent?.stop()
})

beforeEach(async () => {
  await driftFromSnapshot()
})

describe('selective restore of KV keys with a real Consul', () => {
  it('dry-runs exactly the creates, updates and deletes, with both values, and applies exactly those', async () => {
    const before = await wholeKv()
    const dryRun = await plan({ prefixes: ['app/config/'], deleteMissing: true })
    const wire = planToWire(dryRun)

    expect(wire.changes.map((c) => [c.action, c.key])).toEqual([
      ['create', 'app/config/cache'],
      ['update', 'app/config/db'],
      ['delete', 'app/config/extra'],
    ])
    expect(wire.unchanged).toBe(2) // the folder key and app/config/same
    const update = wire.changes[1]
    expect(update?.before).toMatchObject({ valueBase64: b64('postgres://db-2'), flags: '0' })
    expect(update?.before?.modifyIndex).toBeGreaterThan(0)
    expect(update?.after).toMatchObject({ valueBase64: b64('postgres://db-1') })
    expect(wire.changes[0]?.after).toMatchObject({ valueBase64: b64('redis://cache-1'), flags: '7' })
    expect(wire.target).toMatchObject({ datacenter: 'dc1', profileName: 'it' })
    expect(changedKeys(before, await wholeKv())).toEqual([]) // the dry run changed nothing

    const result = await applyKvRestore(dryRun, { undoPath: undoPath(), lossAcknowledged: false })

    expect(result).toMatchObject({ applied: 3, skipped: [], transactions: 1 })
    const after = await wholeKv()
    // Exactly the planned keys changed, each to the value the dry run showed.
    expect(changedKeys(before, after)).toEqual(wire.changes.map((c) => c.key).sort())
    for (const change of wire.changes)
      expect(after.get(change.key)).toEqual(
        change.after === null
          ? undefined
          : { value: change.after.valueBase64, flags: Number(change.after.flags) },
      )
  })

  it('skips and reports a key changed between the dry run and the apply, and leaves it out of the undo file', async () => {
    const dryRun = await plan({ prefixes: ['app/config/'], deleteMissing: true })
    await put('app/config/db', 'changed by someone else')
    const path = undoPath()

    const result = await applyKvRestore(dryRun, { undoPath: path, lossAcknowledged: false })

    expect(result.applied).toBe(2)
    expect(result.skipped).toEqual([
      { key: 'app/config/db', action: 'update', reason: expect.stringMatching(/index is stale/) },
    ])
    const after = await wholeKv()
    expect(after.get('app/config/db')?.value).toBe(b64('changed by someone else'))
    expect(after.get('app/config/cache')?.value).toBe(b64('redis://cache-1'))
    expect(after.has('app/config/extra')).toBe(false)
    expect([...(await readUndoFile(path)).wanted.keys()].sort()).toEqual([
      'app/config/cache',
      'app/config/extra',
    ])
  })

  it('writes an undo file before applying that brings the whole KV store back, applied with the same code', async () => {
    const before = await wholeKv()
    const path = undoPath()
    await applyKvRestore(await plan({ prefixes: ['app/'], keys: ['bin/blob'], deleteMissing: true }), {
      undoPath: path,
      lossAcknowledged: false,
    })
    expect(changedKeys(before, await wholeKv())).toEqual([
      'app/config/cache',
      'app/config/db',
      'app/config/extra',
    ])
    expect((await readFile(path, 'utf8')).length).toBeGreaterThan(0)

    const undo = await planKvRestore(connection(), {
      kind: 'undo',
      undo: await readUndoFile(path),
      prefixes: [],
    })
    expect(planToWire(undo).counts).toEqual({ create: 1, update: 1, delete: 1 })
    await applyKvRestore(undo, { undoPath: undoPath(), lossAcknowledged: false })

    expect(changedKeys(before, await wholeKv())).toEqual([])
  })

  it('lands a rewritten prefix where asked and leaves the original prefix alone', async () => {
    const before = await wholeKv()
    const dryRun = await plan({ prefixes: ['app/config/'], rewrite: { from: 'app/', to: 'restored/app/' } })
    expect(planToWire(dryRun).changes.map((c) => [c.action, c.key, c.sourceKey])).toEqual([
      ['create', 'restored/app/config/', 'app/config/'],
      ['create', 'restored/app/config/cache', 'app/config/cache'],
      ['create', 'restored/app/config/db', 'app/config/db'],
      ['create', 'restored/app/config/same', 'app/config/same'],
    ])

    await applyKvRestore(dryRun, { undoPath: undoPath(), lossAcknowledged: false })

    const after = await wholeKv()
    expect(changedKeys(before, after)).toEqual([
      'restored/app/config/',
      'restored/app/config/cache',
      'restored/app/config/db',
      'restored/app/config/same',
    ])
    expect(after.get('restored/app/config/cache')).toEqual({ value: b64('redis://cache-1'), flags: 7 })
    expect(after.get('restored/app/config/db')?.value).toBe(b64('postgres://db-1'))
  })

  it('splits work into transactions within Consul limits, a value too big for one going alone', async () => {
    await del('bulk/', true)
    await del('big/', true)
    const before = await wholeKv()
    const dryRun = await plan({ prefixes: ['bulk/', 'big/'] })
    expect(planToWire(dryRun).counts.create).toBe(151)

    const result = await applyKvRestore(dryRun, { undoPath: undoPath(), lossAcknowledged: false })

    // 150 small keys in 64 + 64 + 22, the 450 KiB value by itself.
    expect(result).toMatchObject({ applied: 151, skipped: [], transactions: 4 })
    const after = await wholeKv()
    expect(changedKeys(before, after)).toHaveLength(151)
    expect(after.get('bulk/k149')?.value).toBe(b64('value-149'))
    expect(Buffer.from(after.get('big/value')?.value ?? '', 'base64').length).toBe(450 * 1024)
  })

  it('refuses a read-only profile at the dry run and at the apply, and changes nothing', async () => {
    const before = await wholeKv()
    await expect(plan({ prefixes: ['app/'] }, 'read-only')).rejects.toMatchObject({ code: 'FORBIDDEN' })
    const dryRun: KvRestorePlan = await plan({ prefixes: ['app/'] })
    await expect(
      applyKvRestore(
        { ...dryRun, connection: connection('read-only') },
        { undoPath: undoPath(), lossAcknowledged: true },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(
      applyKvRestore(
        { ...dryRun, connection: connection('protected') },
        { undoPath: undoPath(), lossAcknowledged: false },
      ),
    ).rejects.toMatchObject({ code: 'RESTORE_REFUSED' })
    expect(changedKeys(before, await wholeKv())).toEqual([])
  })
})

describe('snapshot-studio restore-keys', () => {
  function io(stdin?: string) {
    const out: string[] = []
    const err: string[] = []
    return {
      out,
      err,
      io: {
        stdout: { write: (c: string | Uint8Array) => out.push(String(c)) },
        stderr: { write: (c: string) => err.push(c) },
        env: { SNAPSHOT_STUDIO_DATA_DIR: join(dir, 'data') },
        cwd: dir,
        ...(stdin !== undefined ? { stdin: Readable.from([stdin]) } : {}),
      },
    }
  }
  const flags = () => ['-http-addr', agent.httpAddr, '-token', agent.token]

  it('prints the dry run, applies on the typed datacenter name, and applies its undo file back', async () => {
    const before = await wholeKv()
    const dry = io()
    expect(
      await runCli(['restore-keys', ...flags(), '-prefix', 'app/config/', '-dry-run', snapshotPath], dry.io),
    ).toBe(0)
    expect(dry.out.join('')).toContain('Dry run: 1 to create, 1 to update, 0 to delete, 2 already equal')
    expect(dry.out.join('')).toContain('  ~ update app/config/db')
    expect(dry.out.join('')).toContain('      - "postgres://db-2"')
    expect(dry.out.join('')).toContain('      + "postgres://db-1"')
    expect(changedKeys(before, await wholeKv())).toEqual([])

    const declined = io('dc2\n')
    expect(
      await runCli(['restore-keys', ...flags(), '-prefix', 'app/config/', snapshotPath], declined.io),
    ).toBe(1)
    expect(declined.err.join('')).toMatch(/not confirmed; nothing was changed/)
    expect(changedKeys(before, await wholeKv())).toEqual([])

    const applied = io('dc1\n')
    const undo = join(dir, 'cli-undo.json')
    const args = ['restore-keys', ...flags(), '-prefix', 'app/config/', '-undo-out', undo, snapshotPath]
    expect(await runCli(args, applied.io), applied.err.join('')).toBe(0)
    expect(applied.out.join('')).toContain(`Undo file: ${undo}\n`)
    expect(applied.out.join('')).toContain('Applied 2 of 2 changes in 1 transactions')
    expect(changedKeys(before, await wholeKv())).toEqual(['app/config/cache', 'app/config/db'])

    const back = io()
    expect(
      await runCli(['restore-keys', ...flags(), '-confirm', 'dc1', undo], back.io),
      back.err.join(''),
    ).toBe(0)
    expect(changedKeys(before, await wholeKv())).toEqual([])
  })

  it('honours the protection level of --profile: read-only refuses before reading the file', async () => {
    const dataDir = join(dir, 'data')
    const { service } = await ProfileService.open({
      dataDir,
      secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
    })
    for (const [name, protection] of [
      ['archive', 'read-only'],
      ['prod', 'protected'],
    ] as const)
      if (!service.findByName(name))
        await service.create({
          name,
          protection,
          environment: { label: '', colour: 'grey' },
          connection: { address: agent.httpAddr, useTls: false, tls: { insecureSkipVerify: false } },
          token: { kind: 'set', value: agent.token },
        })
    const before = await wholeKv()

    const readOnly = io('dc1\n')
    const args = (profile: string) => [
      'restore-keys',
      '--profile',
      profile,
      '-prefix',
      'app/',
      '-confirm',
      'dc1',
    ]
    expect(await runCli([...args('archive'), snapshotPath], readOnly.io)).toBe(1)
    expect(readOnly.err.join('')).toMatch(/read-only: no selective restore reaches it/)
    const fullRestore = io('dc1\n')
    expect(await runCli(['restore', '--profile', 'archive', '-yes', snapshotPath], fullRestore.io)).toBe(1)
    expect(fullRestore.err.join('')).toMatch(/read-only: no restore reaches it/)

    const protectedDeclined = io('no\n')
    expect(await runCli([...args('prod'), snapshotPath], protectedDeclined.io)).toBe(1)
    expect(protectedDeclined.err.join('')).toMatch(/second confirmation/)
    const protectedYes = io()
    expect(await runCli(['restore', '--profile', 'prod', '-yes', snapshotPath], protectedYes.io)).toBe(1)
    expect(protectedYes.err.join('')).toMatch(/-yes cannot confirm/)
    expect(changedKeys(before, await wholeKv())).toEqual([])
  })
})

describe('the API (contract → handlers → host services)', () => {
  let host: HostServicesHandle
  let handlers: ApiHandlers
  let apiDir: string

  /** What a transport does: validate the request with the contract's schema, then call the handler. */
  async function call<M extends HandledMethodName>(
    method: M,
    input: RequestInput<M>,
  ): Promise<ResponseOf<M>> {
    const request = apiMethods[method].request.parse(input) as RequestOf<M>
    const context = {
      clientId: 'it',
      host: 'browser' as const,
      signal: new AbortController().signal,
      progress: () => {},
    }
    return (handlers[method] as MethodHandler<M>)(request, context)
  }

  beforeAll(async () => {
    apiDir = await mkdtemp(join(tmpdir(), 'ss-it-keys-api-'))
    host = await createHostServices({
      kind: 'browser',
      version: 'test',
      platform: process.platform,
      dataDir: join(apiDir, 'data'),
      env: {},
      defaultSaveFolder: apiDir,
      secrets: new FileSecretStore(join(apiDir, 'secrets.json')),
      inspect: createInProcessInspectRunner(),
      spillDir: apiDir,
    })
    handlers = createHandlers(host.services)
  })
  afterAll(async () => {
    await host?.dispose()
  })

  async function profile(name: string, protection: 'read-only' | 'normal' | 'protected') {
    return call('profiles.create', {
      input: {
        name,
        protection,
        environment: { label: '', colour: 'grey' },
        connection: { address: agent.httpAddr, useTls: false, tls: { insecureSkipVerify: false } },
        token: { kind: 'set', value: agent.token },
      },
    })
  }

  it('reaches no restore path with a read-only profile: full restore, its preflight, selective dry run', async () => {
    const before = await wholeKv()
    const archive = await profile('archive', 'read-only')
    const source = { kind: 'path' as const, path: snapshotPath }
    const opened = await call('snapshot.browse.open', { operationId: 'op-open-1', source })

    await expect(
      call('selectiveRestore.plan', {
        operationId: 'op-plan-ro',
        catalogueId: opened.catalogueId,
        profileId: archive.id,
        prefixes: ['app/'],
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(
      call('restore.preflight', { operationId: 'op-pre-ro', source, profileId: archive.id }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(
      call('restore.start', {
        operationId: 'op-res-ro',
        source,
        profileId: archive.id,
        confirmation: 'archive',
        safetySnapshot: true,
        acknowledgeLoss: true,
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect(changedKeys(before, await wholeKv())).toEqual([])
  })

  it('applies a dry run only with the typed profile name, and a protected profile only with the second confirmation', async () => {
    const before = await wholeKv()
    const prod = await profile('prod-api', 'protected')
    const opened = await call('snapshot.browse.open', {
      operationId: 'op-open-2',
      source: { kind: 'path', path: snapshotPath },
    })
    const dryRun = async () =>
      call('selectiveRestore.plan', {
        operationId: 'op-plan-ok',
        catalogueId: opened.catalogueId,
        profileId: prod.id,
        prefixes: ['app/config/'],
      })
    const first = await dryRun()
    expect(first.counts).toEqual({ create: 1, update: 1, delete: 0 })

    await expect(
      call('selectiveRestore.apply', {
        operationId: 'op-apply-1',
        planId: first.planId,
        confirmation: 'prod',
      }),
    ).rejects.toMatchObject({ code: 'RESTORE_REFUSED' })
    const second = await dryRun()
    await expect(
      call('selectiveRestore.apply', {
        operationId: 'op-apply-2',
        planId: second.planId,
        confirmation: 'prod-api',
      }),
    ).rejects.toMatchObject({
      code: 'RESTORE_REFUSED',
      message: expect.stringMatching(/second confirmation/),
    })
    expect(changedKeys(before, await wholeKv())).toEqual([])

    const third = await dryRun()
    const result = await call('selectiveRestore.apply', {
      operationId: 'op-apply-3',
      planId: third.planId,
      confirmation: 'prod-api',
      acknowledgeLoss: true,
    })
    expect(result).toMatchObject({ applied: 2, skipped: [] })
    expect(result.undoPath.startsWith(apiDir)).toBe(true)
    expect(changedKeys(before, await wholeKv())).toEqual(['app/config/cache', 'app/config/db'])
  })
})
