// Run as a child process (`node --import tsx peak-rss-child.ts <reader> <file> [<other file>]`):
// reads one snapshot file the way a command does (or, for `diff`, compares two and walks every
// change) and prints the process's peak resident set size in KiB.
// Specs use it to bound memory, which only a fresh process can measure.
import { createHash } from 'node:crypto'
import { Writable } from 'node:stream'
import { SnapshotComparison } from '../../src/main/services/diff'
import { exportSnapshotKv, openSnapshotCatalogue } from '../../src/main/services/snapshot/catalogue'
import { peakRssKiB } from './peak-rss'

const [reader, file, other] = process.argv.slice(2)
/** For `diff`: the KV counts it found, so the caller can check the answer as well as the memory. */
let kvCounts: unknown
/** For `kv-export`: the SHA-256 of what it printed, so the caller can check it printed it all. */
const printed = createHash('sha256')
const sink = new Writable({ write: (_chunk, _encoding, done) => done() })
const digestingSink = new Writable({
  write: (chunk: Buffer, _encoding, done) => {
    printed.update(chunk)
    done()
  },
})

async function main(): Promise<string> {
  try {
    if (reader === 'kv-export') await exportSnapshotKv(file as string, { out: digestingSink })
    else if (reader === 'diff') {
      const comparison = await SnapshotComparison.open(file as string, other as string)
      try {
        for await (const change of comparison.allChanges()) sink.write(JSON.stringify(change))
        kvCounts = comparison.summary().counts.kv
      } finally {
        await comparison.close()
      }
    } else await (await openSnapshotCatalogue(file as string)).close()
    return 'ok'
  } catch (error) {
    return (error as { code?: string }).code ?? 'crash'
  }
}

void main().then((outcome) => {
  const printedSha256 = reader === 'kv-export' ? printed.digest('hex') : undefined
  process.stdout.write(JSON.stringify({ outcome, peakRssKiB: peakRssKiB(), kvCounts, printedSha256 }) + '\n')
})
