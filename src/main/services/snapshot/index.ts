/**
 * The snapshot engine: read, verify and inspect Consul snapshot files (plain Node, no electron).
 * docs/snapshot-format.md holds the format facts every module here relies on.
 */
export type {
  SnapshotMeta,
  SnapshotServer,
  TypeStat,
  SnapshotInspection,
  IntegrityReport,
  ReadProgress,
  InspectOptions,
  ScannedRecord,
  VerifyOptions,
} from './inspect-types'
export {
  inspectSnapshot,
  inspectSnapshotStream,
  verifySnapshot,
  verifySnapshotStream,
} from './inspect-snapshot'
export {
  formatInspectPretty,
  formatInspectPrettyBytes,
  formatInspectJson,
  goJsonString,
  goJsonBytes,
} from './inspect-format'
export { humanizeBytes } from './humanize-bytes'
export { messageTypeName, MessageType, FIRST_ENTERPRISE_TYPE } from './message-types'
export {
  decodeMsgpackValue,
  decodeGoBinaryTime,
  MsgpackBytes,
  MsgpackExt,
  type MsgpackValue,
  type MsgpackMap,
} from './msgpack-decode'
export { StateScanner, type RecordVisitor, type StateScannerOptions } from './state-scanner'
export {
  readSnapshot,
  readSnapshotStream,
  type StateConsumer,
  type SnapshotReadResult,
  type ReadOptions,
  type StreamReadOptions,
} from './archive-reader'
export { readRegisteredServers, type RegisteredServer } from './registered-servers'
export { parseSnapshotMeta } from './snapshot-meta'
export { kvKeyText, toByteString, byteStringOf, textFromByteString } from './go-string'
