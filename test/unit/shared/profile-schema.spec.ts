import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createHandlers } from '../../../src/main/api/create-handlers'
import { createDispatcher } from '../../../src/main/api/dispatcher'
import { FileSecretStore } from '../../../src/main/services/profiles/file-secret-store'
import { ProfileService } from '../../../src/main/services/profiles/profile-service'
import { AppError } from '../../../src/shared/app-error'
import { profileLimits } from '../../../src/shared/profile-schema'
import type { ProfileInput, ProfileView } from '../../../src/shared/profile-types'
import { createFakeHostServices } from '../api/fake-host-services'

const valid: ProfileInput = {
  name: 'prod-eu',
  environment: { label: 'production', colour: 'red' },
  connection: {
    address: 'https://consul.example:8501',
    useTls: false,
    datacenter: 'eu-1',
    tls: { insecureSkipVerify: false },
  },
  token: { kind: 'set', value: 'super-secret-token' },
}

function withConnection(patch: Partial<ProfileInput['connection']>): ProfileInput {
  return { ...valid, connection: { ...valid.connection, ...patch } }
}

/** What the contract says at the boundary: true when the request reaches the service. */
async function contractAccepts(input: ProfileInput): Promise<boolean> {
  const dispatcher = createDispatcher({
    host: 'browser',
    handlers: createHandlers(
      createFakeHostServices({
        profiles: {
          list: async () => ({ profiles: [], notice: null }),
          create: async () => ({}) as ProfileView,
          update: async () => ({}) as ProfileView,
          duplicate: async () => ({}) as ProfileView,
          remove: async () => undefined,
          importFromEnv: async () => null,
          test: async () => {
            throw new Error('not in this spec')
          },
        },
      }),
    ),
  })
  const reply = await dispatcher.dispatch('c1', 'profiles.create', { input })
  if (!reply.ok) expect(reply.error.code).toBe('INVALID_ARGUMENT')
  return reply.ok
}

/** What the profile service says before it stores anything. */
async function serviceAccepts(input: ProfileInput): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'ss-profile-rules-'))
  const { service } = await ProfileService.open({
    dataDir: dir,
    secrets: new FileSecretStore(join(dir, 's.json')),
  })
  try {
    await service.create(input)
    return true
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('PROFILE_INVALID')
    return false
  }
}

const cases: Array<[string, ProfileInput, boolean]> = [
  ['a complete profile', valid, true],
  [`a name of ${profileLimits.name} characters`, { ...valid, name: 'n'.repeat(profileLimits.name) }, true],
  [
    `a name of ${profileLimits.name + 1} characters`,
    { ...valid, name: 'n'.repeat(profileLimits.name + 1) },
    false,
  ],
  [
    `an environment label of ${profileLimits.environmentLabel + 1} characters`,
    { ...valid, environment: { label: 'l'.repeat(profileLimits.environmentLabel + 1), colour: 'red' } },
    false,
  ],
  [
    `a token of ${profileLimits.secret} characters`,
    { ...valid, token: { kind: 'set', value: 't'.repeat(profileLimits.secret) } },
    true,
  ],
  [
    `a token of ${profileLimits.secret + 1} characters`,
    { ...valid, token: { kind: 'set', value: 't'.repeat(profileLimits.secret + 1) } },
    false,
  ],
  ['a datacenter with a space and a slash', withConnection({ datacenter: 'dc 2/../x' }), false],
  ['an empty CA file path', withConnection({ tls: { caFile: '', insecureSkipVerify: false } }), false],
]

describe('one set of profile rules for the contract and the service', () => {
  it.each(cases)('%s: both accept it or both refuse it', async (_what, input, expected) => {
    expect(await contractAccepts(input)).toBe(expected)
    expect(await serviceAccepts(input)).toBe(expected)
  })
})
