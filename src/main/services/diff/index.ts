/**
 * Comparing snapshots: snapshot ↔ snapshot and snapshot ↔ live cluster, KV by key and records by
 * identity, churn left out and secrets never handed out, with memory bounded by the catalogues'
 * compact indexes (the snapshots themselves stay on disk).
 */
export { diffKv, KvDiff, type KvDiffOptions } from './kv-diff'
export { diffRecords } from './record-diff'
export { SnapshotComparison, type CompareOptions, type ComparisonSummary } from './snapshot-comparison'
export { compareWithLive, type TakeLiveSnapshot } from './live-comparison'
export { CHURN_FIELDS } from './churn-fields'
