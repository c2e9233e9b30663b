/**
 * Runs snapshot scans on the calling thread. Right for the CLI and tests; the desktop app and
 * the web host use the worker runner so a multi-gigabyte scan never stalls their event loop.
 */
import { inspectSnapshot, verifySnapshot } from '../../services/snapshot'
import type { InspectRunner } from '../host-services'
import { toInspectionWire } from './snapshot-wire'

export function createInProcessInspectRunner(): InspectRunner {
  return {
    async inspect(path, options, work) {
      const inspection = await inspectSnapshot(path, {
        ...options,
        signal: work.signal,
        onProgress: (progress) => work.onProgress({ bytes: progress.bytes, totalBytes: progress.totalBytes }),
      })
      return toInspectionWire(inspection, options.kvDetails)
    },
    async verify(path, work) {
      const inspection = await verifySnapshot(path, {
        signal: work.signal,
        onProgress: (progress) => work.onProgress({ bytes: progress.bytes, totalBytes: progress.totalBytes }),
      })
      return toInspectionWire(inspection, false)
    },
  }
}
