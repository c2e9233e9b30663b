import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import {
  decodeGoBinaryTime,
  decodeMsgpackValue,
  MsgpackBytes,
  MsgpackExt,
} from '../../../src/main/services/snapshot'
import { mp } from '../../support/msgpack-forms'

const decode = (bytes: Uint8Array) => decodeMsgpackValue(bytes).value

describe('decodeMsgpackValue', () => {
  it('decodes integers of every width, keeping those beyond 2^53 as bigint', () => {
    expect(
      [
        mp.fixint(5),
        mp.fixint(-3),
        mp.u8(200),
        mp.u16(60000),
        mp.u32(4e9),
        mp.i8(-100),
        mp.i16(-30000),
        mp.i32(-2e9),
      ].map(decode),
    ).toEqual([5, -3, 200, 60000, 4e9, -100, -30000, -2e9])
    expect(decode(mp.u64(18208480688038965425n))).toBe(18208480688038965425n)
    expect(decode(mp.u64(42n))).toBe(42)
    expect(decode(mp.i64(-(2n ** 60n)))).toBe(-(2n ** 60n))
  })

  it('decodes nil, booleans and floats', () => {
    expect([mp.nil(), mp.bool(true), mp.bool(false), mp.f32(1.5), mp.f64(0.00001)].map(decode)).toEqual([
      null,
      true,
      false,
      1.5,
      0.00001,
    ])
  })

  it('keeps strings as bytes with a text view, and marks bin as binary', () => {
    const value = decode(mp.str16('ключ'.repeat(10)))
    expect(value).toBeInstanceOf(MsgpackBytes)
    expect((value as MsgpackBytes).text).toBe('ключ'.repeat(10))
    expect((value as MsgpackBytes).binary).toBe(false)
    const bin = decode(mp.bin8(Buffer.from([0xff, 0x00]))) as MsgpackBytes
    expect(bin.binary).toBe(true)
    expect(Buffer.from(bin.bytes).toString('hex')).toBe('ff00')
    expect(bin.text).toBe('\ufffd\u0000')
  })

  it('turns string-keyed maps into objects and other maps into Map', () => {
    expect(decode(mp.fixmap([mp.fixstr('a'), mp.fixint(1)], [mp.fixstr('__proto__'), mp.fixint(2)]))).toEqual(
      Object.defineProperty({ a: 1 }, '__proto__', { value: 2, enumerable: true }),
    )
    const chunkMap = decode(mp.fixmap([mp.u64(2n ** 60n), mp.fixarray()]))
    expect(chunkMap).toBeInstanceOf(Map)
    expect([...(chunkMap as Map<unknown, unknown>).entries()]).toEqual([[2n ** 60n, []]])
  })

  it('decodes arrays and maps of the 16- and 32-bit forms', () => {
    expect(decode(mp.array16(mp.fixint(1), mp.fixint(2)))).toEqual([1, 2])
    expect(decode(mp.array32(mp.nil()))).toEqual([null])
    expect(Object.keys(decode(mp.map16([mp.fixstr('x'), mp.nil()])) as object)).toEqual(['x'])
    expect(Object.keys(decode(mp.map32([mp.str8('y'), mp.nil()])) as object)).toEqual(['y'])
  })

  it('decodes ext values', () => {
    const ext = decode(mp.fixext(-1, Buffer.alloc(8, 1))) as MsgpackExt
    expect(ext).toBeInstanceOf(MsgpackExt)
    expect(ext.type).toBe(-1)
    expect(ext.data).toHaveLength(8)
    expect((decode(mp.ext16(3, Buffer.alloc(300))) as MsgpackExt).data).toHaveLength(300)
  })

  it('reports where the value ends', () => {
    const bytes = Buffer.concat([mp.fixstr('abc'), mp.fixint(1)])
    expect(decodeMsgpackValue(bytes)).toMatchObject({ end: 4 })
    expect(decodeMsgpackValue(bytes, 4)).toEqual({ value: 1, end: 5 })
  })

  it.each([
    ['the byte 0xc1', Buffer.from([0xc1])],
    ['a truncated string', mp.str16('abcdef').subarray(0, 5)],
    ['a truncated map', Buffer.from([0x82, 0xa1, 0x61])],
    ['a truncated uint64', mp.u64(1n).subarray(0, 4)],
    ['absurd nesting', Buffer.alloc(5000, 0x91)],
  ])('rejects %s with SNAPSHOT_STATE_INVALID', (_what, bytes) => {
    expect(() => decode(bytes)).toThrow(AppError)
    try {
      decode(bytes)
    } catch (error) {
      expect((error as AppError).code).toBe('SNAPSHOT_STATE_INVALID')
    }
  })
})

describe('decodeGoBinaryTime', () => {
  it('reads the example of docs/snapshot-format.md §8, 2024-03-13T17:14:15.109823Z', () => {
    const bytes = Buffer.from('01000000 0edd83d5e7 068bc418 ffff'.replace(/ /g, ''), 'hex')
    const time = decodeGoBinaryTime(bytes)
    expect(time?.date.toISOString()).toBe('2024-03-13T17:14:15.109Z')
    expect(time?.nanos).toBe(109823000)
    expect(time?.offsetMinutes).toBeNull()
  })

  it('reads the zone offset and rejects bytes that are not a time', () => {
    const withZone = Buffer.from('010000000edd83d5e7068bc418ff10', 'hex')
    expect(decodeGoBinaryTime(withZone)?.offsetMinutes).toBe(-240)
    expect(decodeGoBinaryTime(Buffer.from('hello'))).toBeNull()
  })
})
