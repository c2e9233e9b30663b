import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { buildSnapshot, metaJson, snapshotTar } from '../../support/snapshot-builder'
import { readerVerdicts, type ReaderVerdicts } from '../../support/reader-verdicts'
import {
  buildStateBin,
  chunkingStateRecord,
  configEntryRecord,
  indexRecord,
  kvsRecord,
  registerNodeRecord,
  registerServiceRecord,
  sessionRecord,
  tombstoneRecord,
} from '../../support/state-bin-writer'

// Damaged snapshots at every layer, each read by every reader: inspect (statistics), kv-export
// and the catalogue behind the content browser. Whatever the damage, each settles (a result or a
// typed AppError, never a crash or a hang) and all three give ONE verdict: the same success or
// the same error. `npm run fuzz` runs the same properties with FUZZ_RUNS cases per layer and
// prints the counts.
const RUNS = Number(process.env.FUZZ_RUNS ?? 40)
// The long run asks how the readers answer, not how fast: on a busy machine ten thousand cases took
// longer than any budget set in advance (2,500 per layer at 400 ms each ran out), so it has none.
const TIMEOUT = process.env.FUZZ_RUNS ? 0 : 120_000

const dir = mkdtempSync(join(tmpdir(), 'archive-fuzz-'))
const tally = new Map<string, Map<string, number>>()
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  if (!process.env.FUZZ_RUNS) return
  for (const [layer, outcomes] of tally) {
    const total = [...outcomes.values()].reduce((a, b) => a + b, 0)
    const parts = [...outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`)
    console.log(`fuzz ${layer}: ${total} cases, one verdict each: ${parts.join(', ')}`)
  }
})

type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number }

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
)
const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 })

function mutate(input: Buffer, list: Mutation[]): Buffer {
  let bytes = Buffer.from(input)
  for (const m of list) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length
    if (m.kind === 'flip' && bytes.length > 0) bytes[at]! ^= m.mask
    else if (m.kind === 'truncate') bytes = bytes.subarray(0, at)
    else if (m.kind === 'insert')
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)])
    else if (m.kind === 'delete')
      bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)])
  }
  return bytes
}

/** A small state.bin with every kind of record the contents path treats differently. */
const STATE_BIN = buildStateBin(40, [
  registerNodeRecord({ node: 'n1' }),
  registerServiceRecord({ node: 'n1' }, { id: 'web', service: 'web' }),
  kvsRecord({ key: 'app/a', value: 'one', flags: 3 }),
  kvsRecord({ key: 'app/b', value: Buffer.alloc(300, 7) }),
  kvsRecord({ key: 'app/c/', value: null }),
  tombstoneRecord('app/gone'),
  sessionRecord({ id: 's1', name: 'lock', node: 'n1' }),
  configEntryRecord('service-defaults', { Name: 'web', Protocol: 'http' }),
  indexRecord('kvs', 40),
  chunkingStateRecord(),
])

let n = 0
async function verdictsOf(layer: string, bytes: Buffer): Promise<ReaderVerdicts> {
  const file = join(dir, `${layer}-${n++}.snap`)
  writeFileSync(file, bytes)
  const verdicts = await readerVerdicts(file)
  unlinkSync(file) // ten thousand files would outlast the clean-up hook's time
  const key = verdicts.inspect === 'ok' ? 'ok' : verdicts.inspect.code
  const outcomes = tally.get(layer) ?? new Map<string, number>()
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
  tally.set(layer, outcomes)
  return verdicts
}

function expectOneVerdict(v: ReaderVerdicts): void {
  expect(v.kvExport).toEqual(v.inspect)
  expect(v.catalogue).toEqual(v.inspect)
  if (v.inspect === 'ok') expect(v.exportMatchesCatalogue).toBe(true)
}

describe('every reader gives one verdict on damaged snapshots', () => {
  it(
    'in the compressed bytes',
    async () => {
      const archive = buildSnapshot({ stateBin: STATE_BIN })
      await fc.assert(
        fc.asyncProperty(mutations, async (list) =>
          expectOneVerdict(await verdictsOf('gzip', mutate(archive, list))),
        ),
        { numRuns: RUNS },
      )
    },
    TIMEOUT,
  )

  it(
    'in the tar (recompressed, so gzip cannot catch it)',
    async () => {
      const tar = snapshotTar({ stateBin: STATE_BIN })
      await fc.assert(
        fc.asyncProperty(mutations, async (list) =>
          expectOneVerdict(await verdictsOf('tar', gzipSync(mutate(tar, list)))),
        ),
        { numRuns: RUNS },
      )
    },
    TIMEOUT,
  )

  it(
    'in the msgpack of state.bin, with meta.json Size and SHA256SUMS recomputed so only the content can fail',
    async () => {
      await fc.assert(
        fc.asyncProperty(mutations, async (list) =>
          expectOneVerdict(await verdictsOf('msgpack', buildSnapshot({ stateBin: mutate(STATE_BIN, list) }))),
        ),
        { numRuns: RUNS },
      )
    },
    TIMEOUT,
  )

  it(
    'in meta.json, with SHA256SUMS recomputed',
    async () => {
      const meta = metaJson(STATE_BIN)
      await fc.assert(
        fc.asyncProperty(mutations, async (list) =>
          expectOneVerdict(
            await verdictsOf('meta.json', buildSnapshot({ stateBin: STATE_BIN, meta: mutate(meta, list) })),
          ),
        ),
        { numRuns: RUNS },
      )
    },
    TIMEOUT,
  )
})
