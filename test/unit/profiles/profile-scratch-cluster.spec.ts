import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import type { ProfileInput } from '../../../src/shared/profile-types'
import { FileSecretStore } from '../../../src/main/services/profiles/file-secret-store'
import { ProfileService } from '../../../src/main/services/profiles/profile-service'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-scratch-'))
})

const open = () =>
  ProfileService.open({ dataDir: dir, secrets: new FileSecretStore(join(dir, 'secrets.json')) })

const input = (over: Partial<ProfileInput> = {}): ProfileInput => ({
  name: 'drills',
  environment: { label: 'scratch', colour: 'grey' },
  connection: { address: 'http://127.0.0.1:8500', useTls: false, tls: { insecureSkipVerify: false } },
  ...over,
})

describe('profiles marked as scratch clusters', () => {
  it('loads a profile file written before the mark existed with every profile unmarked', async () => {
    const old = {
      version: 1,
      profiles: [
        {
          id: 'a',
          name: 'old',
          environment: { label: '', colour: 'grey' },
          protection: 'normal',
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
    expect(service.list().map((p) => [p.name, p.scratchCluster])).toEqual([['old', false]])
    expect((await service.connectionFor('a')).scratchCluster).toBe(false)
  })

  it('stores the mark, carries it to the connection, and keeps it through an edit that leaves it out', async () => {
    const { service } = await open()
    expect((await service.create(input({ name: 'plain' }))).scratchCluster).toBe(false)
    const scratch = await service.create(input({ scratchCluster: true }))
    expect(scratch.scratchCluster).toBe(true)
    expect(JSON.parse(await readFile(join(dir, 'profiles.json'), 'utf8')).profiles[1].scratchCluster).toBe(
      true,
    )
    const edited = await service.update(
      scratch.id,
      input({ environment: { label: 'drills', colour: 'teal' } }),
    )
    expect(edited.scratchCluster).toBe(true)
    expect((await (await open()).service.connectionFor(scratch.id)).scratchCluster).toBe(true)
    expect((await service.update(scratch.id, input({ scratchCluster: false }))).scratchCluster).toBe(false)
  })

  it.each(['read-only', 'protected'] as const)(
    'refuses a scratch cluster that is also %s, on create and on edit',
    async (protection) => {
      const { service } = await open()
      await expect(service.create(input({ scratchCluster: true, protection }))).rejects.toMatchObject({
        code: 'PROFILE_INVALID',
        details: { field: 'scratchCluster' },
      })
      const guarded = await service.create(input({ name: 'guarded', protection }))
      // The edit names no level: the stored one still rules out the mark.
      await expect(
        service.update(guarded.id, input({ name: 'guarded', scratchCluster: true })),
      ).rejects.toMatchObject({ code: 'PROFILE_INVALID' })
      const scratch = await service.create(input({ name: 'scratch', scratchCluster: true }))
      await expect(service.update(scratch.id, input({ name: 'scratch', protection }))).rejects.toMatchObject({
        code: 'PROFILE_INVALID',
      })
      expect(service.get(scratch.id)).toMatchObject({ scratchCluster: true, protection: 'normal' })
    },
  )
})
