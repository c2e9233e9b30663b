// @vitest-environment jsdom
// Searching inside values from the content browser: the window asks the host to read the open
// file again for a pattern, shows how far it got, lists the matches and opens a KV match in the tree.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ContentBrowser } from '../../../../../src/renderer/features/inspect/content-browser'
import { VALUE_SEARCH_LIMIT } from '../../../../../src/renderer/features/inspect/value-search'
import { useErrorStore } from '../../../../../src/renderer/store/error-store'
import type { CataloguePort } from '../../../../../src/main/host/host-services'
import type { KvValueWire, RecordItemWire } from '../../../../../src/shared/browse-wire-types'
import {
  buildStateBin,
  chunkingStateRecord,
  configEntryRecord,
  kvsRecord,
  registerNodeRecord,
  registerServiceRecord,
  writeSnapshotFile,
} from '../../../../support/state-bin-writer'
import { createTestStudio, fakeCatalogue, type TestStudio } from '../../studio-harness'

const source = { kind: 'path' as const, path: '/backups/prod.snap', name: 'prod.snap' }
let file = ''
// jsdom brings its own Uint8Array, and the snapshot writer tells bytes apart from maps by it.
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'))

beforeAll(async () => {
  file = join(await mkdtemp(join(tmpdir(), 'ss-value-search-ui-')), 'prod.snap')
  const node = { node: 'web-1', address: '10.0.0.5' }
  await writeSnapshotFile(
    file,
    buildStateBin(7, [
      kvsRecord({ key: 'app/db', value: bytes('host=db.internal port=5432') }),
      kvsRecord({ key: 'other/cache', value: bytes('redis at cache.internal') }),
      kvsRecord({ key: 'app/name', value: bytes('shop') }),
      registerNodeRecord(node),
      registerServiceRecord(node, { id: 'web', service: 'web', meta: { upstream: 'api.internal' } }),
      chunkingStateRecord(),
    ]),
  )
})

beforeEach(() => useErrorStore.getState().clear())
afterEach(cleanup)

const kvValue = (key: string): KvValueWire => ({
  key,
  valueBase64: btoa('host=db.internal port=5432'),
  truncated: false,
  size: 26,
  flags: '0',
  session: null,
  createIndex: '5',
  modifyIndex: '5',
  lockIndex: '0',
})

async function openBrowser(
  resolve: () => Promise<string> = async () => file,
  records?: CataloguePort['records'],
): Promise<TestStudio> {
  const studio = createTestStudio({
    sources: { resolve },
    catalogue: fakeCatalogue({ kvValue: async (_id, key) => kvValue(key), ...(records ? { records } : {}) }),
  })
  await studio.stores.content.getState().open(source)
  await act(async () => {
    studio.render(<ContentBrowser />)
  })
  fireEvent.click(screen.getByRole('button', { name: 'Search inside values' }))
  return studio
}

function typeSearch(
  pattern: string,
  options: { regex?: boolean; matchCase?: boolean; prefix?: string } = {},
) {
  fireEvent.change(screen.getByTestId('value-search-pattern'), { target: { value: pattern } })
  if (options.regex) fireEvent.click(screen.getByRole('checkbox', { name: 'Regex' }))
  if (options.matchCase) fireEvent.click(screen.getByRole('checkbox', { name: 'Match case' }))
  if (options.prefix !== undefined)
    fireEvent.change(screen.getByTestId('value-search-prefix'), { target: { value: options.prefix } })
}

const submit = () => fireEvent.click(screen.getByRole('button', { name: 'Search values' }))

