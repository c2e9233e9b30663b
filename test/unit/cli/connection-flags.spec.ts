import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CONNECTION_FLAGS,
  STALE_FLAG,
  connectionFromFlags,
  staleFlag,
} from '../../../src/main/cli/connection-flags'
import { parseFlags } from '../../../src/main/cli/parse-flags'
import { FileSecretStore, ProfileService } from '../../../src/main/services/profiles'

const io = (env: Record<string, string> = {}) => ({
  stdout: { write: () => true },
  stderr: { write: () => true },
  env,
  cwd: '/',
})
const parse = (argv: string[]) => parseFlags(argv, [...CONNECTION_FLAGS, STALE_FLAG])

describe('connectionFromFlags', () => {
  it('reads the Consul CLI flags over the CONSUL_* variables', async () => {
    const { connection } = await connectionFromFlags(
      parse([
        '-http-addr=https://c:8501',
        '-ca-file',
        '/ca.pem',
        '-client-cert',
        '/c.pem',
        '-client-key',
        '/k.pem',
        '-tls-server-name',
        'server.dc1.consul',
        '-datacenter',
        'dc2',
        '-stale',
      ]),
      io({ CONSUL_HTTP_ADDR: 'other:8500', CONSUL_CACERT: '/env-ca.pem' }),
    )
    expect(connection.settings).toMatchObject({
      address: 'https://c:8501',
      datacenter: 'dc2',
      tls: {
        caFile: '/ca.pem',
        clientCertFile: '/c.pem',
        clientKeyFile: '/k.pem',
        serverName: 'server.dc1.consul',
      },
    })
    expect(staleFlag(parse(['-stale']))).toBe(true)
  })

  it.each([
    // [flags, env, expected token, expected token file]
    [
      ['-token-file', '/flag-file', '-token', 'flag'],
      { CONSUL_HTTP_TOKEN_FILE: '/env-file', CONSUL_HTTP_TOKEN: 'env' },
      undefined,
      '/flag-file',
    ],
    [
      ['-token', 'flag'],
      { CONSUL_HTTP_TOKEN_FILE: '/env-file', CONSUL_HTTP_TOKEN: 'env' },
      'flag',
      undefined,
    ],
    [[], { CONSUL_HTTP_TOKEN_FILE: '/env-file', CONSUL_HTTP_TOKEN: 'env' }, 'env', '/env-file'],
    [[], { CONSUL_HTTP_TOKEN: 'env' }, 'env', undefined],
  ])(
    'orders tokens -token-file > -token > CONSUL_HTTP_TOKEN_FILE > CONSUL_HTTP_TOKEN (%j)',
    async (argv, env, token, tokenFile) => {
      const { connection } = await connectionFromFlags(parse(argv), io(env))
      // A token file, when set, is what resolveConnection reads; the literal token is the fallback.
      expect(connection.settings.tokenFile).toBe(tokenFile)
      if (tokenFile === undefined) expect(connection.token).toBe(token)
    },
  )

  it('uses a saved profile by name, flags still overriding it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ss-cli-profiles-'))
    const { service } = await ProfileService.open({
      dataDir,
      secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
    })
    await service.create({
      name: 'prod',
      environment: { label: 'production', colour: 'red' },
      connection: { address: 'prod:8500', useTls: false, tls: { insecureSkipVerify: false } },
      token: { kind: 'set', value: 'saved' },
    })
    const { connection } = await connectionFromFlags(
      parse(['--profile', 'prod', '-datacenter', 'dc9']),
      io({ SNAPSHOT_STUDIO_DATA_DIR: dataDir }),
    )
    expect(connection).toMatchObject({
      name: 'prod',
      token: 'saved',
      settings: { address: 'prod:8500', datacenter: 'dc9' },
    })
    await expect(
      connectionFromFlags(parse(['--profile', 'nope']), io({ SNAPSHOT_STUDIO_DATA_DIR: dataDir })),
    ).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' })
  })
})
