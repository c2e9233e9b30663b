// A snapshot against a live cluster. The live side is a fresh snapshot of the cluster, saved and
// verified like any other into a private temporary folder, then compared file to file: that is
// the most faithful reading of the live state there is (every kind, secrets and sessions
// included, at one raft index, exactly as a restore would bring it back), and it makes the live
// comparison the same code as the offline one. The fresh file is removed as soon as its working
// copy exists; the temporary folder in any case when the comparison ends or fails.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SnapshotComparison, type CompareOptions } from './snapshot-comparison'

/** Saves a verified snapshot of the live cluster into `folder`; returns the file's path. */
export type TakeLiveSnapshot = (
  folder: string,
  work: { signal?: AbortSignal; onProgress?: (bytes: number) => void },
) => Promise<string>

export async function compareWithLive(
  path: string,
  takeSnapshot: TakeLiveSnapshot,
  options: CompareOptions & { liveLabel: string },
): Promise<SnapshotComparison> {
  const folder = await mkdtemp(join(options.spillDir ?? tmpdir(), 'snapshot-studio-live-'))
  try {
    const live = await takeSnapshot(folder, {
      signal: options.signal,
      onProgress: (bytes) => options.onProgress?.({ phase: 'snapshotting', done: bytes, total: null }),
    })
    return await SnapshotComparison.open(path, live, {
      ...options,
      labels: { left: options.labels?.left, right: options.liveLabel },
    })
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}
