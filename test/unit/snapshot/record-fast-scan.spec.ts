import { describe, expect, it } from 'vitest'
import {
  newKvFieldsFound,
  PICK_KEY,
  PICK_KV_FIELDS,
  PICK_NOTHING,
  skipValue,
  walkMap,
} from '../../../src/main/services/snapshot/record-fast-scan'
import { mp } from '../../support/msgpack-forms'

const kvEntry = mp.fixmap(
  [mp.fixstr('CreateIndex'), mp.fixint(4)],
  [mp.fixstr('Flags'), mp.u64(2n ** 63n + 5n)],
  [mp.fixstr('Key'), mp.str16('app/config')],
  [mp.fixstr('LockIndex'), mp.fixint(0)],
  [mp.fixstr('Session'), mp.fixstr('')],
  [mp.fixstr('Value'), mp.bin16(Buffer.from('hello'))],
)

describe('skipValue', () => {
  it('returns where a complete value ends', () => {
    const bytes = mp.cat(kvEntry, Buffer.from([0x02]))
    expect(skipValue(bytes, 0, bytes.length, false)).toBe(kvEntry.length)
  })

  it('declines a value that runs past the end it is given, wherever it is cut', () => {
    for (let end = 0; end < kvEntry.length; end++) expect(skipValue(kvEntry, 0, end, false)).toBe(-1)
  })

  it('declines the byte 0xc1 and a nested map key that is not a string, bin or nil', () => {
    expect(skipValue(mp.fixarray(mp.nil(), Buffer.from([0xc1])), 0, 3, false)).toBe(-1)
    const intKey = mp.fixmap([mp.fixstr('ChunkMap'), mp.fixmap([mp.u64(7n), mp.nil()])])
    expect(skipValue(intKey, 0, intKey.length, false)).toBe(-1)
    const okKeys = mp.fixmap([mp.bin8(Buffer.from('b')), mp.nil()], [mp.nil(), mp.fixint(1)])
    expect(skipValue(okKeys, 0, okKeys.length, false)).toBe(okKeys.length)
  })

  it("accepts ChunkingState's integer map keys when told to", () => {
    const chunkMap = mp.fixmap([mp.fixstr('ChunkMap'), mp.fixmap([mp.u64(7n), mp.nil()])])
    expect(skipValue(chunkMap, 0, chunkMap.length, true)).toBe(chunkMap.length)
  })

  it('declines a container whose count is longer than the data could hold', () => {
    const bytes = Buffer.from([0xdc, 0x00, 0x05, 0xc0, 0xc0])
    expect(skipValue(bytes, 0, bytes.length, false)).toBe(-1)
  })
})

describe('walkMap', () => {
  it('picks out Key, Flags as uint64 and where the Value lies', () => {
    const found = newKvFieldsFound()
    expect(walkMap(kvEntry, 0, kvEntry.length, PICK_KV_FIELDS, false, found)).toBe(kvEntry.length)
    expect(kvEntry.toString('latin1', found.keyStart, found.keyEnd)).toBe('app/config')
    expect(found.keyPresent).toBe(true)
    expect(found.flags).toBe(2n ** 63n + 5n)
    expect(kvEntry.toString('latin1', found.valueStart, found.valueStart + found.valueLength)).toBe('hello')
  })

  it('leaves Flags and Value alone unless asked for them', () => {
    const found = newKvFieldsFound()
    walkMap(kvEntry, 0, kvEntry.length, PICK_KEY, false, found)
    expect(found).toMatchObject({ keyPresent: true, flags: 0n, valueStart: -1, valueLength: 0 })
  })

  it('lets a later Key that is not a string clear the key, as the state machine does', () => {
    const entry = mp.fixmap([mp.fixstr('Key'), mp.fixstr('a')], [mp.fixstr('Key'), mp.nil()])
    const found = newKvFieldsFound()
    expect(walkMap(entry, 0, entry.length, PICK_KV_FIELDS, false, found)).toBe(entry.length)
    expect(found.keyPresent).toBe(false)
  })

  it('declines a field name that is not a string, bin or nil, picking or not', () => {
    const entry = mp.fixmap([mp.fixint(1), mp.fixstr('a')])
    for (const pick of [PICK_NOTHING, PICK_KEY, PICK_KV_FIELDS])
      expect(walkMap(entry, 0, entry.length, pick, false, newKvFieldsFound())).toBe(-1)
  })

  it("walks ChunkingState's map whatever its keys, nested ones included", () => {
    const chunking = mp.fixmap(
      [mp.u64(2n ** 60n), mp.fixmap([mp.fixint(1), mp.nil()])],
      [mp.fixarray(mp.fixint(1)), mp.nil()],
    )
    expect(walkMap(chunking, 0, chunking.length, PICK_NOTHING, true, newKvFieldsFound())).toBe(
      chunking.length,
    )
    expect(walkMap(chunking, 0, chunking.length, PICK_NOTHING, false, newKvFieldsFound())).toBe(-1)
  })

  it('declines a map cut short, wherever it is cut', () => {
    for (let end = 0; end < kvEntry.length; end++)
      expect(walkMap(kvEntry, 0, end, PICK_KV_FIELDS, false, newKvFieldsFound())).toBe(-1)
  })
})