describe('Search inside values', () => {
  it('asks the host about the open file and lists each match with its kind, place and excerpt', async () => {
    const studio = await openBrowser()
    typeSearch('INTERNAL')
    await act(async () => submit())

    const results = await screen.findByTestId('value-search-results')
    expect(studio.calls.find((c) => c.method === 'snapshot.searchValues')?.input).toMatchObject({
      source,
      pattern: 'INTERNAL',
      regex: false,
      caseSensitive: false,
      limit: 200,
    })
    const hits = within(results).getAllByRole('listitem')
    expect(hits.map((li) => li.getAttribute('data-hit-kind'))).toEqual(['kv', 'kv', 'service-meta'])
    expect(hits[0]?.textContent).toContain('app/db')
    expect(hits[0]?.textContent).toContain('host=db.internal port=5432')
    expect(hits[2]?.textContent).toContain('Meta.upstream')
    // The match is marked inside the excerpt, in the case the value has it.
    expect(hits[0]?.querySelector('mark')?.textContent).toBe('internal')
    expect(screen.getByTestId('value-search-summary').textContent).toBe('3 matches in 4 values searched.')
  })

  it('passes the regex, match-case and prefix switches on, and the host narrows to that prefix', async () => {
    const studio = await openBrowser()
    typeSearch('db\\.\\w+', { regex: true, matchCase: true, prefix: 'app/' })
    await act(async () => submit())

    const results = await screen.findByTestId('value-search-results')
    expect(studio.calls.find((c) => c.method === 'snapshot.searchValues')?.input).toMatchObject({
      pattern: 'db\\.\\w+',
      regex: true,
      caseSensitive: true,
      prefix: 'app/',
    })
    expect(within(results).getAllByRole('listitem')).toHaveLength(1)
    expect(within(results).getByRole('listitem').querySelector('mark')?.textContent).toBe('db.internal')
  })

  it('opens a KV match in the key tree, its folder listed and its value read', async () => {
    const studio = await openBrowser()
    typeSearch('db.internal')
    await act(async () => submit())
    const results = await screen.findByTestId('value-search-results')

    await act(async () => fireEvent.click(within(results).getByRole('button', { name: 'app/db' })))

    const content = studio.stores.content.getState()
    expect(content.tab).toBe('kv')
    expect(content.kv.prefix).toBe('app/')
    expect(content.selectedKey).toBe('app/db')
    expect(studio.calls.filter((c) => c.method === 'snapshot.browse.kvValue').at(-1)?.input).toMatchObject({
      key: 'app/db',
    })
  })

  it('says when there are more matches than it lists', async () => {
    const many = join(await mkdtemp(join(tmpdir(), 'ss-value-search-ui-')), 'many.snap')
    const keys = Array.from({ length: VALUE_SEARCH_LIMIT + 5 }, (_, i) =>
      kvsRecord({ key: `feature/${i}`, value: bytes('enabled') }),
    )
    await writeSnapshotFile(many, buildStateBin(3, [...keys, chunkingStateRecord()]))
    await openBrowser(async () => many)
    typeSearch('enabled')
    await act(async () => submit())

    const results = await screen.findByTestId('value-search-results')
    expect(within(results).getAllByRole('listitem')).toHaveLength(VALUE_SEARCH_LIMIT)
    expect(screen.getByTestId('value-search-summary').textContent).toBe(
      `${VALUE_SEARCH_LIMIT + 5} matches (first ${VALUE_SEARCH_LIMIT} shown) in ${VALUE_SEARCH_LIMIT + 5} values searched.`,
    )
  })

  it('shows progress with a Cancel that stops the host search and leaves no error', async () => {
    // The host is held where it finds the file, so the search is still running when Cancel is pressed.
    let hold = false
    let release: (path: string) => void = () => undefined
    let asked: () => void = () => undefined
    const resolving = new Promise<void>((resolve) => (asked = resolve))
    const studio = await openBrowser(async () => {
      if (!hold) return file
      asked()
      return new Promise<string>((resolve) => (release = resolve))
    })
    hold = true
    typeSearch('internal')
    await act(async () => submit())
    await resolving

    const progress = screen.getByRole('status')
    expect(progress.textContent).toContain('Searching values')
    await act(async () => fireEvent.click(within(progress).getByRole('button', { name: 'Cancel' })))
    expect(studio.calls.some((c) => c.method === 'operations.cancel')).toBe(true)
    expect(screen.queryByText('Searching values')).toBeNull()

    // The host answers only now, cancelled: nothing is listed and nothing is reported.
    await act(async () => release(file))
    expect(screen.queryByTestId('value-search-results')).toBeNull()
    expect(useErrorStore.getState().errors).toEqual([])
  })

  it('reports a pattern the host refuses, such as a broken regex, through the error list', async () => {
    await openBrowser()
    typeSearch('db(', { regex: true })
    await act(async () => submit())

    await vi.waitFor(() => expect(useErrorStore.getState().errors).toHaveLength(1))
    const [error] = useErrorStore.getState().errors
    expect(error?.context).toBe('Searching values for “db(”')
    expect(error?.code).toBe('INVALID_ARGUMENT')
    expect(screen.queryByTestId('value-search-results')).toBeNull()
    expect(screen.queryByRole('status')).toBeNull()
  })

  describe('a match in service metadata or a config entry', () => {
    let recordsFile = ''
    beforeAll(async () => {
      recordsFile = join(await mkdtemp(join(tmpdir(), 'ss-value-search-ui-')), 'records.snap')
      const node = { node: 'web-1', address: '10.0.0.5' }
      const entry = configEntryRecord('service-defaults', {
        Name: 'api',
        Protocol: 'http',
        ExternalSNI: 'edge.internal',
      })
      // The entry's raw string as jsdom's bytes (see `bytes` above), or the writer takes it for a map.
      entry.value = new Uint8Array(entry.value as Buffer)
      await writeSnapshotFile(
        recordsFile,
        buildStateBin(9, [
          registerNodeRecord(node),
          registerServiceRecord(node, { id: 'web', service: 'web', meta: { upstream: 'api.internal' } }),
          entry,
          chunkingStateRecord(),
        ]),
      )
    })
    const item = (id: string): RecordItemWire => ({ id, title: id, fields: [] })
    // The catalogue lists web-1/web on its second page of services, behind 100 others.
    const services = Array.from({ length: 130 }, (_, i) => item(`node-${i}/svc`))
    services.splice(120, 0, item('web-1/web'))
    const records: CataloguePort['records'] = async (_id, kind, offset, limit) => {
      const all =
        kind === 'services' ? services : kind === 'config-entries' ? [item('service-defaults/api')] : []
      return { kind, total: all.length, offset, items: all.slice(offset, offset + limit) }
    }

    it('opens the record in its tab, paging the list until it is there, and marks it', async () => {
      const studio = await openBrowser(async () => recordsFile, records)
      typeSearch('internal')
      await act(async () => submit())
      const results = await screen.findByTestId('value-search-results')

      await act(async () => fireEvent.click(within(results).getByRole('button', { name: 'web-1/web' })))

      expect(studio.stores.content.getState().tab).toBe('services')
      expect(
        studio.calls
          .filter((c) => c.method === 'snapshot.browse.records')
          .map((c) => (c.input as { offset: number }).offset),
      ).toEqual([0, 100])
      const card = screen.getByTestId('records-services').querySelector('[aria-current="true"]')
      expect(card?.getAttribute('data-record-id')).toBe('web-1/web')

      await act(async () =>
        fireEvent.click(
          within(screen.getByTestId('value-search-results')).getByRole('button', {
            name: 'service-defaults/api',
          }),
        ),
      )

      expect(studio.stores.content.getState().tab).toBe('config-entries')
      const entry = screen.getByTestId('records-config-entries').querySelector('[aria-current="true"]')
      expect(entry?.getAttribute('data-record-id')).toBe('service-defaults/api')
    })

    it('says so, marking nothing, when the record is not in its list', async () => {
      await openBrowser(
        async () => recordsFile,
        async (_id, kind, offset) => ({ kind, total: 0, offset, items: [] }),
      )
      typeSearch('api.internal')
      await act(async () => submit())
      const results = await screen.findByTestId('value-search-results')

      await act(async () => fireEvent.click(within(results).getByRole('button', { name: 'web-1/web' })))

      expect(screen.getByRole('status').textContent).toBe(
        'Service meta web-1/web is not among the services this file lists.',
      )
      expect(document.querySelector('[aria-current="true"]')).toBeNull()
    })
  })
})
