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
}

export async function readerVerdicts(file: string): Promise<ReaderVerdicts> {
  const spillDir = mkdtempSync(path.join(tmpdir(), 'verdicts-'))
  try {
    let exportedKeys = 0
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() })
    const inspect = await verdictOf(() => inspectSnapshot(file, { kvDetails: true }))
    const kvExport = await verdictOf(async () => {
      exportedKeys = await exportSnapshotKv(file, { out: sink, spillDir })
    })
    const catalogue = await verdictOf(async () => (await openSnapshotCatalogue(file, { spillDir })).close())
    return { inspect, kvExport, catalogue, exportedKeys }
  } finally {
    rmSync(spillDir, { recursive: true, force: true })
  }
}
