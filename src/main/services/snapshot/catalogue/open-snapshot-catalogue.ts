// Opening a snapshot file for browsing: one streaming pass of the archive reader (gunzip, tar,
// checksums, meta.json) with the catalogue as its state.bin consumer. The catalogue exists only
// if the whole archive verified; otherwise its spill file is gone and the reader's typed error
// (SNAPSHOT_*, FILE_*, CANCELLED) is what the caller gets.
import { readSnapshot, type ReadOptions } from '../archive-reader'
import { CatalogueSink } from './catalogue-sink'
import type { SnapshotCatalogue } from './snapshot-catalogue'

export interface OpenCatalogueOptions extends ReadOptions {
  /** folder for the decompressed working copy (default: the OS temp folder) */
  spillDir?: string
}

export async function openSnapshotCatalogue(
  path: string,
  options: OpenCatalogueOptions = {},
): Promise<SnapshotCatalogue> {
  const sink = new CatalogueSink({ spillDir: options.spillDir })
  let read
  try {
    read = await readSnapshot(path, sink, { signal: options.signal, onProgress: options.onProgress })
  } catch (error) {
    await sink.abort()
    throw error
  }
  return sink.complete({ meta: read.meta, integrity: read.integrity, archiveBytes: read.archiveBytes })
}
