import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateIdentity } from 'age-encryption'
import { recipientOf } from '../../../src/main/services/encryption/age-keys'

// Encryption is a stream stage: a 300 MB snapshot passes through in 64 KiB chunks, so the
// process stays far below the size of the file. A bound measured in a fresh process, not a timing.
const PEAK_RSS_LIMIT_KIB = 200 * 1024
const SIZE = 300 * 1000 * 1000
const child = path.resolve(__dirname, '../../support/age-peak-rss-child.ts')

let dir: string
let identity: string
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'age-memory-'))
  identity = await generateIdentity()
  const block = randomBytes(1 << 20)
  const fd = openSync(path.join(dir, 'big.snap'), 'w')
  for (let written = 0; written < SIZE; written += block.length)
    writeSync(fd, block, 0, Math.min(block.length, SIZE - written))
  closeSync(fd)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function measure(...args: string[]): { outcome: string; peakRssKiB: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', child, ...args], { encoding: 'utf8' })
  return JSON.parse(out.trim().split('\n').pop() as string) as { outcome: string; peakRssKiB: number }
}

describe('age encryption holds memory flat whatever the file size', { timeout: 900_000 }, () => {
  it('encrypts a 300 MB snapshot, and decrypts it again, each under 200 MiB of peak RSS', async () => {
    const encrypted = path.join(dir, 'big.snap.age')
    const sealed = measure('encrypt', path.join(dir, 'big.snap'), encrypted, await recipientOf(identity))
    expect(sealed.outcome).toBe('ok')
    expect(statSync(encrypted).size).toBeGreaterThan(SIZE)
    expect(sealed.peakRssKiB).toBeLessThan(PEAK_RSS_LIMIT_KIB)

    const opened = measure('decrypt', encrypted, '-', identity)
    expect(opened.outcome).toBe('ok')
    expect(opened.peakRssKiB).toBeLessThan(PEAK_RSS_LIMIT_KIB)
  })
})
