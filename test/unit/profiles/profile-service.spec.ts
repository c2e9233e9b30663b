import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import type { ProfileInput } from '../../../src/shared/profile-types'
import { FileSecretStore } from '../../../src/main/services/profiles/file-secret-store'
import { ProfileService } from '../../../src/main/services/profiles/profile-service'

let dir: string
let ids: number
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-profiles-'))
  ids = 0
})

const open = () =>
  ProfileService.open({
    dataDir: dir,
    secrets: new FileSecretStore(join(dir, 'secrets.json')),
    clock: () => new Date('2026-11-26T00:00:00Z'),
    newId: () => `p${++ids}`,
  })

const input = (over: Partial<ProfileInput> = {}): ProfileInput => ({
  name: 'prod-eu',
  environment: { label: 'production', colour: 'red' },
  connection: {
    address: 'https://consul.example:8501',
    useTls: false,
    datacenter: 'eu-1',
    tls: { caFile: '/etc/consul/ca.pem', insecureSkipVerify: false },
  },
  token: { kind: 'set', value: 'super-secret-token' },
  ...over,
})

describe('ProfileService', () => {
  it('creates a profile whose view says a token is set but never carries it', async () => {
    const { service } = await open()
    const view = await service.create(input())
    expect(view).toMatchObject({
      id: 'p1',
      name: 'prod-eu',
      tokenSet: true,
      basicAuthPasswordSet: false,
      secretStorage: 'plain-file',
    })
    expect(JSON.stringify(view)).not.toContain('super-secret-token')
    expect(JSON.stringify(service.list())).not.toContain('super-secret-token')
    expect(await readFile(join(dir, 'profiles.json'), 'utf8')).not.toContain('super-secret-token')
    expect((await service.connectionFor('p1')).token).toBe('super-secret-token')
  })

  it('creates its data folder on first use, private to the user', async () => {
    const fresh = join(dir, 'not-yet', 'data')
    const { service } = await ProfileService.open({
      dataDir: fresh,
      secrets: new FileSecretStore(join(fresh, 'secrets.json')),
    })

    await service.create(input())

    expect((await stat(fresh)).mode & 0o777).toBe(0o700)
    expect((await stat(join(dir, 'not-yet'))).mode & 0o777).toBe(0o700)
    expect(service.list().map((p) => p.name)).toEqual(['prod-eu'])
  })

  it('keeps secrets in a 0600 file', async () => {
    const { service } = await open()
    await service.create(input())
    expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600)
  })

  it('persists across restarts, and keeps, replaces or clears the token as asked', async () => {
    const first = await open()
    await first.service.create(input())
    const { service } = await open()
    expect(service.list().map((p) => p.name)).toEqual(['prod-eu'])
    await service.update('p1', { ...input({ name: 'prod-eu-2' }), token: { kind: 'keep' } })
    expect((await service.connectionFor('p1')).token).toBe('super-secret-token')
    await service.update('p1', { ...input(), token: { kind: 'set', value: 'rotated' } })
    expect((await service.connectionFor('p1')).token).toBe('rotated')
    const cleared = await service.update('p1', { ...input(), token: { kind: 'clear' } })
    expect(cleared.tokenSet).toBe(false)
    expect((await service.connectionFor('p1')).token).toBeUndefined()
  })

  it('duplicates a profile with its secrets under a free name', async () => {
    const { service } = await open()
    await service.create(input())
    const copy = await service.duplicate('p1')
    expect(copy).toMatchObject({ name: 'prod-eu copy', tokenSet: true })
    expect((await service.connectionFor(copy.id)).token).toBe('super-secret-token')
    expect((await service.duplicate('p1')).name).toBe('prod-eu copy 2')
  })

  it('removes a profile and its secrets', async () => {
    const { service } = await open()
    await service.create(input())
    await service.remove('p1')
    expect(service.list()).toEqual([])
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).not.toContain('super-secret-token')
    await expect(service.remove('p1')).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' })
  })

  it('refuses duplicate names, bad addresses and half a client certificate', async () => {
    const { service } = await open()
    await service.create(input())
    await expect(service.create(input({ name: 'PROD-EU' }))).rejects.toMatchObject({
      code: 'PROFILE_INVALID',
    })
    await expect(
      service.create(
        input({
          name: 'x',
          connection: { address: 'ftp://x', useTls: false, tls: { insecureSkipVerify: false } },
        }),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(
      service.create(
        input({
          name: 'y',
          connection: {
            address: 'x:1',
            useTls: true,
            tls: { clientCertFile: '/c.pem', insecureSkipVerify: false },
          },
        }),
      ),
    ).rejects.toMatchObject({ code: 'PROFILE_INVALID' })
    await expect(service.create({ name: '' })).rejects.toMatchObject({ code: 'PROFILE_INVALID' })
  })

  it('keeps a damaged profiles file aside and says where, instead of replacing it', async () => {
    await writeFile(join(dir, 'profiles.json'), '{"version":1,"profiles":[{"id":')
    const { service, notice } = await open()
    expect(notice).toMatchObject({
      kind: 'corrupt-file-kept-aside',
      reason: expect.stringMatching(/not valid JSON/),
    })
    expect(service.list()).toEqual([])
    expect(await readFile(notice!.keptAsidePath, 'utf8')).toBe('{"version":1,"profiles":[{"id":')
    expect((await readdir(dir)).filter((n) => n.startsWith('profiles.json.corrupt-'))).toHaveLength(1)
  })

  it('drafts a profile from the Consul CLI\u2019s environment without saving it', async () => {
    const { service } = await open()
    const draft = service.importFromEnv({
      CONSUL_HTTP_ADDR: 'https://c:8501',
      CONSUL_HTTP_TOKEN: 't',
      CONSUL_CACERT: '/ca.pem',
    })
    expect(draft.input.connection).toMatchObject({ address: 'https://c:8501', tls: { caFile: '/ca.pem' } })
    expect(draft.input.token).toMatchObject({ kind: 'set' })
    expect(draft.usedVariables).toEqual(['CONSUL_HTTP_ADDR', 'CONSUL_HTTP_TOKEN', 'CONSUL_CACERT'])
    expect(service.list()).toEqual([])
  })
})

