import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { GcsDestination, validateGcsOptions } from '../../../src/main/services/backups/gcs-destination'
import { gcsError } from '../../../src/main/services/backups/gcs-errors'

const dir = mkdtempSync(join(tmpdir(), 'gcs-settings-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function keyFile(name: string, content: string): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

describe('GCS destination settings', () => {
  it('describes itself by bucket and prefix, with one slash', () => {
    expect(new GcsDestination({ bucket: 'consul-backups', prefix: '/dc1/' }).description).toBe(
      'gcs:consul-backups/dc1',
    )
    expect(new GcsDestination({ bucket: 'consul-backups' }).description).toBe('gcs:consul-backups')
  })

  it('refuses invalid bucket names before any client exists', () => {
    for (const bucket of ['Consul', 'ab', '-backups', 'goog-backups', 'a..b'])
      expect(() => new GcsDestination({ bucket })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      )
  })

  it('refuses a key file that is missing, not JSON, or not a service-account key, without quoting it', () => {
    const secret = '-----BEGIN PRIVATE KEY-----SECRETSECRET'
    const cases: [string, RegExp][] = [
      [join(dir, 'absent.json'), /cannot be read \(ENOENT\)/],
      [keyFile('not-json.json', secret), /is not JSON/],
      [
        keyFile('user.json', JSON.stringify({ type: 'authorized_user', refresh_token: secret })),
        /not a service-account key/,
      ],
      [
        keyFile('half.json', JSON.stringify({ type: 'service_account', private_key: secret })),
        /no client_email/,
      ],
    ]
    for (const [path, message] of cases) {
      let caught: unknown
      try {
        validateGcsOptions({ bucket: 'consul-backups', keyFile: path })
      } catch (error) {
        caught = error
      }
      expect(caught).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) })
      expect(JSON.stringify(caught)).not.toContain('SECRETSECRET')
      expect((caught as Error).message).not.toContain('SECRETSECRET')
    }
  })

  it('takes a service-account key file', () => {
    const path = keyFile(
      'sa.json',
      JSON.stringify({
        type: 'service_account',
        client_email: 'backup@proj.iam.gserviceaccount.com',
        private_key: '-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n',
        project_id: 'proj',
      }),
    )
    expect(validateGcsOptions({ bucket: 'consul-backups', keyFile: path }).key?.client_email).toBe(
      'backup@proj.iam.gserviceaccount.com',
    )
  })

  it('refuses chunk sizes GCS would refuse', () => {
    expect(() => new GcsDestination({ bucket: 'consul-backups', chunkSize: 1_000_000 })).toThrow(
      /multiple of 262144/,
    )
  })
})

describe('GCS errors in plain words', () => {
  const upload = { what: 'upload of consul-1.snap', where: 'gcs:b', bucket: 'b', missing: 'bucket' as const }
  const read = { ...upload, what: 'read of consul-1.snap', missing: 'object' as const }

  it('tells a missing bucket from a missing object', () => {
    const notFound = Object.assign(new Error('Not Found'), { code: 404 })
    expect(gcsError(notFound, upload)).toMatchObject({
      code: 'STORAGE_NOT_FOUND',
      message: expect.stringContaining('"b" does not exist'),
    })
    expect(gcsError(notFound, read)).toMatchObject({ code: 'FILE_NOT_FOUND' })
    const bucketGone = Object.assign(new Error('The specified bucket does not exist.'), { code: 404 })
    expect(gcsError(bucketGone, read)).toMatchObject({ code: 'STORAGE_NOT_FOUND' })
  })

  it('says a key was refused by Google, and that no credentials were found', () => {
    expect(gcsError(new Error('invalid_grant: Invalid JWT Signature.'), upload)).toMatchObject({
      code: 'STORAGE_AUTH',
      message: expect.stringContaining('Google refused the service-account key (invalid_grant)'),
    })
    expect(gcsError(new Error('Could not load the default credentials. Browse to …'), upload)).toMatchObject({
      code: 'STORAGE_AUTH',
      message: expect.stringContaining('no Google credentials were found'),
    })
  })

  it('says the credentials may not do this on 403, and keeps nothing of the request', () => {
    const forbidden = Object.assign(new Error('x does not have storage.objects.create access'), {
      code: 403,
      errors: [{ reason: 'forbidden' }],
      config: { headers: { Authorization: 'Bearer SECRET' } },
    })
    const error = gcsError(forbidden, upload)
    expect(error).toMatchObject({
      code: 'STORAGE_AUTH',
      message: expect.stringContaining('HTTP 403, forbidden'),
    })
    expect(error.cause).toBeUndefined()
    expect(JSON.stringify(error.toPayload())).not.toContain('SECRET')
  })

  it('says an upload broke off when the SDK finds the server lost the bytes it had sent', () => {
    const lost = new RangeError(
      'The offset is lower than the number of bytes written. The server has 0 bytes and while 1572864 bytes has been uploaded',
    )
    expect(gcsError(lost, upload)).toMatchObject({
      code: 'STORAGE_UNREACHABLE',
      message: expect.stringContaining('broke off mid-upload'),
    })
  })
})
