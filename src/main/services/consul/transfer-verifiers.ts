import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { VerifySnapshot, VerifySnapshotStream, VerifyWrittenFile } from './snapshot-engine'
import { verifyStreamWithEngine, verifyWithEngine, verifyWrittenFileWithEngine } from './verify-with-engine'
import { createWorkerStreamVerifier } from './worker-stream-verifier'
import { createWorkerWrittenFileVerifier } from './worker-written-file-verifier'

/** The built worker entry, next to the bundle that loads it. */
export const VERIFY_STREAM_WORKER = 'verify-stream-worker.js'

export interface TransferVerifiers {
  verify: VerifySnapshot
  verifyStream: VerifySnapshotStream
  verifyWrittenFile: VerifyWrittenFile
}

/**
 * The verification every save and restore uses, in the desktop app, browser mode and the CLI
 * alike: bytes in transit are verified on the way (a save's file read behind its download, a
 * restore's bytes as they upload), in a worker thread when the built worker sits
 * in `bundleDir` (in-process otherwise, as under the unit tests); files at rest through
 * `verifyFile` (the hosts' inspect worker) or in-process.
 */
export function createTransferVerifiers(options: {
  bundleDir: string
  verifyFile?: VerifySnapshot
}): TransferVerifiers {
  const worker = join(options.bundleDir, VERIFY_STREAM_WORKER)
  const built = existsSync(worker)
  return {
    verify: options.verifyFile ?? verifyWithEngine,
    verifyStream: built ? createWorkerStreamVerifier(worker) : verifyStreamWithEngine,
    verifyWrittenFile: built ? createWorkerWrittenFileVerifier(worker) : verifyWrittenFileWithEngine,
  }
}
