// The engine's API (what the app's screens use) against a real Consul's snapshot: the numbers it
// returns are the numbers `consul snapshot inspect -format=json` prints, and its extras
// (integrity digests, per-record callbacks, progress, cancellation) describe the same file.
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inspectSnapshot, type ScannedRecord } from '../../src/main/services/snapshot'
import { AppError } from '../../src/shared/app-error'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { populateBulkKv, populateEveryRecordKind, type PopulatedManifest } from '../support/consul-populate'
import {
  encodeRecord,
  insertBeforeChunkingState,
  packSnapshot,
  readSnapshotParts,
  stateHeaderLength,
  type SnapshotParts,
} from '../support/consul-snapshot-craft'

interface ConsulJson {
  Meta: { ID: string; Size: number; Index: number; Term: number; Version: number }
  Stats: Array<{ Name: string; Sum: number; Count: number }>
  StatsKV: Array<{ Name: string; Sum: number; Count: number }> | null
  TotalSize: number
  TotalSizeKV: number
}

let workDir: string
let agent: ConsulAgent | undefined
let manifest: PopulatedManifest
let snapshot: string
let bulkSnapshot: string
let parts: SnapshotParts

async function consulJson(args: string[]): Promise<ConsulJson> {
  const result = await runConsul(['snapshot', 'inspect', '-format=json', ...args])
  if (result.code !== 0) throw new Error(`consul snapshot inspect failed: ${result.stderr}`)
  return JSON.parse(result.stdout) as ConsulJson
}

const asConsulRows = (rows: Array<{ name: string; sum: number; count: number }> | null) =>
  rows === null ? null : rows.map((r) => ({ Name: r.name, Sum: r.sum, Count: r.count }))

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'inspect-api-'))
  agent = await startConsulAgent()
  manifest = await populateEveryRecordKind(agent)
  snapshot = path.join(workDir, 'every-kind.snap')
  const save = await runConsul([
    'snapshot',
    'save',
    `-http-addr=${agent.httpAddr}`,
    `-token=${agent.token}`,
    snapshot,
  ])
  if (save.code !== 0) throw new Error(save.stderr)
  await populateBulkKv(agent, { keys: 4000, approxBytes: 4_000_000 })
  bulkSnapshot = path.join(workDir, 'bulk.snap')
  const bulkSave = await runConsul([
    'snapshot',
    'save',
    `-http-addr=${agent.httpAddr}`,
    `-token=${agent.token}`,
    bulkSnapshot,
  ])
  if (bulkSave.code !== 0) throw new Error(bulkSave.stderr)
  await agent.stop()
  agent = undefined
  parts = await readSnapshotParts(snapshot)
})

