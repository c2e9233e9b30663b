/**
 * In browser mode the paths in a profile come from a page: a token file, a CA file, a client
 * certificate and key. None may become a way to read a file of the user's and send it out.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resolveConnection, type ConsulConnection } from '../../../src/main/services/consul/consul-connection'
import { loadTlsOptions } from '../../../src/main/services/consul/tls-options'

const secretLines = 'aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = do-not-send-me\n'

describe('host paths given by a page', () => {
  let folder: string

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'host-paths-'))
  })

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  function connection(tokenFile: string, untrustedPaths = true): ConsulConnection {
    return {
      name: 'p',
      settings: {
        address: 'http://127.0.0.1:8500',
        useTls: false,
        tokenFile,
        tls: { insecureSkipVerify: false },
      },
      untrustedPaths,
    }
  }

  it('uses a small, single-line token file the user owns', async () => {
    await writeFile(join(folder, 'token'), '0c2a-token\n')

    const resolved = await resolveConnection(connection(join(folder, 'token')))

    expect(resolved.token).toBe('0c2a-token')
  })

  it.each([
    ['a file of several lines', async (path: string) => writeFile(path, secretLines)],
    ['a large file', async (path: string) => writeFile(path, 'x'.repeat(64 * 1024))],
    ['a folder', async (path: string) => mkdir(path)],
  ])('refuses %s as a token file, without quoting it', async (_what, make) => {
    const path = join(folder, 'not-a-token')
    await make(path)

    const refused = await resolveConnection(connection(path)).catch((error: unknown) => error)

    expect(refused).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(JSON.stringify(refused)).not.toContain('do-not-send-me')
    expect(JSON.stringify(refused)).not.toContain('xxxx')
  })

  it('keeps the Consul CLI’s reading of a token file for the command line', async () => {
    await writeFile(join(folder, 'token'), 'cli-token\n')

    expect((await resolveConnection(connection(join(folder, 'token'), false))).token).toBe('cli-token')
  })

  it.each(['caFile', 'clientCertFile'] as const)(
    'refuses a %s that is not PEM, without quoting it (a client certificate is sent to the server)',
    async (field) => {
      const path = join(folder, 'credentials')
      await writeFile(path, secretLines)
      const key = join(folder, 'key.pem')
      await writeFile(key, secretLines)
      const tls =
        field === 'caFile'
          ? { insecureSkipVerify: false, caFile: path }
          : { insecureSkipVerify: false, clientCertFile: path, clientKeyFile: key }

      const refused = await loadTlsOptions(tls).catch((error: unknown) => error)

      expect(refused).toMatchObject({ code: 'INVALID_ARGUMENT' })
      expect(JSON.stringify(refused)).not.toContain('do-not-send-me')
    },
  )

  it('refuses a CA file whose certificate block does not parse', async () => {
    const path = join(folder, 'ca.pem')
    await writeFile(
      path,
      `-----BEGIN CERTIFICATE-----\n${Buffer.from(secretLines).toString('base64')}\n-----END CERTIFICATE-----\n`,
    )

    await expect(loadTlsOptions({ insecureSkipVerify: false, caFile: path })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
  })
})