describe('secrets and the endpoint they were given for', () => {
  const moved: Array<[string, (connection: ProfileInput['connection']) => ProfileInput['connection']]> = [
    ['address', (c) => ({ ...c, address: 'http://attacker.example:8500' })],
    ['TLS setting', (c) => ({ ...c, tls: { ...c.tls, insecureSkipVerify: true } })],
    ['CA file', (c) => ({ ...c, tls: { ...c.tls, caFile: '/tmp/other-ca.pem' } })],
    ['token file', (c) => ({ ...c, tokenFile: '/tmp/token' })],
  ]

  it.each(moved)('drops the kept token and password when the %s changes', async (_what, move) => {
    const { service } = await open()
    await service.create({ ...input(), basicAuthPassword: { kind: 'set', value: 'pw' } })

    const view = await service.update('p1', {
      ...input(),
      connection: move(input().connection),
      token: { kind: 'keep' },
    })
    const connection = await service.connectionFor('p1')

    expect(view).toMatchObject({ tokenSet: false, basicAuthPasswordSet: false })
    expect(connection.token).toBeUndefined()
    expect(connection.basicAuthPassword).toBeUndefined()
  })

  it('keeps a token entered again with the new endpoint, and keeps it across edits that do not move it', async () => {
    const { service } = await open()
    await service.create(input())

    await service.update('p1', {
      ...input(),
      connection: { ...input().connection, address: 'https://new.example:8501' },
      token: { kind: 'set', value: 'given-again' },
    })
    await service.update('p1', {
      ...input({ name: 'renamed' }),
      connection: { ...input().connection, address: 'https://new.example:8501', datacenter: 'eu-2' },
      token: { kind: 'keep' },
    })

    expect((await service.connectionFor('p1')).token).toBe('given-again')
  })

  it('never puts an imported token in the draft the renderer receives, yet saves and tests with it', async () => {
    const { service } = await open()
    const env = {
      CONSUL_HTTP_ADDR: 'https://c:8501',
      CONSUL_HTTP_TOKEN: 'token-from-env',
      CONSUL_HTTP_AUTH: 'u:pw-from-env',
    }

    const draft = service.importFromEnv(env)
    const tested = service.resolveDraft(draft.input)
    const saved = await service.create(draft.input)

    expect(JSON.stringify(draft)).not.toContain('token-from-env')
    expect(JSON.stringify(draft)).not.toContain('pw-from-env')
    expect(tested.token).toEqual({ kind: 'set', value: 'token-from-env' })
    expect(saved.tokenSet).toBe(true)
    expect((await service.connectionFor(saved.id)).token).toBe('token-from-env')
    expect((await service.connectionFor(saved.id)).basicAuthPassword).toBe('pw-from-env')
  })

  it('warns before an imported token goes over plain http to another machine, not to this one', async () => {
    const { service } = await open()

    const remote = service.importFromEnv({
      CONSUL_HTTP_ADDR: 'http://consul.example:8500',
      CONSUL_HTTP_TOKEN: 't',
    })
    const local = service.importFromEnv({ CONSUL_HTTP_ADDR: '127.0.0.1:8500', CONSUL_HTTP_TOKEN: 't' })
    const secure = service.importFromEnv({
      CONSUL_HTTP_ADDR: 'https://consul.example:8501',
      CONSUL_HTTP_TOKEN: 't',
    })

    expect(remote.warnings.join(' ')).toMatch(/consul\.example over plain http/)
    expect(local.warnings.join(' ')).not.toMatch(/plain http/)
    expect(secure.warnings.join(' ')).not.toMatch(/plain http/)
  })

  it('refuses a reference it did not hand out', async () => {
    const { service } = await open()

    await expect(
      service.create({ ...input(), token: { kind: 'set', value: 'from-environment:guess' } }),
    ).rejects.toMatchObject({ code: 'PROFILE_INVALID' })
  })
})

