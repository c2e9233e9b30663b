import { beforeEach, describe, expect, it } from 'vitest'
import { useErrorStore } from '../../../../../src/renderer/store/error-store'
import type { SourceResolver } from '../../../../../src/main/host/host-services'
import { AppError } from '../../../../../src/shared/app-error'
import type { SnapshotInspectionWire } from '../../../../../src/shared/snapshot-wire-types'
import { createFakeHostServices } from '../../../api/fake-host-services'
import { createTestStudio } from '../../studio-harness'

const source = { kind: 'path' as const, path: '/backups/consul-1.snap.age', name: 'consul-1.snap.age' }
const IDENTITY = 'AGE-SECRET-KEY-1EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEQQQQ'

const inspection: SnapshotInspectionWire = {
  meta: {
    id: '2-9-1',
    size: '300',
    index: '9',
    term: '2',
    version: 1,
    configurationIndex: '1',
    servers: [],
    peers: null,
  },
  stats: [{ name: 'KVS', count: 3, sum: 300 }],
  kvStats: null,
  totalSize: 300,
  totalSizeKV: 0,
  integrity: { verified: true, files: [] },
  archiveBytes: 200,
  lastIndex: '9',
  enterpriseTypes: [],
  text: { pretty: '', json: '' },
}

/** The host's resolver as it answers for an age file: a key is needed, and only the right one opens it. */
const sources: SourceResolver = {
  async resolve(given) {
    if (given.decryption === undefined)
      throw new AppError(
        'ENCRYPTED_KEY_REQUIRED',
        'consul-1.snap.age is encrypted (age); it needs a key to be read.',
      )
    if (given.decryption.identitySecret !== IDENTITY)
      throw new AppError('ENCRYPTED_WRONG_KEY', 'None of the given keys opens consul-1.snap.age.')
    return '/private/decrypted/consul-1.snap'
  },
}

describe('opening an encrypted backup in Inspect', () => {
  beforeEach(() => useErrorStore.getState().clear())

  it('asks for the key instead of failing, then opens the file with it', async () => {
    const read: string[] = []
    const { stores, calls } = createTestStudio({
      sources,
      inspect: {
        verify: createFakeHostServices().inspect.verify,
        async inspect(path) {
          read.push(path)
          return inspection
        },
      },
    })

    await stores.inspect.getState().open(source)
    expect(stores.inspect.getState().keyPrompt?.error.code).toBe('ENCRYPTED_KEY_REQUIRED')
    expect(useErrorStore.getState().errors).toEqual([])

    await stores.inspect.getState().unlock({ identitySecret: 'AGE-SECRET-KEY-1WRONG' })
    expect(stores.inspect.getState().keyPrompt?.error.code).toBe('ENCRYPTED_WRONG_KEY')

    await stores.inspect.getState().unlock({ identitySecret: IDENTITY })
    expect(stores.inspect.getState()).toMatchObject({ status: 'ready', keyPrompt: null })
    expect(read).toEqual(['/private/decrypted/consul-1.snap'])
    // The key went with the request that read the file; nothing else was asked to keep it.
    const inspectCalls = calls.filter((c) => c.method === 'snapshot.inspect')
    expect(inspectCalls.at(-1)?.input).toMatchObject({ source: { decryption: { identitySecret: IDENTITY } } })
    expect(
      calls.some(
        (c) =>
          c.method !== 'snapshot.inspect' &&
          JSON.stringify(c.input).includes(IDENTITY) &&
          !c.method.startsWith('snapshot.browse'),
      ),
    ).toBe(false)
  })
})