afterAll(async () => {
  await agent?.stop()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

describe('inspectSnapshot on a snapshot saved by a real Consul', () => {
  it('returns the statistics consul snapshot inspect prints', async () => {
    const ours = await inspectSnapshot(snapshot, { kvDetails: true, kvDepth: 2 })
    const theirs = await consulJson(['-kvdetails', snapshot])

    expect(asConsulRows(ours.stats)).toEqual(theirs.Stats)
    expect(asConsulRows(ours.kvStats)).toEqual(theirs.StatsKV)
    expect(ours.totalSize).toBe(theirs.TotalSize)
    expect(ours.totalSizeKV).toBe(theirs.TotalSizeKV)
    expect({
      ID: ours.meta.id,
      Size: Number(ours.meta.size),
      Index: Number(ours.meta.index),
      Term: Number(ours.meta.term),
      Version: ours.meta.version,
    }).toEqual(theirs.Meta)
  })

  it('applies kvDepth and kvFilter like consul does', async () => {
    const ours = await inspectSnapshot(snapshot, {
      kvDetails: true,
      kvDepth: 3,
      kvFilter: manifest.nestedPrefix,
    })
    const theirs = await consulJson([
      '-kvdetails',
      '-kvdepth=3',
      `-kvfilter=${manifest.nestedPrefix}`,
      snapshot,
    ])
    expect(asConsulRows(ours.kvStats)).toEqual(theirs.StatsKV)
    expect(ours.totalSizeKV).toBe(theirs.TotalSizeKV)
  })

  it('reports the archive as verified, with the digests of the bytes it holds', async () => {
    const ours = await inspectSnapshot(snapshot)
    const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
    expect(ours.integrity.verified).toBe(true)
    const byName = Object.fromEntries(ours.integrity.files.map((f) => [f.name, f]))
    expect(byName['meta.json']).toMatchObject({ expected: sha(parts.meta), actual: sha(parts.meta) })
    expect(byName['state.bin']).toMatchObject({ expected: sha(parts.stateBin), actual: sha(parts.stateBin) })
  })

  it('calls onRecord once per record, with sizes adding up to state.bin and the KV keys written', async () => {
    const records: ScannedRecord[] = []
    const ours = await inspectSnapshot(snapshot, { onRecord: (r) => records.push(r) })
    expect(records.reduce((n, r) => n + r.size, 0)).toBe(parts.stateBin.length)
    expect(records.reduce((n, r) => n + r.size, 0)).toBe(ours.totalSize)
    expect(records.at(-1)?.typeName).toBe('ChunkingState')
    const kvKeys = records.filter((r) => r.typeName === 'KVS').map((r) => r.key)
    expect(kvKeys).toEqual(manifest.kv.map((e) => e.key))
    const tombstones = records.filter((r) => r.typeName === 'Tombstone').map((r) => r.key)
    expect(tombstones.sort()).toEqual([...manifest.deletedKeys].sort())
    // Records sit back to back after the header, whose bytes inspect counts in the first record.
    expect(records[0]!.offset).toBe(stateHeaderLength(parts.stateBin))
    const ends = records.map((r, i) => (i === 0 ? r.size : r.offset + r.size))
    for (let i = 1; i < records.length; i++) expect(records[i]!.offset).toBe(ends[i - 1])
  })

  it('reads the FSM header index and no Enterprise types', async () => {
    const ours = await inspectSnapshot(snapshot)
    expect(ours.lastIndex).toBeGreaterThan(0n)
    expect(ours.lastIndex).toBeLessThanOrEqual(ours.meta.index)
    expect(ours.enterpriseTypes).toEqual([])
  })

  it('reports progress up to the whole file', async () => {
    const seen: number[] = []
    await inspectSnapshot(bulkSnapshot, { onProgress: (p) => seen.push(p.bytes) })
    const size = statSync(bulkSnapshot).size
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.at(-1)).toBe(size)
    expect(seen.every((v, i) => i === 0 || v >= seen[i - 1]!)).toBe(true)
  })

  it('stops with a CANCELLED error when its signal is aborted mid-read', async () => {
    const controller = new AbortController()
    const reading = inspectSnapshot(bulkSnapshot, {
      kvDetails: true,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    })
    await expect(reading).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === 'CANCELLED')
  })
})

describe('inspectSnapshot on records a v1.14 agent never writes', () => {
  it('lists Enterprise record types and names the newer CE ones', async () => {
    const stateBin = insertBeforeChunkingState(parts.stateBin, [
      encodeRecord(42, Buffer.alloc(100, 1)),
      encodeRecord(65, Buffer.alloc(100, 2)),
      encodeRecord(69, Buffer.alloc(200, 3)),
    ])
    const file = path.join(workDir, 'enterprise.snap')
    writeFileSync(file, await packSnapshot({ meta: parts.meta, stateBin }))

    const ours = await inspectSnapshot(file)
    expect(ours.enterpriseTypes).toEqual([65, 69])
    expect(ours.stats.map((s) => s.name)).toEqual(
      expect.arrayContaining(['Resource', 'Unknown(65)', 'Unknown(69)']),
    )
    expect(ours.totalSize).toBe(stateBin.length)
  })
})