describe('FileSecretStore', () => {
  it('stores values encrypted when given a cipher', async () => {
    const cipher = {
      encrypt: (s: string) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
      decrypt: (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
    }
    const store = new FileSecretStore(join(dir, 'secrets.json'), cipher)
    await store.set('k', 'plain-secret')
    expect(store.kind).toBe('encrypted')
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).not.toContain('plain-secret')
    expect(await new FileSecretStore(join(dir, 'secrets.json'), cipher).get('k')).toBe('plain-secret')
  })

  it('refuses a damaged secrets file rather than overwriting it', async () => {
    await writeFile(join(dir, 'secrets.json'), 'not json')
    const store = new FileSecretStore(join(dir, 'secrets.json'))
    await expect(store.set('k', 'v')).rejects.toMatchObject({ code: 'SETTINGS_CORRUPT' })
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).toBe('not json')
  })
})

describe('FileSecretStore formats', () => {
  it('refuses to read encrypted secrets as plain text, and says what to do instead', async () => {
    const cipher = {
      encrypt: (s: string) => Buffer.from(s).reverse(),
      decrypt: (b: Buffer) => Buffer.from(b).reverse().toString(),
    }
    await new FileSecretStore(join(dir, 'secrets.json'), cipher).set('k', 'v')
    await expect(new FileSecretStore(join(dir, 'secrets.json')).get('k')).rejects.toMatchObject({
      code: 'SETTINGS_CORRUPT',
      hint: expect.stringMatching(/-token-file/),
    })
  })
})
