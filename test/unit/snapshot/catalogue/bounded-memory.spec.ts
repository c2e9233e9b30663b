import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildSnapshotArchive,
  buildStateBin,
  encodeGo,
  kvsRecord,
  MessageType,
} from '../../../support/state-bin-writer'

// Hostile files that are small on disk and huge inside: the contents path must stay below this
// whatever the file holds (the statistics scan already does). A bound, not a timing.
const PEAK_RSS_LIMIT_KIB = 256 * 1024
const child = path.resolve(__dirname, '../../../support/peak-rss-child.ts')

let dir: string
const files: Record<string, string> = {}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bounded-memory-'))
  const header = encodeGo({ LastIndex: 9 })
  const write = async (name: string, stateBin: Buffer): Promise<void> => {
    files[name] = path.join(dir, `${name}.snap`)
    writeFileSync(files[name], await buildSnapshotArchive(stateBin))
  }
  await write(
    'one 100 MiB value',
    buildStateBin(9, [
      kvsRecord({ key: 'a', value: 'x' }),
      kvsRecord({ key: 'big', value: Buffer.alloc(100 << 20, 0x61) }),
      kvsRecord({ key: 'c', value: 'y' }),
    ]),
  )
  // A Value announcing 4 GB, followed by 200 MiB of zeros the scanner must wade through.
  await write(
    'a 4 GB length claim',
    Buffer.concat([
      header,
      Buffer.from([MessageType.KVS, 0x81, 0xa5]),
      Buffer.from('Value'),
      Buffer.from([0xdb, 0xff, 0xff, 0xff, 0xf0]),
      Buffer.alloc(200 << 20),
    ]),
  )
  const empties = Buffer.alloc(2 * 300_000)
  for (let i = 0; i < 300_000; i++) empties.set([MessageType.Index, 0xc0], 2 * i)
  await write('300k empty records', Buffer.concat([header, empties]))
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Measured {
  outcome: string
  peakRssKiB: number
  printedSha256?: string
}

function measure(reader: 'kv-export' | 'catalogue', file: string): Measured {
  const out = execFileSync(process.execPath, ['--import', 'tsx', child, reader, file], { encoding: 'utf8' })
  return JSON.parse(out.trim().split('\n').pop() as string) as Measured
}

/** The SHA-256 of `consul kv export` for the file with one 100 MiB value, its value encoded in slices. */
function hugeValueExportSha256(): string {
  const hash = createHash('sha256')
  const entry = (key: string, value: string): string =>
    `{\n\t\t"key": "${key}",\n\t\t"flags": 0,\n\t\t"value": "${value}"\n\t}`
  hash.update(`[\n\t${entry('a', 'eA==')},\n\t{\n\t\t"key": "big",\n\t\t"flags": 0,\n\t\t"value": "`)
  const slice = Buffer.alloc(3 << 20, 0x61)
  for (let left = 100 << 20; left > 0; left -= slice.length)
    hash.update(slice.subarray(0, Math.min(left, slice.length)).toString('base64'))
  hash.update(`"\n\t},\n\t${entry('c', 'eQ==')}\n]\n`)
  return hash.digest('hex')
}

describe('the contents path holds memory flat whatever the file', () => {
  it.each([
    ['one 100 MiB value', 'ok'],
    ['a 4 GB length claim', 'SNAPSHOT_STATE_INVALID'],
    ['300k empty records', 'ok'],
  ])(
    'kv-export of a file with %s stays under 256 MiB',
    (name, outcome) => {
      const result = measure('kv-export', files[name] as string)
      expect(result.outcome).toBe(outcome)
      expect(result.peakRssKiB).toBeLessThan(PEAK_RSS_LIMIT_KIB)
      // and it printed the value whole
      if (name === 'one 100 MiB value') expect(result.printedSha256).toBe(hugeValueExportSha256())
    },
    120_000,
  )

  it.each([
    ['one 100 MiB value', 'ok'],
    ['a 4 GB length claim', 'SNAPSHOT_STATE_INVALID'],
    ['300k empty records', 'ok'],
  ])(
    'opening the catalogue of a file with %s stays under 256 MiB',
    (name, outcome) => {
      const result = measure('catalogue', files[name] as string)
      expect(result.outcome).toBe(outcome)
      expect(result.peakRssKiB).toBeLessThan(PEAK_RSS_LIMIT_KIB)
    },
    120_000,
  )
})
