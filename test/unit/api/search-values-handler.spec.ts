// snapshot.searchValues over the API: the request is validated by the contract, the source is
// resolved by the host, and the hits come back.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createHandlers } from '../../../src/main/api/create-handlers'
import { createDispatcher } from '../../../src/main/api/dispatcher'
import {
  buildStateBin,
  chunkingStateRecord,
  kvsRecord,
  writeSnapshotFile,
} from '../../support/state-bin-writer'
import { createFakeHostServices } from './fake-host-services'

describe('snapshot.searchValues', () => {
  it('answers the matches of a file resolved by the host, ', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'ss-search-api-')), 'a.snap')
    await writeSnapshotFile(
      file,
      buildStateBin(3, [kvsRecord({ key: 'app/db', value: 'host=db.internal' }), chunkingStateRecord()]),
    )
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices({ sources: { resolve: async () => file } })),
    })
    const reply = await dispatcher.dispatch('c1', 'snapshot.searchValues', {
      operationId: 'op-00000001',
      source: { kind: 'upload', uploadId: 'a'.repeat(32) },
      pattern: 'DB.internal',
    })
    expect(reply).toMatchObject({
      ok: true,
      value: { total: 1, hits: [{ kind: 'kv', name: 'app/db', excerpt: 'host=db.internal' }] },
    })
  })

  it('refuses an empty pattern before reading anything', async () => {
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices()),
    })
    const reply = await dispatcher.dispatch('c1', 'snapshot.searchValues', {
      operationId: 'op-00000001',
      source: { kind: 'path', path: '/x.snap' },
      pattern: '',
    })
    expect(reply.ok).toBe(false)
  })
})
