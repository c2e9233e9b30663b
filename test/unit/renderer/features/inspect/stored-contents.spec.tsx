// @vitest-environment jsdom
// A backup opened in Inspect from the Backups view: the summary is read streamed from its store
// and the content browser catalogues it too (through storedBackups.browse, whose verified copy the
// host removes once the catalogue is built), so its keys, values and records can be browsed.
import { act, cleanup, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InspectScreen } from '../../../../../src/renderer/features/inspect/inspect-screen'
import { useErrorStore } from '../../../../../src/renderer/store/error-store'
import type { StoredBackupsPort } from '../../../../../src/main/services/stored-backups/stored-backups-service'
import { AppError } from '../../../../../src/shared/app-error'
import type { CatalogueSummary } from '../../../../../src/shared/browse-wire-types'
import type { SnapshotSource } from '../../../../../src/shared/snapshot-wire-types'
import { Readable } from 'node:stream'
import { inspectSnapshotStream } from '../../../../../src/main/services/snapshot'
import { buildSnapshot } from '../../../../support/snapshot-builder'
import { createTestStudio, fakeCatalogue, strictPort } from '../../studio-harness'

// What the host's service answers for the streamed summary: a real inspection of a small snapshot.
const inspection = await inspectSnapshotStream(Readable.from([buildSnapshot()]), { kvDetails: true })
const backup = { planId: 'plan1', destinationIndex: 1, name: 'prod-3.snap' }
const copyId = 'c'.repeat(32)
const summary: CatalogueSummary = {
  catalogueId: 'stored-1',
  counts: { kv: 1, nodes: 1 },
  meta: { id: inspection.meta.id, index: '300', term: '2' },
  lastIndex: '300',
  stateBytes: 100,
  kvValueBytes: 4,
  tombstones: 0,
}

function studioWith(stored: Partial<StoredBackupsPort>, open = async (_path: string) => summary) {
  const resolved: SnapshotSource[] = []
  const discarded: string[] = []
  const studio = createTestStudio({
    storedBackups: strictPort<StoredBackupsPort>('storedBackups', {
      inspect: async () => inspection,
      prepareRestore: async (_ref, name) => ({ uploadId: copyId, name, size: 4096 }),
      discardPrepared: async (uploadId) => {
        discarded.push(uploadId)
        return true
      },
      ...stored,
    }),
    sources: {
      async resolve(source) {
        resolved.push(source)
        return '/uploads/prod-3.snap'
      },
    },
    catalogue: fakeCatalogue({
      open,
      kvList: async (_id, prefix, offset) => ({
        prefix,
        total: 1,
        offset,
        rows: [{ key: 'app/colour', name: 'app/colour', folder: false, size: 4 }],
      }),
      kvValue: async (_id, key) => ({
        key,
        valueBase64: btoa('blue'),
        truncated: false,
        size: 4,
        flags: '0',
        session: null,
        createIndex: '5',
        modifyIndex: '5',
        lockIndex: '0',
      }),
    }),
  })
  return { studio, resolved, discarded }
}

const browserState = () => screen.getByTestId('content-browser').dataset.state

describe('a stored backup in Inspect', () => {
  beforeEach(() => useErrorStore.getState().clear())
  afterEach(cleanup)

  it('shows its contents: the catalogue of a verified copy the host then removes, its keys and values', async () => {
    const { studio, resolved, discarded } = studioWith({})
    await act(async () => {
      studio.render(<InspectScreen />)
      await studio.stores.inspect.getState().openStored(backup)
    })

    await vi.waitFor(() => expect(browserState()).toBe('ready'))
    expect(studio.calls.map((call) => call.method)).toContain('storedBackups.browse')
    expect(resolved).toEqual([{ kind: 'upload', uploadId: copyId }])
    expect(discarded).toEqual([copyId])
    expect(screen.getByTestId('content-browser').dataset.source).toBe('prod-3.snap')
    expect(screen.getByTestId('inspect-streamed').textContent).toContain('prod-3.snap')

    await act(() => studio.stores.content.getState().selectKey('app/colour'))
    expect((await screen.findByTestId('value-body')).textContent).toContain('blue')
    // Searching inside values reads a file on the host; a stored backup offers the key search only.
    expect(screen.queryByRole('button', { name: 'Search inside values' })).toBeNull()
  })

  it('removes the copy when the catalogue cannot be built, and leaves the summary to report the damage', async () => {
    const { studio, discarded } = studioWith({}, async () => {
      throw new AppError('SNAPSHOT_STATE_INVALID', 'prod-3.snap has a broken record.')
    })
    await act(async () => {
      studio.render(<InspectScreen />)
      await studio.stores.inspect.getState().openStored(backup)
    })

    await vi.waitFor(() => expect(browserState()).toBe('error'))
    expect(discarded).toEqual([copyId])
    expect(useErrorStore.getState().errors).toEqual([])
  })

  it('sends the key of an encrypted backup with the request, and keeps only where the backup is', async () => {
    const keys: unknown[] = []
    const { studio } = studioWith({
      prepareRestore: async (_ref, name, decryption) => {
        keys.push(decryption)
        return { uploadId: copyId, name, size: 4096 }
      },
    })
    await act(async () => {
      studio.render(<InspectScreen />)
      await studio.stores.inspect
        .getState()
        .openStored({ ...backup, name: 'prod-4.snap.age', decryption: { passphrase: 'correct horse' } })
    })

    await vi.waitFor(() => expect(browserState()).toBe('ready'))
    expect(keys).toEqual([{ passphrase: 'correct horse' }])
    expect(studio.stores.content.getState().source).toEqual({
      kind: 'stored',
      planId: 'plan1',
      destinationIndex: 1,
      name: 'prod-4.snap.age',
    })
  })
})
