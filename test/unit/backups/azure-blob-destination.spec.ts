import { describe, expect, it } from 'vitest'
import {
  AzureBlobDestination,
  validateAzureBlobOptions,
  type AzureBlobOptions,
} from '../../../src/main/services/backups/azure-blob-destination'
import { azureBlobError } from '../../../src/main/services/backups/azure-blob-errors'

const KEY = Buffer.alloc(64, 3).toString('base64')
const base: AzureBlobOptions = {
  credentials: { kind: 'shared-key', accountName: 'backupsacct', accountKey: KEY },
  container: 'consul-backups',
}

describe('Azure Blob destination settings', () => {
  it('names blobs in the public cloud by default and describes itself without secrets', () => {
    const destination = new AzureBlobDestination({ ...base, prefix: '/dc1/' })
    expect(destination.description).toBe('azure:backupsacct/consul-backups/dc1')
    expect(destination.description).not.toContain(KEY)
  })

  it('takes the Enterprise agent environment names, case-insensitively', () => {
    expect(
      validateAzureBlobOptions({ ...base, environment: 'AZUREUSGOVERNMENTCLOUD' }).cloud.blobSuffix,
    ).toBe('blob.core.usgovcloudapi.net')
    expect(validateAzureBlobOptions({ ...base, environment: 'AzureChinaCloud' }).cloud.blobSuffix).toBe(
      'blob.core.chinacloudapi.cn',
    )
    expect(() => validateAzureBlobOptions({ ...base, environment: 'AzureMoonCloud' })).toThrow(/not known/)
  })

  it('refuses invalid container and account names before any client exists', () => {
    expect(() => new AzureBlobDestination({ ...base, container: 'Consul_Backups' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(
      () =>
        new AzureBlobDestination({
          ...base,
          credentials: { kind: 'shared-key', accountName: 'My-Account', accountKey: KEY },
        }),
    ).toThrow(/account name "My-Account" is not valid/)
  })

  it('refuses incomplete credentials of every kind without quoting them', () => {
    const secret = 'not-base64-$ecret!'
    const attempts: AzureBlobOptions['credentials'][] = [
      { kind: 'shared-key', accountName: 'backupsacct', accountKey: secret },
      { kind: 'sas', accountName: 'backupsacct', sasToken: 'sv=2024-01-01&sp=rwdl' },
      { kind: 'connection-string', connectionString: `AccountKey=${secret}` },
      { kind: 'connection-string', connectionString: secret },
      {
        kind: 'service-principal',
        accountName: 'backupsacct',
        tenantId: 't',
        clientId: '',
        clientSecret: secret,
      },
    ]
    for (const credentials of attempts) {
      let caught: unknown
      try {
        new AzureBlobDestination({ ...base, credentials })
      } catch (error) {
        caught = error
      }
      expect(caught).toMatchObject({ code: 'INVALID_ARGUMENT' })
      expect(String((caught as Error).message)).not.toContain(secret)
    }
  })

  it('refuses an endpoint that carries a query or credentials', () => {
    expect(() => new AzureBlobDestination({ ...base, endpoint: 'https://x.example/acct?sig=abc' })).toThrow(
      /must not carry credentials/,
    )
  })
})

describe('Azure errors in plain words', () => {
  const context = { what: 'upload of consul-1.snap', where: 'azure:acct/c', container: 'c' }

  it('says the credentials were refused, and keeps nothing of the request', () => {
    const sdkError = Object.assign(new Error('Server failed to authenticate the request.'), {
      name: 'RestError',
      code: 'AuthenticationFailed',
      statusCode: 403,
      request: { url: 'https://acct.blob.core.windows.net/c?sig=SECRET' },
    })
    const error = azureBlobError(sdkError, context)
    expect(error).toMatchObject({ code: 'STORAGE_AUTH' })
    expect(error.message).toContain('Azure refused the credentials (AuthenticationFailed)')
    expect(error.cause).toBeUndefined()
    expect(JSON.stringify(error.toPayload())).not.toContain('SECRET')
  })

  it('says which address refused the connection', () => {
    const sdkError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10000'), {
      code: 'REQUEST_SEND_ERROR',
    })
    expect(azureBlobError(sdkError, context).message).toContain(
      'cannot be reached (connection refused by 127.0.0.1:10000)',
    )
  })

  it('says the connection was cut when the service went away mid-request, whether reading or writing', () => {
    for (const [message, code] of [
      ['read ECONNRESET', 'ECONNRESET'],
      ['socket hang up', 'ECONNRESET'],
      ['write EPIPE', 'EPIPE'],
    ]) {
      const sdkError = Object.assign(new Error(message), { code })
      expect(azureBlobError(sdkError, context).message, message).toBe(
        'The upload of consul-1.snap in azure:acct/c failed: the Azure Blob service cannot be reached (the connection was cut).',
      )
    }
  })

  it('names the service principal when Entra ID refuses it', () => {
    const sdkError = Object.assign(new Error('AADSTS7000215: Invalid client secret provided.'), {
      name: 'AuthenticationError',
      errorResponse: { error: 'invalid_client' },
    })
    expect(azureBlobError(sdkError, context)).toMatchObject({
      code: 'STORAGE_AUTH',
      message: expect.stringContaining('refused the service principal (invalid_client)'),
    })
  })
})
