/**
 * The snapshot content catalogue: open a snapshot once, then browse KV (tree and flat pages),
 * values, catalog/ACL/config records (secrets masked until revealed), search, and export KV
 * exactly like `consul kv export` — with memory bounded by a compact index, not by the snapshot.
 */
export { openSnapshotCatalogue, type OpenCatalogueOptions } from './open-snapshot-catalogue'
export { exportSnapshotKv, type ExportSnapshotKvOptions } from './export-snapshot-kv'
export { catalogueFromStateStream, CatalogueSink, type CatalogueSinkOptions } from './catalogue-sink'
export {
  SnapshotCatalogue,
  type CatalogueSource,
  type ExportKvOptions,
  type KvGetOptions,
} from './snapshot-catalogue'
export { catalogueKinds, type CatalogueKind, type RecordItem } from './record-items'
export type { KvTable } from './kv-table'
export { decodeKv, type KvRecord } from './kv-record'
export { SpillBlockReader } from './spill-block-reader'
export { sweepStaleSpillFiles } from './spill-file'
export { MASK_TEXT, RECORD_SECRET_RULES, CONFIG_ENTRY_SECRET_RULES, findMaskedPaths } from './secret-fields'
export type * from './catalogue-types'
