// What each reader of a snapshot file says about it: `inspect` (the statistics scan), `kv-export`
// (the contents path as the CLI runs it) and the catalogue behind the content browser. The issue
// these serve: a file is either good for every command or refused by every one with the same
// error, so specs compare the three verdicts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { AppError } from '../../src/shared/app-error'
import { inspectSnapshot } from '../../src/main/services/snapshot'
import { exportSnapshotKv, openSnapshotCatalogue } from '../../src/main/services/snapshot/catalogue'

export type Verdict = 'ok' | { code: string; message: string }

async function verdictOf(read: () => Promise<unknown>): Promise<Verdict> {
  try {
    await read()
    return 'ok'
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, message: error.message }
    throw error
  }
}

export interface ReaderVerdicts {
  inspect: Verdict
  kvExport: Verdict
  catalogue: Verdict
  /** keys kv-export printed, when it succeeded */
  exportedKeys: number
  /**
   * Whether kv-export printed the bytes the catalogue's own export prints (two ways to the same
   * text: entries encoded while the archive is read, and from the catalogue's sorted KV table);
   * null unless both read the file.
   */
  exportMatchesCatalogue: boolean | null
}

function collector(): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = []
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      chunks.push(Buffer.from(chunk))
      done()
    },
  })
  return { sink, bytes: () => Buffer.concat(chunks) }
}

export async function readerVerdicts(file: string): Promise<ReaderVerdicts> {
  const spillDir = mkdtempSync(path.join(tmpdir(), 'verdicts-'))
  try {
    let exportedKeys = 0
    const exported = collector()
    const browsed = collector()
    const inspect = await verdictOf(() => inspectSnapshot(file, { kvDetails: true }))
    const kvExport = await verdictOf(async () => {
      exportedKeys = await exportSnapshotKv(file, { out: exported.sink, spillDir })
    })
    const catalogue = await verdictOf(async () => {
      const opened = await openSnapshotCatalogue(file, { spillDir })
      try {
        await opened.exportKv({ out: browsed.sink })
      } finally {
        await opened.close()
      }
    })
    const exportMatchesCatalogue =
      kvExport === 'ok' && catalogue === 'ok' ? exported.bytes().equals(browsed.bytes()) : null
    return { inspect, kvExport, catalogue, exportedKeys, exportMatchesCatalogue }
  } finally {
    rmSync(spillDir, { recursive: true, force: true })
  }
}
