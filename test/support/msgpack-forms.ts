/**
 * Raw msgpack encodings for tests, one helper per wire form, so a test can say exactly which form
 * it feeds (str16 without str8, bin8, ext...) rather than what an encoder would choose.
 */
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff])
const u32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}
const cat = (...parts: Uint8Array[]) => Buffer.concat(parts.map((p) => Buffer.from(p)))

export const mp = {
  nil: () => Buffer.from([0xc0]),
  bool: (v: boolean) => Buffer.from([v ? 0xc3 : 0xc2]),
  fixint: (n: number) => Buffer.from([n & 0xff]),
  u8: (n: number) => Buffer.from([0xcc, n]),
  u16: (n: number) => cat(Buffer.from([0xcd]), u16(n)),
  u32: (n: number) => cat(Buffer.from([0xce]), u32(n)),
  u64: (n: bigint) => {
    const b = Buffer.alloc(9)
    b[0] = 0xcf
    b.writeBigUInt64BE(n, 1)
    return b
  },
  i8: (n: number) => Buffer.from([0xd0, n & 0xff]),
  i16: (n: number) => {
    const b = Buffer.alloc(3)
    b[0] = 0xd1
    b.writeInt16BE(n, 1)
    return b
  },
  i32: (n: number) => {
    const b = Buffer.alloc(5)
    b[0] = 0xd2
    b.writeInt32BE(n, 1)
    return b
  },
  i64: (n: bigint) => {
    const b = Buffer.alloc(9)
    b[0] = 0xd3
    b.writeBigInt64BE(n, 1)
    return b
  },
  f32: (n: number) => {
    const b = Buffer.alloc(5)
    b[0] = 0xca
    b.writeFloatBE(n, 1)
    return b
  },
  f64: (n: number) => {
    const b = Buffer.alloc(9)
    b[0] = 0xcb
    b.writeDoubleBE(n, 1)
    return b
  },
  fixstr: (s: string | Uint8Array) => {
    const d = typeof s === 'string' ? Buffer.from(s) : Buffer.from(s)
    if (d.length > 31) throw new Error('fixstr too long')
    return cat(Buffer.from([0xa0 | d.length]), d)
  },
  str8: (s: string | Uint8Array) => {
    const d = Buffer.from(s)
    return cat(Buffer.from([0xd9, d.length]), d)
  },
  str16: (s: string | Uint8Array) => {
    const d = Buffer.from(s)
    return cat(Buffer.from([0xda]), u16(d.length), d)
  },
  str32: (s: string | Uint8Array) => {
    const d = Buffer.from(s)
    return cat(Buffer.from([0xdb]), u32(d.length), d)
  },
  bin8: (d: Uint8Array) => cat(Buffer.from([0xc4, d.length]), d),
  bin16: (d: Uint8Array) => cat(Buffer.from([0xc5]), u16(d.length), d),
  bin32: (d: Uint8Array) => cat(Buffer.from([0xc6]), u32(d.length), d),
  fixext: (type: number, d: Uint8Array) => {
    const code = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 }[d.length]
    if (code === undefined) throw new Error('fixext size')
    return cat(Buffer.from([code, type & 0xff]), d)
  },
  ext8: (type: number, d: Uint8Array) => cat(Buffer.from([0xc7, d.length, type & 0xff]), d),
  ext16: (type: number, d: Uint8Array) =>
    cat(Buffer.from([0xc8]), u16(d.length), Buffer.from([type & 0xff]), d),
  ext32: (type: number, d: Uint8Array) =>
    cat(Buffer.from([0xc9]), u32(d.length), Buffer.from([type & 0xff]), d),
  fixarray: (...items: Uint8Array[]) => {
    if (items.length > 15) throw new Error('fixarray holds at most 15 items')
    return cat(Buffer.from([0x90 | items.length]), ...items)
  },
  array16: (...items: Uint8Array[]) => cat(Buffer.from([0xdc]), u16(items.length), ...items),
  array32: (...items: Uint8Array[]) => cat(Buffer.from([0xdd]), u32(items.length), ...items),
  fixmap: (...pairs: Array<[Uint8Array, Uint8Array]>) =>
    cat(Buffer.from([0x80 | pairs.length]), ...pairs.flat()),
  map16: (...pairs: Array<[Uint8Array, Uint8Array]>) =>
    cat(Buffer.from([0xde]), u16(pairs.length), ...pairs.flat()),
  map32: (...pairs: Array<[Uint8Array, Uint8Array]>) =>
    cat(Buffer.from([0xdf]), u32(pairs.length), ...pairs.flat()),
  /** Go's time.Time MarshalBinary v1 in UTC: the 15-byte raw string Consul stores. */
  goTime: (unixSeconds: number, nanos = 0) => {
    const b = Buffer.alloc(15)
    b[0] = 1
    b.writeBigInt64BE(BigInt(unixSeconds) + 62135596800n, 1)
    b.writeInt32BE(nanos, 9)
    b.writeInt16BE(-1, 13)
    return cat(Buffer.from([0xaf]), b)
  },
  cat,
}

/** state.bin from a header value and [type, value] records. */
export function stateBin(header: Uint8Array, records: Array<[number, Uint8Array]>): Buffer {
  return cat(header, ...records.flatMap(([type, value]) => [Buffer.from([type]), value]))
}

export const header = (lastIndex: number) => mp.fixmap([mp.fixstr('LastIndex'), mp.fixint(lastIndex)])
