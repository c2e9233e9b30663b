import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { inspectSnapshot } from '../../../src/main/services/snapshot'
import { buildSnapshot, snapshotTar } from '../../support/snapshot-builder'
import { gzipSync } from 'node:zlib'

const dir = mkdtempSync(join(tmpdir(), 'archive-fuzz-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

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

function mutate(input: Buffer, mutations: Mutation[]): Buffer {
  let bytes = Buffer.from(input)
  for (const m of mutations) {
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

async function outcome(bytes: Buffer, name: string): Promise<'ok' | AppError> {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  try {
    await inspectSnapshot(path, { kvDetails: true })
    return 'ok'
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
}

describe('inspectSnapshot on damaged archives', () => {
  it('always settles with a result or an AppError, whatever is flipped, cut, inserted or deleted', async () => {
    const archive = buildSnapshot()
    let n = 0
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const result = await outcome(mutate(archive, mutations), `gz-${n++}.snap`)
        expect(result === 'ok' || result instanceof AppError).toBe(true)
      }),
      { numRuns: 200 },
    )
  }, 60_000)

  it('always settles when the damage is inside the tar (recompressed, so gzip cannot catch it)', async () => {
    const tar = snapshotTar()
    let n = 0
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const result = await outcome(gzipSync(mutate(tar, mutations)), `tar-${n++}.snap`)
        expect(result === 'ok' || result instanceof AppError).toBe(true)
      }),
      { numRuns: 200 },
    )
  }, 60_000)
})
