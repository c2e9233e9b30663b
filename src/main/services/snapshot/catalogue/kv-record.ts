// KVS records (`DirEntry`, spec 5.2): a fast field picker for indexing a million of them, and the
// full decode used when an operator opens one key.
import type { AppError } from '../../../../shared/app-error'
import { snapshotErrors } from '../snapshot-errors'
import {
  bytesOf,
  decodeAt,
  decodeWhole,
  field,
  isMsgMap,
  skipValue,
  textField,
  type MsgValue,
} from './msgpack-walk'

/** Where the fields of one KVS record are, as offsets into that record's bytes. */
export interface KvSummary {
  keyStart: number
  keyLength: number
  flags: bigint
  valueStart: number
  valueSize: number
}

export interface KvRecord {
  key: string
  flags: bigint
  session: string
  lockIndex: bigint
  createIndex: bigint
  modifyIndex: bigint
  value: Buffer
}

const NAME_KEY = Buffer.from('Key')
const NAME_FLAGS = Buffer.from('Flags')
const NAME_VALUE = Buffer.from('Value')

const notDirEntry = (offset: number): AppError =>
  snapshotErrors.stateInvalid('a KVS record is not a key/value entry', offset)

// rawAt's results, kept in module scope so that a million records allocate nothing here.
let rawStart = 0
let rawLength = 0

/** Reads a raw-string header at `pos` into rawStart/rawLength; false if no string is there. */
function rawAt(buf: Buffer, pos: number): boolean {
  const b = buf[pos]
  if (b === undefined) return false
  if (b >= 0xa0 && b <= 0xbf) {
    rawStart = pos + 1
    rawLength = b & 0x1f
  } else if ((b === 0xd9 || b === 0xc4) && pos + 2 <= buf.length) {
    rawStart = pos + 2
    rawLength = buf[pos + 1] as number
  } else if ((b === 0xda || b === 0xc5) && pos + 3 <= buf.length) {
    rawStart = pos + 3
    rawLength = buf.readUInt16BE(pos + 1)
  } else if ((b === 0xdb || b === 0xc6) && pos + 5 <= buf.length) {
    rawStart = pos + 5
    rawLength = buf.readUInt32BE(pos + 1)
  } else {
    return false
  }
  return rawStart + rawLength <= buf.length
}

function nameIs(buf: Buffer, start: number, length: number, name: Buffer): boolean {
  if (length !== name.length) return false
  for (let i = 0; i < length; i++) if (buf[start + i] !== name[i]) return false
  return true
}

function readUint(buf: Buffer, pos: number, end: number): bigint {
  const b = buf[pos] as number
  if (b <= 0x7f) return BigInt(b)
  if (b === 0xcc) return BigInt(buf[pos + 1] as number)
  if (b === 0xcd) return BigInt(buf.readUInt16BE(pos + 1))
  if (b === 0xce) return BigInt(buf.readUInt32BE(pos + 1))
  if (b === 0xcf) return buf.readBigUInt64BE(pos + 1)
  const decoded = pos < end ? decodeAt(buf, pos).value : null
  return typeof decoded === 'number' || typeof decoded === 'bigint' ? BigInt(decoded) : 0n
}

/** Where Key, Flags and Value are, without building the record. `at` is for error messages. */
export function summarizeKv(record: Buffer, at: number): KvSummary {
  const b = record[0]
  let count: number
  let pos: number
  if (b !== undefined && b >= 0x80 && b <= 0x8f) [count, pos] = [b & 0x0f, 1]
  else if (b === 0xde && record.length >= 3) [count, pos] = [record.readUInt16BE(1), 3]
  else if (b === 0xdf && record.length >= 5) [count, pos] = [record.readUInt32BE(1), 5]
  else throw notDirEntry(at)
  let keyStart = -1
  let keyLength = 0
  let flags = 0n
  let valueStart = 0
  let valueSize = 0
  for (let i = 0; i < count; i++) {
    if (!rawAt(record, pos)) {
      pos = skipValue(record, pos)
      if (pos < 0) throw notDirEntry(at)
      pos = skipValue(record, pos)
      if (pos < 0) throw notDirEntry(at)
      continue
    }
    const nameStart = rawStart
    const nameLength = rawLength
    const valuePos = nameStart + nameLength
    const next = skipValue(record, valuePos)
    if (next < 0) throw notDirEntry(at)
    if (nameIs(record, nameStart, nameLength, NAME_KEY)) {
      if (rawAt(record, valuePos)) [keyStart, keyLength] = [rawStart, rawLength]
    } else if (nameIs(record, nameStart, nameLength, NAME_FLAGS)) {
      flags = readUint(record, valuePos, next)
    } else if (nameIs(record, nameStart, nameLength, NAME_VALUE)) {
      if (rawAt(record, valuePos)) [valueStart, valueSize] = [rawStart, rawLength]
    }
    pos = next
  }
  if (keyStart < 0) throw notDirEntry(at)
  return { keyStart, keyLength, flags, valueStart, valueSize }
}

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
