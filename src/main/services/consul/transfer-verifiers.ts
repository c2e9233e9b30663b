import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { VerifySnapshot, VerifySnapshotStream } from './snapshot-engine'
import { verifyStreamWithEngine, verifyWithEngine } from './verify-with-engine'
import { createWorkerStreamVerifier } from './worker-stream-verifier'

/** The built worker entry, next to the bundle that loads it. */
export const VERIFY_STREAM_WORKER = 'verify-stream-worker.js'

export interface TransferVerifiers {
  verify: VerifySnapshot
  verifyStream: VerifySnapshotStream
}

/**
 * The verification every save and restore uses, in the desktop app, browser mode and the CLI
 * alike: bytes in transit are verified on the way, in a worker thread when the built worker sits
 * in `bundleDir` (in-process otherwise, as under the unit tests); files at rest through
 * `verifyFile` (the hosts' inspect worker) or in-process.
 */
export function createTransferVerifiers(options: {
  bundleDir: string
  verifyFile?: VerifySnapshot
}): TransferVerifiers {
  const worker = join(options.bundleDir, VERIFY_STREAM_WORKER)
  return {
    verify: options.verifyFile ?? verifyWithEngine,
    verifyStream: existsSync(worker) ? createWorkerStreamVerifier(worker) : verifyStreamWithEngine,
  }
}
