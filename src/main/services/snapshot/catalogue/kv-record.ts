// KVS records (`DirEntry`, spec 5.2): a fast field picker for indexing a million of them, and the
// full decode used when an operator opens one key.
import { AppError } from '../../../../shared/app-error'
import {
  decodeValue,
  decodeWhole,
  field,
  isMsgMap,
  NEED_MORE,
  skipValue,
  textField,
  type MsgValue,
} from './msgpack-walk'

export interface KvSummary {
  key: Buffer
  flags: bigint
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

function notDirEntry(offset: number): AppError {
  return new AppError(
    'SNAPSHOT_STATE_INVALID',
    `A KVS record at state.bin byte ${offset} is not a key/value entry.`,
    {
      hint: 'The snapshot is damaged or was not written by Consul; take a new snapshot.',
      details: { offset },
    },
  )
}

/** Reads a raw-string header at `pos`: [payload start, payload length], or undefined if not a string. */
function rawAt(buf: Buffer, pos: number): [number, number] | undefined {
  const b = buf[pos]
  if (b === undefined) return undefined
  if (b >= 0xa0 && b <= 0xbf) return [pos + 1, b & 0x1f]
  if ((b === 0xd9 || b === 0xc4) && pos + 2 <= buf.length) return [pos + 2, buf[pos + 1] as number]
  if ((b === 0xda || b === 0xc5) && pos + 3 <= buf.length) return [pos + 3, buf.readUInt16BE(pos + 1)]
  if ((b === 0xdb || b === 0xc6) && pos + 5 <= buf.length) return [pos + 5, buf.readUInt32BE(pos + 1)]
  return undefined
}

const nameIs = (buf: Buffer, start: number, length: number, name: Buffer): boolean =>
  length === name.length && buf.compare(name, 0, name.length, start, start + length) === 0

/** Key, Flags and the value's size, without building the record. `at` is for error messages. */
export function summarizeKv(value: Buffer, at: number): KvSummary {
  const b = value[0]
  let count: number
  let pos: number
  if (b !== undefined && b >= 0x80 && b <= 0x8f) [count, pos] = [b & 0x0f, 1]
  else if (b === 0xde && value.length >= 3) [count, pos] = [value.readUInt16BE(1), 3]
  else if (b === 0xdf && value.length >= 5) [count, pos] = [value.readUInt32BE(1), 5]
  else throw notDirEntry(at)
  let key: Buffer | undefined
  let flags = 0n
  let valueSize = 0
  for (let i = 0; i < count; i++) {
    const name = rawAt(value, pos)
    if (name === undefined) {
      pos = skipValue(value, pos)
      if (pos === NEED_MORE) throw notDirEntry(at)
      pos = skipValue(value, pos)
      if (pos === NEED_MORE) throw notDirEntry(at)
      continue
    }
    const [nameStart, nameLength] = name
    const valuePos = nameStart + nameLength
    const next = skipValue(value, valuePos)
    if (next === NEED_MORE) throw notDirEntry(at)
    if (nameIs(value, nameStart, nameLength, NAME_KEY)) {
      const raw = rawAt(value, valuePos)
      if (raw !== undefined) key = value.subarray(raw[0], raw[0] + raw[1])
    } else if (nameIs(value, nameStart, nameLength, NAME_FLAGS)) {
      const decoded = decodeValue(value, valuePos, next).value
      if (typeof decoded === 'number' || typeof decoded === 'bigint') flags = BigInt(decoded)
    } else if (nameIs(value, nameStart, nameLength, NAME_VALUE)) {
      const raw = rawAt(value, valuePos)
      valueSize = raw === undefined ? 0 : raw[1]
    }
    pos = next
  }
  if (key === undefined) throw notDirEntry(at)
  return { key, flags, valueSize }
}

const big = (v: MsgValue | undefined): bigint =>
  typeof v === 'number' || typeof v === 'bigint' ? BigInt(v) : 0n

export function decodeKv(value: Buffer, at: number): KvRecord {
  const m = decodeWhole(value)
  if (!isMsgMap(m)) throw notDirEntry(at)
  const raw = field(m, 'Value')
  return {
    key: textField(m, 'Key'),
    flags: big(field(m, 'Flags')),
    session: textField(m, 'Session'),
    lockIndex: big(field(m, 'LockIndex')),
    createIndex: big(field(m, 'CreateIndex')),
    modifyIndex: big(field(m, 'ModifyIndex')),
    value: Buffer.isBuffer(raw) ? raw : Buffer.alloc(0),
  }
}
