// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest'
import { validateSaveOptions, DEFAULT_TEMPLATE } from '../../../../../src/renderer/features/save/save-store'
import { createTestStudio, fakeProfiles, fakeSave, profileView } from '../../studio-harness'

const east = profileView('east')
const west = profileView('west')
const valid = {
  selected: [east.id],
  stale: false,
  datacenter: '',
  folder: '/backups',
  template: DEFAULT_TEMPLATE,
}

describe('save wizard validation', () => {
  it('accepts one selected profile, a folder and a template', () => {
    expect(validateSaveOptions(valid, [east, west])).toEqual({})
  })

  it('asks for at least one known cluster', () => {
    expect(validateSaveOptions({ ...valid, selected: [] }, [east]).selected).toMatch(/at least one/)
    expect(validateSaveOptions({ ...valid, selected: ['gone'] }, [east]).selected).toMatch(/at least one/)
  })

  it('asks for a folder and a file-name template without path separators', () => {
    const errors = validateSaveOptions({ ...valid, folder: ' ', template: 'sub/dir.snap' }, [east])
    expect(errors.folder).toMatch(/folder/)
    expect(errors.template).toMatch(/not a folder/)
  })

  it('takes an optional datacenter override and refuses a name Consul could not have', () => {
    expect(validateSaveOptions({ ...valid, datacenter: 'dc2' }, [east])).toEqual({})
    expect(validateSaveOptions({ ...valid, datacenter: 'dc 2/../x' }, [east]).datacenter).toMatch(
      /letters, digits/,
    )
  })

  it('accepts only the placeholders the service fills in', () => {
    expect(validateSaveOptions({ ...valid, template: '{cluster}-{time}.snap' }, [east]).template).toMatch(
      /only these placeholders/,
    )
  })

  it('needs {profile} in the template when several clusters would otherwise collide', () => {
    expect(
      validateSaveOptions({ ...valid, selected: [east.id, west.id], template: 'backup-{time}.snap' }, [
        east,
        west,
      ]).template,
    ).toMatch(/\{profile\}/)
  })
})

describe('save wizard store', () => {
  it('does not call the host while the options are invalid', async () => {
    const saveMany = vi.fn()
    const { stores } = createTestStudio({
      profiles: fakeProfiles({ list: async () => ({ profiles: [east], notice: null }) }),
      save: fakeSave({ saveMany }),
    })
    await stores.save.getState().load()

    await stores.save.getState().start()

    expect(saveMany).not.toHaveBeenCalled()
    expect(stores.save.getState().errors.selected).toBeDefined()
    expect(stores.save.getState().step).toBe('choose')
  })

  it('saves the selected clusters, records per-cluster progress and shows the results', async () => {
    const result = {
      path: '/tmp/snapshots/east.snap',
      sidecarPath: '',
      size: 5141,
      sha256: 'ab'.repeat(32),
      index: 13,
      term: 2,
      consulVersion: '1.14.8',
      datacenter: 'dc1',
      knownLeader: true,
      lastContactMs: 0,
      durationMs: 5,
    }
    const seen: unknown[] = []
    const studio = createTestStudio({
      profiles: fakeProfiles({ list: async () => ({ profiles: [east, west], notice: null }) }),
      save: fakeSave({
        saveMany: vi.fn(async (_request, work) => {
          work.onProgress({
            profileId: east.id,
            progress: {
              phase: 'downloading',
              bytes: 2048,
              totalBytes: null,
              bytesPerSecond: 1024,
              elapsedMs: 2,
            },
          })
          seen.push(studio.stores.save.getState().progress[east.id]?.bytes)
          return [{ profileId: east.id, profileName: east.name, ok: true as const, result }]
        }),
      }),
    })
    await studio.stores.save.getState().load()
    studio.stores.save.getState().toggle(east.id)

    await studio.stores.save.getState().start()

    expect(seen).toEqual([2048])
    // The folder is the host's default save folder (folders.suggestions), the datacenter left to each profile.
    expect(studio.calls.find((c) => c.method === 'save.start')?.input).toEqual({
      operationId: expect.any(String),
      profileIds: [east.id],
      stale: false,
      folder: '/tmp/snapshots',
      fileNameTemplate: DEFAULT_TEMPLATE,
    })
    expect(studio.stores.save.getState().step).toBe('done')
    expect(studio.stores.save.getState().outcomes).toHaveLength(1)
  })
})
