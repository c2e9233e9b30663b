// Run as a child process (`node --import tsx peak-rss-child.ts <reader> <file>`): reads one
// snapshot file the way a command does and prints the process's peak resident set size in KiB.
// Specs use it to bound memory, which only a fresh process can measure.
import { Writable } from 'node:stream'
import { exportSnapshotKv, openSnapshotCatalogue } from '../../src/main/services/snapshot/catalogue'
import { peakRssKiB } from './peak-rss'

const [reader, file] = process.argv.slice(2)
const sink = new Writable({ write: (_chunk, _encoding, done) => done() })

async function main(): Promise<string> {
  try {
    if (reader === 'kv-export') await exportSnapshotKv(file as string, { out: sink })
    else await (await openSnapshotCatalogue(file as string)).close()
    return 'ok'
  } catch (error) {
    return (error as { code?: string }).code ?? 'crash'
  }
}

void main().then((outcome) => {
  process.stdout.write(JSON.stringify({ outcome, peakRssKiB: peakRssKiB() }) + '\n')
})
