// KVS records (`DirEntry`, docs/snapshot-format.md §10): the full decode used when an operator opens one key (while
// indexing, the scanner picks out Key, Flags and where the Value lies without decoding).
import type { AppError } from '../../../../shared/app-error'
import { snapshotErrors } from '../snapshot-errors'
import { bytesOf, decodeWhole, field, isMsgMap, textField, type MsgValue } from './msgpack-walk'

export interface KvRecord {
  key: string
  flags: bigint
  session: string
  lockIndex: bigint
  createIndex: bigint
  modifyIndex: bigint
  value: Buffer
}

const notDirEntry = (offset: number): AppError =>
  snapshotErrors.stateInvalid('a KVS record is not a key/value entry', offset)

const big = (v: MsgValue | undefined): bigint =>
  typeof v === 'number' || typeof v === 'bigint' ? BigInt(v) : 0n

export function decodeKv(value: Buffer, at: number): KvRecord {
  const m = decodeWhole(value)
  if (!isMsgMap(m)) throw notDirEntry(at)
  const raw = bytesOf(field(m, 'Value'))
  return {
    key: textField(m, 'Key'),
    flags: big(field(m, 'Flags')),
    session: textField(m, 'Session'),
    lockIndex: big(field(m, 'LockIndex')),
    createIndex: big(field(m, 'CreateIndex')),
    modifyIndex: big(field(m, 'ModifyIndex')),
    value: raw ?? Buffer.alloc(0),
  }
}
