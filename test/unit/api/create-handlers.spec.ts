import { describe, expect, it } from 'vitest'
import { createHandlers } from '../../../src/main/api/create-handlers'
import { createDispatcher } from '../../../src/main/api/dispatcher'
import type { RecentFilesPort } from '../../../src/main/host/host-services'
import { AppError } from '../../../src/shared/app-error'
import type { RestorePreflight, SaveResult } from '../../../src/shared/consul-types'
import { createFakeHostServices } from './fake-host-services'

function recentFiles(): RecentFilesPort & { added: string[] } {
  const added: string[] = []
  return { added, list: async () => [], add: async (path) => (added.push(path), []) }
}

describe('the host records recent files itself', () => {
  it('adds a file opened by path once its inspection succeeds', async () => {
    const recent = recentFiles()
    const dispatcher = createDispatcher({
      host: 'electron',
      handlers: createHandlers(createFakeHostServices({ recentFiles: recent })),
    })

    const reply = await dispatcher.dispatch('c1', 'snapshot.inspect', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: '/backups/prod.snap' },
    })

    expect(reply.ok).toBe(true)
    expect(recent.added).toEqual(['/backups/prod.snap'])
  })

  it('does not add an upload (a temporary copy) nor a file that failed to open', async () => {
    const recent = recentFiles()
    const services = createFakeHostServices({
      recentFiles: recent,
      sources: { resolve: async () => '/tmp/uploads/x/prod.snap' },
    })
    const failing = createFakeHostServices({
      recentFiles: recent,
      inspect: {
        inspect: async () => {
          throw new AppError('SNAPSHOT_NOT_GZIP', 'Not a snapshot.')
        },
        verify: async () => {
          throw new AppError('SNAPSHOT_NOT_GZIP', 'Not a snapshot.')
        },
      },
    })

    await createDispatcher({ host: 'browser', handlers: createHandlers(services) }).dispatch(
      'c1',
      'snapshot.inspect',
      { operationId: 'op-00000001', source: { kind: 'upload', uploadId: 'a'.repeat(32) } },
    )
    await createDispatcher({ host: 'browser', handlers: createHandlers(failing) }).dispatch(
      'c1',
      'snapshot.inspect',
      { operationId: 'op-00000002', source: { kind: 'path', path: '/backups/bad.snap' } },
    )

    expect(recent.added).toEqual([])
  })

  it('still answers the inspection when the recent list cannot be written', async () => {
    const dispatcher = createDispatcher({
      host: 'electron',
      handlers: createHandlers(
        createFakeHostServices({
          recentFiles: {
            list: async () => [],
            add: async () => {
              throw new Error('EACCES: recent-files.json')
            },
          },
        }),
      ),
    })

    const reply = await dispatcher.dispatch('c1', 'snapshot.inspect', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: '/backups/prod.snap' },
    })

    expect(reply.ok).toBe(true)
  })
})

describe('restore.preflight', () => {
  it('sends the progress of reading the file to the client that asked', async () => {
    const events: unknown[] = []
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(
        createFakeHostServices({
          restore: {
            preflight: async (_path, _profileId, work) => {
              work.onProgress({
                phase: 'verifying',
                bytes: 10,
                totalBytes: 20,
                bytesPerSecond: 0,
                elapsedMs: 1,
              })
              return { blockers: [], warnings: [] } as unknown as RestorePreflight
            },
            restore: async () => {
              throw new Error('not in this spec')
            },
          },
        }),
      ),
    })
    dispatcher.connect({ id: 'c1', send: (_event, payload) => events.push(payload) })

    await dispatcher.dispatch('c1', 'restore.preflight', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: '/backups/prod.snap' },
      profileId: 'p1',
    })

    expect(events).toEqual([
      {
        operationId: 'op-00000001',
        progress: {
          kind: 'restore',
          progress: { phase: 'verifying', bytes: 10, totalBytes: 20, bytesPerSecond: 0, elapsedMs: 1 },
        },
      },
    ])
  })
})

describe('folder suggestions for the save wizard', () => {
  function savedTo(paths: Array<string | null>) {
    const recorded: string[] = []
    const services = createFakeHostServices({
      recentFolders: {
        list: async () => ['/srv/backups'],
        add: async (folder) => void recorded.push(folder),
      },
      save: {
        saveMany: async () =>
          paths.map((path, i) =>
            path === null
              ? {
                  profileId: `p${i}`,
                  profileName: `p${i}`,
                  ok: false as const,
                  error: { code: 'CONSUL_HTTP' as const, message: 'no' },
                }
              : {
                  profileId: `p${i}`,
                  profileName: `p${i}`,
                  ok: true as const,
                  result: { path } as SaveResult,
                },
          ),
      },
    })
    return { recorded, dispatcher: createDispatcher({ host: 'browser', handlers: createHandlers(services) }) }
  }

  it('answers the default folder and the recent ones, and takes no input', async () => {
    const { dispatcher } = savedTo([])

    const reply = await dispatcher.dispatch('c1', 'folders.suggestions', {})
    const smuggled = await dispatcher.dispatch('c1', 'folders.suggestions', { path: '/etc' })

    expect(reply).toEqual({
      ok: true,
      value: { defaultFolder: '/tmp/snapshots', recentFolders: ['/srv/backups'] },
    })
    expect(smuggled).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
  })

  it('records the folder of each snapshot saved, and nothing for a failed save', async () => {
    const { dispatcher, recorded } = savedTo(['/srv/a/x.snap', null, '/srv/a/y.snap', '/srv/b/z.snap'])

    await dispatcher.dispatch('c1', 'save.start', { operationId: 'op-00000001', profileIds: ['p0'] })

    expect(recorded).toEqual(['/srv/a', '/srv/b'])
  })
})
