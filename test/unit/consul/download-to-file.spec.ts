import { mkdtemp, open, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { downloadToFile } from '../../../src/main/services/consul/download-to-file'
import { TransferMeter } from '../../../src/main/services/consul/transfer-meter'

const MIB = 1024 * 1024
const CHUNKS = 24

let dir: string
let datasync: ReturnType<typeof vi.spyOn>
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-download-'))
  // FileHandle is not exported; its prototype is reached through an open handle.
  const probe = await open(join(dir, 'probe'), 'w')
  const prototype = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> }
  await probe.close()
  datasync = vi.spyOn(prototype, 'datasync')
})
afterEach(() => {
  datasync.mockRestore()
})

/** CHUNKS mebibytes, each filled with its own number; `onLast` runs as the last one is handed over. */
async function* body(onLast: () => void = () => undefined): AsyncGenerator<Uint8Array> {
  for (let index = 0; index < CHUNKS; index++) {
    if (index === CHUNKS - 1) onLast()
    yield Buffer.alloc(MIB, index)
  }
}

describe('downloadToFile', () => {
  it('syncs the file in the background while the body arrives, so the end flushes only its last megabytes', async () => {
    let syncsBeforeTheEnd = -1
    const path = join(dir, 'a.part')
    await downloadToFile(
      body(() => (syncsBeforeTheEnd = datasync.mock.calls.length)),
      path,
      new TransferMeter({ totalBytes: null }),
    )
    expect(syncsBeforeTheEnd).toBeGreaterThan(0)
    const written = await readFile(path)
    expect(written.length).toBe(CHUNKS * MIB)
    for (let index = 0; index < CHUNKS; index++) expect(written[index * MIB + MIB - 1]).toBe(index)
  })

  it('fails when a background sync fails: what was written may not be on the disk', async () => {
    const failure = Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })
    datasync.mockImplementation(() => Promise.reject(failure))
    await expect(
      downloadToFile(body(), join(dir, 'b.part'), new TransferMeter({ totalBytes: null })),
    ).rejects.toBe(failure)
  })
})
