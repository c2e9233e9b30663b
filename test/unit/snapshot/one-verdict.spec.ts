import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  buildSnapshotArchive,
  buildStateBin,
  chunkingStateRecord,
  encodeGo,
  kvsRecord,
  MessageType,
} from '../../support/state-bin-writer'
import { readerVerdicts } from '../../support/reader-verdicts'

const dir = mkdtempSync(path.join(tmpdir(), 'one-verdict-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const keys = Array.from({ length: 309 }, (_, i) =>
  kvsRecord({ key: `k/${String(i).padStart(3, '0')}`, value: `value-${i}` }),
)

async function snapshotFile(name: string, stateBin: Buffer): Promise<string> {
  const file = path.join(dir, name)
  writeFileSync(file, await buildSnapshotArchive(stateBin))
  return file
}

describe('inspect, kv-export and the catalogue give one verdict', () => {
  it('all refuse a state.bin without its header (kv-export used to print two keys and exit 0)', async () => {
    const whole = buildStateBin(5, keys.slice(0, 3))
    const file = await snapshotFile('no-header.snap', whole.subarray(encodeGo({ LastIndex: 5 }).length))
    const verdicts = await readerVerdicts(file)
    expect(verdicts.inspect).toMatchObject({ code: 'SNAPSHOT_STATE_INVALID' })
    expect(verdicts.kvExport).toEqual(verdicts.inspect)
    expect(verdicts.catalogue).toEqual(verdicts.inspect)
  })

  it('all refuse a corrupted map length that shifts the records (kv-export used to drop 8 of 309 keys)', async () => {
    const state = buildStateBin(5, [...keys, chunkingStateRecord()])
    let at = state.indexOf(Buffer.from('k/298'))
    while (!(state[at] === 0x87 && state[at - 1] === MessageType.KVS)) at--
    state[at] = 0x8f // seven fields become fifteen: the next records are read as this one's fields
    const verdicts = await readerVerdicts(await snapshotFile('desync.snap', state))
    expect(verdicts.inspect).toMatchObject({
      code: 'SNAPSHOT_STATE_INVALID',
      message: expect.stringContaining('map key'),
    })
    expect(verdicts.kvExport).toEqual(verdicts.inspect)
    expect(verdicts.catalogue).toEqual(verdicts.inspect)
  })

  it('all accept a KVS record that is no key/value map, which inspect accepts (kv-export used to refuse it)', async () => {
    const state = buildStateBin(5, [
      kvsRecord({ key: 'a', value: '1' }),
      { type: MessageType.KVS, value: ['not', 'a', 'map'] },
      kvsRecord({ key: 'b', value: '2' }),
    ])
    const verdicts = await readerVerdicts(await snapshotFile('odd-record.snap', state))
    expect(verdicts).toEqual({
      inspect: 'ok',
      kvExport: 'ok',
      catalogue: 'ok',
      exportedKeys: 2,
      exportMatchesCatalogue: true,
    })
  })

  it('all refuse a value whose length claims 4 GB more than the file holds', async () => {
    const header = encodeGo({ LastIndex: 5 })
    const claim = Buffer.concat([
      header,
      Buffer.from([MessageType.KVS, 0x81, 0xa5]),
      Buffer.from('Value'),
      Buffer.from([0xdb, 0xff, 0xff, 0xff, 0xf0]),
      Buffer.alloc(4096),
    ])
    const verdicts = await readerVerdicts(await snapshotFile('claim.snap', claim))
    expect(verdicts.inspect).toMatchObject({ code: 'SNAPSHOT_STATE_INVALID' })
    expect(verdicts.kvExport).toEqual(verdicts.inspect)
    expect(verdicts.catalogue).toEqual(verdicts.inspect)
  })
})
