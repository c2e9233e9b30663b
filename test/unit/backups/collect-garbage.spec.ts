// The daemon collects the garbage of a cycle right after it, rather than leaving it resident
// for the whole interval: collectGarbage() runs a full collection without --expose-gc.
import { describe, expect, it } from 'vitest'
import { collectGarbage } from '../../../src/main/services/backups/collect-garbage'

describe('collectGarbage', () => {
  it('frees an object nothing refers to any more', async () => {
    const ref = (() => new WeakRef({ payload: new Uint8Array(1024 * 1024) }))()
    // WeakRef targets survive until the end of the current job; let it end.
    await new Promise<void>((resolve) => setImmediate(resolve))
    collectGarbage()
    expect(ref.deref()).toBeUndefined()
  })

  it('can be called again, every cycle', () => {
    expect(() => {
      collectGarbage()
      collectGarbage()
    }).not.toThrow()
  })
})
