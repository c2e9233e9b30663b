import { describe, expect, it } from 'vitest'
import type { PlannedChange } from '../../../src/main/services/selective-restore/kv-plan'
import {
  TXN_MAX_BODY_BYTES,
  TXN_MAX_OPS,
  batchOperations,
  txnOperation,
} from '../../../src/main/services/selective-restore/kv-transactions'

const create = (key: string, bytes = 1, flags = '0'): PlannedChange => ({
  action: 'create',
  key,
  before: null,
  after: { flags, value: Buffer.alloc(bytes, 97) },
})

describe('Consul transaction operations', () => {
  it('writes check-and-set operations: index 0 for a create, the dry run index for an update and a delete', () => {
    expect(JSON.parse(txnOperation(create('a', 2, '7')))).toEqual({
      KV: { Verb: 'cas', Key: 'a', Value: 'YWE=', Flags: 7, Index: 0 },
    })
    // A uint64 beyond 2^53 keeps its exact digits (JSON.stringify of a number would round it).
    expect(txnOperation(create('a', 1, '18446744073709551615'))).toContain('"Flags":18446744073709551615')
    const before = { key: 'b', flags: '0', value: Buffer.from('x'), modifyIndex: 42 }
    expect(
      JSON.parse(
        txnOperation({ action: 'update', key: 'b', before, after: { flags: '3', value: Buffer.from('y') } }),
      ),
    ).toEqual({ KV: { Verb: 'cas', Key: 'b', Value: 'eQ==', Flags: 3, Index: 42 } })
    expect(JSON.parse(txnOperation({ action: 'delete', key: 'b', before, after: null }))).toEqual({
      KV: { Verb: 'delete-cas', Key: 'b', Index: 42 },
    })
  })

  it('keeps every transaction within the operation count and the body size', () => {
    const changes = [
      ...Array.from({ length: 150 }, (_, i) => create(`small/${i}`)),
      ...Array.from({ length: 6 }, (_, i) => create(`mid/${i}`, 120 * 1024)),
    ]
    const batches = batchOperations(changes)
    for (const batch of batches) {
      expect('changes' in batch).toBe(true)
      if (!('changes' in batch)) continue
      expect(batch.changes.length).toBeLessThanOrEqual(TXN_MAX_OPS)
      expect(Buffer.byteLength(`[${batch.bodies.join(',')}]`)).toBeLessThanOrEqual(TXN_MAX_BODY_BYTES)
    }
    expect(batches.flatMap((b) => ('changes' in b ? b.changes : [b.single]))).toEqual(changes)
    expect(batches.map((b) => ('changes' in b ? b.changes.length : 1))).toEqual([64, 64, 25, 3])
  })

  it('sends an operation that no transaction body can hold on its own', () => {
    const big = create('big', 400 * 1024)
    const batches = batchOperations([create('a'), big, create('b')])
    expect(batches).toEqual([
      {
        changes: [expect.objectContaining({ key: 'a' }), expect.objectContaining({ key: 'b' })],
        bodies: expect.any(Array),
      },
      { single: big },
    ])
  })
})
