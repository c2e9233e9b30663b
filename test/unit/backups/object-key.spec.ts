import { describe, expect, it } from 'vitest'
import { nameInPrefix, normalisePrefix, objectKey } from '../../../src/main/services/backups/object-key'

describe('object keys in remote stores', () => {
  it('joins prefix and name with exactly one slash, and none without a prefix', () => {
    expect(objectKey(normalisePrefix('backups/'), 'consul-1.snap')).toBe('backups/consul-1.snap')
    expect(objectKey(normalisePrefix('/team/consul//'), 'consul-1.snap')).toBe('team/consul/consul-1.snap')
    expect(objectKey(normalisePrefix(''), 'consul-1.snap')).toBe('consul-1.snap')
    expect(objectKey(normalisePrefix(null), 'consul-1.snap')).toBe('consul-1.snap')
  })

  it('refuses names that could climb or nest', () => {
    for (const bad of ['', '../x.snap', 'a/b.snap', 'a\\b.snap', '.hidden'])
      expect(() => objectKey('p', bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  it('reads back the name under the prefix and ignores deeper or foreign keys', () => {
    expect(nameInPrefix('p', 'p/consul-1.snap')).toBe('consul-1.snap')
    expect(nameInPrefix('p', 'p/deeper/consul-1.snap')).toBeNull()
    expect(nameInPrefix('p', 'pq/consul-1.snap')).toBeNull()
    expect(nameInPrefix('', 'consul-1.snap')).toBe('consul-1.snap')
    expect(nameInPrefix('', 'p/consul-1.snap')).toBeNull()
  })
})
