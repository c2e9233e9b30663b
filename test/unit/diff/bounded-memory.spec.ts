import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectedKvDiff, writeGeneratedKvSnapshot } from '../../support/generated-kv-snapshot'

// Comparing two snapshots keeps them on disk (the catalogues' working copies) and only their
// compact indexes in memory: two files whose state.bin together pass the bound are compared
// below it, with the right answer. A bound, not a timing; the 1 GB pair is `npm run bench -- diff`.
const PEAK_RSS_LIMIT_KIB = 256 * 1024
const KEYS = 3200
const VALUE_BYTES = 64 * 1024
const child = path.resolve(__dirname, '../../support/peak-rss-child.ts')

let dir: string
const files = { before: '', after: '' }
let stateBytes = 0

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'diff-memory-'))
  for (const variant of ['before', 'after'] as const) {
    files[variant] = path.join(dir, `${variant}.snap`)
    stateBytes += await writeGeneratedKvSnapshot(files[variant], {
      keys: KEYS,
      valueBytes: VALUE_BYTES,
      variant,
    })
  }
}, 240_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('comparing two large snapshots', () => {
  it('stays under 256 MiB though the two hold more than that, and finds exactly the changes made', () => {
    expect(stateBytes).toBeGreaterThan(PEAK_RSS_LIMIT_KIB * 1024 * 1.5)
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', child, 'diff', files.before, files.after],
      {
        encoding: 'utf8',
      },
    )
    const result = JSON.parse(out.trim().split('\n').pop() as string) as {
      outcome: string
      peakRssKiB: number
      kvCounts: unknown
    }
    expect(result.outcome).toBe('ok')
    expect(result.kvCounts).toEqual(expectedKvDiff(KEYS))
    expect(result.peakRssKiB).toBeLessThan(PEAK_RSS_LIMIT_KIB)
  }, 240_000)
})
