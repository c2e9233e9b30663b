import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { TarReader } from '../../../src/main/services/snapshot/tar-reader'
import { tarArchive, ustarHeader } from '../../support/snapshot-builder'

function read(
  bytes: Uint8Array,
  chunk = 100,
): { entries: Array<{ name: string; data: string }>; trailing: number } {
  const entries: Array<{ name: string; data: string }> = []
  const reader = new TarReader((header) => {
    const entry = { name: header.name, data: '' }
    entries.push(entry)
    return { data: (c) => (entry.data += Buffer.from(c).toString('latin1')), end: () => undefined }
  })
  for (let i = 0; i < bytes.length; i += chunk) reader.push(bytes.subarray(i, i + chunk))
  reader.finish()
  return { entries, trailing: reader.trailingBytes }
}

function readError(bytes: Uint8Array): AppError {
  try {
    read(bytes)
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected a failure')
}

const pax = (records: Record<string, string>) => {
  let body = ''
  for (const [key, value] of Object.entries(records)) {
    const rest = ` ${key}=${value}\n`
    let length = rest.length + 1
    while (String(length).length + rest.length !== length) length++
    body += `${length}${rest}`
  }
  return Buffer.from(body)
}

describe('TarReader', () => {
  it('reads entries with their data, whatever the chunk size', () => {
    const tar = tarArchive([
      { name: 'a', data: Buffer.from('hello') },
      { name: 'b', data: Buffer.alloc(1000, 0x62) },
      { name: 'empty', data: Buffer.alloc(0) },
    ])
    for (const chunk of [1, 7, 512, 100000]) {
      const { entries, trailing } = read(tar, chunk)
      expect(entries.map((e) => [e.name, e.data.length])).toEqual([
        ['a', 5],
        ['b', 1000],
        ['empty', 0],
      ])
      expect(trailing).toBe(0)
    }
  })

  it('gives link, device, directory and FIFO entries no data, whatever their size says, as Go does', () => {
    // The bytes after such a header are the next header: here a regular entry hidden as "data".
    const hidden = tarArchive([{ name: 'hidden', data: Buffer.from('inner') }]).subarray(0, -1024)
    for (const typeflag of ['1', '2', '3', '4', '5', '6']) {
      const tar = tarArchive([{ name: 'special', data: hidden, typeflag }])
      expect(read(tar).entries).toEqual([
        { name: 'special', data: '' },
        { name: 'hidden', data: 'inner' },
      ])
    }
  })

  it('counts every byte after the two end blocks', () => {
    expect(
      read(tarArchive([{ name: 'a', data: Buffer.from('x') }], { trailing: Buffer.alloc(8704) })).trailing,
    ).toBe(8704)
  })

  it('ends cleanly at a header boundary without end blocks, as Go does', () => {
    expect(read(tarArchive([{ name: 'a', data: Buffer.from('x') }], { endBlocks: 0 })).entries).toHaveLength(
      1,
    )
    expect(read(tarArchive([{ name: 'a', data: Buffer.from('x') }], { endBlocks: 1 })).entries).toHaveLength(
      1,
    )
  })

  it('applies PAX path and size records to the next entry', () => {
    const tar = tarArchive([
      { name: 'PaxHeaders/x', data: pax({ path: 'meta.json', size: '3' }), typeflag: 'x' },
      { name: 'short', data: Buffer.from('abc') },
    ])
    expect(read(tar).entries).toEqual([{ name: 'meta.json', data: 'abc' }])
  })

  it('takes GNU long names', () => {
    const tar = tarArchive([
      { name: '././@LongLink', data: Buffer.from('a/'.repeat(80) + 'state.bin\0'), typeflag: 'L' },
      { name: 'truncated', data: Buffer.from('z') },
    ])
    expect(read(tar).entries).toEqual([{ name: 'a/'.repeat(80) + 'state.bin', data: 'z' }])
  })

  it('reads base-256 sizes', () => {
    const header = ustarHeader({ name: 'big', size: 0 })
    header.fill(0, 124, 136)
    header[124] = 0x80
    header[135] = 2
    header.fill(0x20, 148, 156)
    let sum = 0
    for (const b of header) sum += b
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1')
    const tar = Buffer.concat([header, Buffer.from('hi'), Buffer.alloc(510), Buffer.alloc(1024)])
    expect(read(tar).entries).toEqual([{ name: 'big', data: 'hi' }])
  })

  it('rejects a damaged header checksum', () => {
    const tar = tarArchive([
      { name: 'a', data: Buffer.from('x') },
      { name: 'b', data: Buffer.from('y') },
    ])
    tar[1024 + 10]! ^= 1
    expect(readError(tar).code).toBe('SNAPSHOT_NOT_TAR')
  })

  it('rejects a header after a single zero block', () => {
    const tar = Buffer.concat([
      tarArchive([{ name: 'a', data: Buffer.from('x') }], { endBlocks: 1 }),
      ustarHeader({ name: 'b', size: 0 }),
    ])
    expect(readError(tar).code).toBe('SNAPSHOT_NOT_TAR')
  })

  it('reports data cut inside an entry as truncated', () => {
    expect(readError(tarArchive([{ name: 'a', data: Buffer.alloc(600) }]).subarray(0, 700)).code).toBe(
      'SNAPSHOT_TRUNCATED',
    )
  })
})
