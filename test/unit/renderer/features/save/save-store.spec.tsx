// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  useSaveStore,
  validateSaveOptions,
  DEFAULT_TEMPLATE,
} from '../../../../../src/renderer/features/save/save-store'
import { installStudioPort } from '../../../../../src/renderer/ports/studio-port'
import { fakeStudioPort, profileView } from '../../fake-studio-port'

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
  beforeEach(() => useSaveStore.getState().reset())

  it('does not call the service while the options are invalid', async () => {
    const run = vi.fn()
    installStudioPort(fakeStudioPort({ profiles: { list: () => Promise.resolve([east]) }, save: { run } }))
    await useSaveStore.getState().load()

    await useSaveStore.getState().start()

    expect(run).not.toHaveBeenCalled()
    expect(useSaveStore.getState().errors.selected).toBeDefined()
    expect(useSaveStore.getState().step).toBe('choose')
  })

  it('saves the selected clusters, records per-cluster progress and shows the results', async () => {
    const result = {
      path: '/home/op/snapshots/east.snap',
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
    const run = vi.fn(
      async (
        _request,
        onProgress: (
          id: string,
          p: {
            phase: 'downloading'
            bytes: number
            totalBytes: null
            bytesPerSecond: number
            elapsedMs: number
          },
        ) => void,
      ) => {
        onProgress(east.id, {
          phase: 'downloading',
          bytes: 2048,
          totalBytes: null,
          bytesPerSecond: 1024,
          elapsedMs: 2,
        })
        expect(useSaveStore.getState().progress[east.id]?.bytes).toBe(2048)
        return [{ profileId: east.id, profileName: east.name, ok: true as const, result }]
      },
    )
    installStudioPort(
      fakeStudioPort({ profiles: { list: () => Promise.resolve([east, west]) }, save: { run } }),
    )
    await useSaveStore.getState().load()
    useSaveStore.getState().toggle(east.id)

    await useSaveStore.getState().start()

    expect(run.mock.calls[0]?.[0]).toEqual({
      profileIds: [east.id],
      stale: false,
      datacenter: '',
      folder: '/home/op/snapshots',
      fileNameTemplate: DEFAULT_TEMPLATE,
    })
    expect(useSaveStore.getState().step).toBe('done')
    expect(useSaveStore.getState().outcomes).toHaveLength(1)
  })
})
