import { describe, expect, it } from 'vitest'
import { validateAzureBlobOptions } from '../../../src/main/services/backups/azure-blob-options'
import { validateGcsOptions } from '../../../src/main/services/backups/gcs-options'
import { storeEndpoint } from '../../../src/main/services/backups/store-endpoint'

describe('a store endpoint (Azure Blob, GCS)', () => {
  it('is an http(s) address kept without its trailing slashes; none given is null', () => {
    expect(storeEndpoint('GCS', 'http://127.0.0.1:4443/')).toBe('http://127.0.0.1:4443')
    expect(storeEndpoint('Azure', 'https://acct.example/devstoreaccount1//')).toBe(
      'https://acct.example/devstoreaccount1',
    )
    expect(storeEndpoint('GCS', null)).toBeNull()
    expect(storeEndpoint('GCS', '')).toBeNull()
  })

  it('refuses what is not an http(s) URL, naming the store', () => {
    expect(() => storeEndpoint('GCS', 'storage.example')).toThrow(
      'GCS endpoint "storage.example" is not a URL.',
    )
    expect(() => storeEndpoint('Azure', 'ftp://blob.example')).toThrow(
      'Azure endpoint "ftp://blob.example" must start with https:// or http://.',
    )
  })

  it('refuses credentials or a query in the address, and never repeats them', () => {
    for (const value of ['https://user:hunter2@blob.example', 'https://blob.example/acct?sig=hunter2']) {
      let message = ''
      try {
        storeEndpoint('Azure', value, 'give the SAS token on its own')
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toBe(
        'The Azure endpoint must not carry credentials or a query; give the SAS token on its own.',
      )
      expect(message).not.toContain('hunter2')
    }
  })

  it('is the check both stores apply to their options', () => {
    expect(() => validateGcsOptions({ bucket: 'backups', endpoint: 'http://x.example/?key=1' })).toThrow(
      'The GCS endpoint must not carry credentials or a query.',
    )
    expect(
      validateAzureBlobOptions({
        credentials: { kind: 'shared-key', accountName: 'devstoreaccount1', accountKey: 'a2V5' },
        container: 'backups',
        endpoint: 'http://127.0.0.1:10000/devstoreaccount1/',
      }).endpoint,
    ).toBe('http://127.0.0.1:10000/devstoreaccount1')
  })
})
