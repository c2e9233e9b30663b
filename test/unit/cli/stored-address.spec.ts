import { describe, expect, it } from 'vitest'
import { parseStoredAddress, requireObject, STORED_ADDRESS_FLAGS } from '../../../src/main/cli/stored-address'

describe('parseStoredAddress', () => {
  it('reads a bucket, a prefix and an object name from each store\u2019s scheme', () => {
    expect(parseStoredAddress('s3://backups/consul/prod/consul-1.snap')).toMatchObject({
      scheme: 's3',
      container: 'backups',
      prefix: 'consul/prod',
      name: 'consul-1.snap',
    })
    expect(parseStoredAddress('az://snapshots/consul-1.snap.age')).toMatchObject({
      scheme: 'az',
      container: 'snapshots',
      prefix: '',
      name: 'consul-1.snap.age',
    })
    expect(parseStoredAddress('GS://bucket/dc1/')).toMatchObject({
      scheme: 'gs',
      container: 'bucket',
      prefix: 'dc1',
      name: null,
    })
    expect(parseStoredAddress('s3://bucket')).toMatchObject({ container: 'bucket', prefix: '', name: null })
  })

  it('leaves local paths alone, even ones that look a little like addresses', () => {
    expect(parseStoredAddress('backup.snap')).toBeNull()
    expect(parseStoredAddress('/var/backups/s3://x.snap')).toBeNull()
    expect(parseStoredAddress('https://example.com/backup.snap')).toBeNull()
  })

  it('refuses addresses without a bucket, with empty folders, or naming . or ..', () => {
    expect(() => parseStoredAddress('s3:///key.snap')).toThrow(/names no bucket/)
    expect(() => parseStoredAddress('az:///blob')).toThrow(/names no container/)
    expect(() => parseStoredAddress('s3://bucket//key.snap')).toThrow(/empty folder/)
    expect(() => parseStoredAddress('gs://bucket/dc1/..')).toThrow(/does not name an object/)
  })

  it('asks for an object where a command reads one backup', () => {
    expect(() => requireObject(parseStoredAddress('s3://bucket/dc1/')!)).toThrow(/names a folder/)
    expect(requireObject(parseStoredAddress('s3://bucket/dc1/consul-1.snap')!)).toBe('consul-1.snap')
  })
})

describe('STORED_ADDRESS_FLAGS', () => {
  it('takes the agent\u2019s store flags except those the address already says', () => {
    const names = STORED_ADDRESS_FLAGS.map((flag) => flag.name)
    expect(names).toEqual(
      expect.arrayContaining(['aws-s3-endpoint', 'azure-blob-account-name', 'gcs-endpoint']),
    )
    expect(names).not.toEqual(expect.arrayContaining(['aws-s3-bucket']))
    expect(names.filter((name) => /bucket|container-name|prefix|static-snapshot/.test(name))).toEqual([])
  })
})
