import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import type { ProfileInput } from '../../../src/shared/profile-types'
import { FileSecretStore } from '../../../src/main/services/profiles/file-secret-store'
import { ProfileService } from '../../../src/main/services/profiles/profile-service'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-protection-'))
})

const open = () =>
  ProfileService.open({ dataDir: dir, secrets: new FileSecretStore(join(dir, 'secrets.json')) })

const input = (over: Partial<ProfileInput> = {}): ProfileInput => ({
  name: 'prod',
  environment: { label: 'production', colour: 'red' },
  connection: { address: 'http://127.0.0.1:8500', useTls: false, tls: { insecureSkipVerify: false } },
  ...over,
})

describe('profile protection levels', () => {
  it('loads a profile file written before protection levels existed, each profile as normal', async () => {
    const old = {
      version: 1,
      profiles: [
        {
          id: 'a',
          name: 'old',
          environment: { label: '', colour: 'grey' },
          connection: { address: '127.0.0.1:8500', useTls: false, tls: { insecureSkipVerify: false } },
          hasToken: false,
          hasBasicAuthPassword: false,
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z',
        },
      ],
    }
    await writeFile(join(dir, 'profiles.json'), JSON.stringify(old))
    const { service, notice } = await open()
    expect(notice).toBeUndefined()
    expect(service.list().map((p) => [p.name, p.protection])).toEqual([['old', 'normal']])
    expect((await service.connectionFor('a')).protection).toBe('normal')
  })

  it('makes a new profile normal unless told otherwise, and stores the level it is given', async () => {
    const { service } = await open()
    expect((await service.create(input({ name: 'plain' }))).protection).toBe('normal')
    const guarded = await service.create(input({ name: 'guarded', protection: 'protected' }))
    expect(guarded.protection).toBe('protected')
    const reopened = (await open()).service
    expect(reopened.get(guarded.id).protection).toBe('protected')
    expect(JSON.parse(await readFile(join(dir, 'profiles.json'), 'utf8')).profiles[1].protection).toBe(
      'protected',
    )
  })

  it('keeps the level through an edit that does not name it, so a form without the field never lowers it', async () => {
    const { service } = await open()
    const view = await service.create(input({ protection: 'read-only' }))
    const edited = await service.update(view.id, input({ name: 'prod renamed' }))
    expect(edited.protection).toBe('read-only')
    expect((await service.update(view.id, input({ protection: 'normal' }))).protection).toBe('normal')
  })

  it('carries the level into the main-process connection and into a duplicate', async () => {
    const { service } = await open()
    const view = await service.create(input({ protection: 'protected' }))
    expect((await service.connectionFor(view.id)).protection).toBe('protected')
    expect((await service.duplicate(view.id)).protection).toBe('protected')
  })

  it('refuses a level it does not know', async () => {
    const { service } = await open()
    await expect(
      service.create({ ...input(), protection: 'relaxed' } as unknown as ProfileInput),
    ).rejects.toMatchObject({ code: 'PROFILE_INVALID' })
  })
})
