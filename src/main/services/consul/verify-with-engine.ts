import { verifySnapshot, verifySnapshotStream, type SnapshotInspection } from '../snapshot'
import type {
  VerifiedArchive,
  VerifySnapshot,
  VerifySnapshotStream,
  VerifyWrittenFile,
} from './snapshot-engine'
import { verifyWrittenFileWith } from './written-file-verification'

/** The snapshot engine's full verification, shaped for save and restore. */
export const verifyWithEngine: VerifySnapshot = async (path, options) => {
  const inspection = await verifySnapshot(path, {
    signal: options.signal,
    onProgress: options.onProgress
      ? (p) => options.onProgress?.({ bytes: p.bytes, totalBytes: p.totalBytes })
      : undefined,
  })
  return verifiedArchive(inspection)
}

/** The same verification fed by a stream of compressed bytes (save verifies while it downloads). */
export const verifyStreamWithEngine: VerifySnapshotStream = async (source, options) => {
  const inspection = await verifySnapshotStream(source, {
    signal: options.signal,
    onProgress: options.onProgress
      ? (p) => options.onProgress?.({ bytes: p.bytes, totalBytes: null })
      : undefined,
  })
  return verifiedArchive(inspection)
}

/** The same verification reading a file behind its writer (save's download). */
export const verifyWrittenFileWithEngine: VerifyWrittenFile = verifyWrittenFileWith(verifyStreamWithEngine)

/** What a verification needs from an inspection, whether read here or sent over the wire. */
type InspectionFacts = Pick<SnapshotInspection, 'stats' | 'totalSize' | 'enterpriseTypes'> & {
  meta: {
    id: string
    index: bigint | string
    term: bigint | string
    version: number
    size: bigint | string
  }
}

export function verifiedArchive(inspection: InspectionFacts): VerifiedArchive {
  // Raft indexes and sizes are uint64 in meta.json; real clusters stay far below 2^53.
  return {
    meta: {
      id: inspection.meta.id,
      index: Number(inspection.meta.index),
      term: Number(inspection.meta.term),
      version: inspection.meta.version,
      size: Number(inspection.meta.size),
    },
    stats: inspection.stats.map((s) => ({ name: s.name, count: s.count, size: s.sum })),
    totalSize: inspection.totalSize,
    enterpriseTypes: inspection.enterpriseTypes,
  }
}
