/**
 * A window's stores wired to the real contract path: typed client → in-memory transport →
 * dispatcher (schemas checked) → handlers → fake host services. Specs give the host behaviour
 * they need; any port method they did not give fails loudly, so a store calling something the
 * spec did not expect shows up as an error, not as a silent pass.
 */
import { render, type RenderResult } from '@testing-library/react'
import type { ReactElement } from 'react'
import { createHandlers } from '../../../src/main/api/create-handlers'
import { createDispatcher, type Dispatcher } from '../../../src/main/api/dispatcher'
import type {
  CataloguePort,
  HostServices,
  ProfilesPort,
  RecentFilesPort,
  RestorePort,
  SavePort,
} from '../../../src/main/host/host-services'
import { createStudioStores } from '../../../src/renderer/app/create-studio-stores'
import { StudioProvider, type StudioStores } from '../../../src/renderer/store/studio-context'
import {
  createApiClient,
  type ApiClient,
  type BrowserPlatform,
  type ElectronPlatform,
  type Platform,
} from '../../../src/shared/api-client'
import type { MethodName } from '../../../src/shared/api-contract'
import type { ProfileView } from '../../../src/shared/profile-types'
import type { RecentFile } from '../../../src/shared/snapshot-wire-types'
import { createFakeHostServices } from '../api/fake-host-services'
import { createInMemoryTransport } from '../api/in-memory-transport'

export const browserPlatform: BrowserPlatform = {
  kind: 'browser',
  nativeDialogs: false,
  fileUpload: true,
  upload: async (file) => ({ uploadId: 'a'.repeat(32), name: file.name, size: file.size }),
  chooseLocalFile: async () => null,
}

export const electronPlatform: ElectronPlatform = {
  kind: 'electron',
  nativeDialogs: true,
  fileUpload: false,
  pathForFile: (file) => `/home/op/${file.name}`,
}

/** A port whose methods are the given ones; any other method rejects naming itself. */
export function strictPort<T extends object>(name: string, methods: Partial<T>): T {
  return new Proxy(methods, {
    get(target, key) {
      if (key in target) return target[key as keyof typeof target]
      if (typeof key !== 'string' || key === 'then') return undefined
      return () => Promise.reject(new Error(`unexpected call: ${name}.${key}`))
    },
  }) as T
}

export const fakeProfiles = (methods: Partial<ProfilesPort> = {}): ProfilesPort =>
  strictPort('profiles', { list: async () => ({ profiles: [], notice: null }), ...methods })
/** By default every snapshot catalogues as empty, so specs about the summary need not care. */
export const fakeCatalogue = (methods: Partial<CataloguePort> = {}): CataloguePort =>
  strictPort('catalogue', {
    open: async () => ({
      catalogueId: 'empty',
      counts: {},
      meta: { id: 'x', index: '1', term: '1' },
      lastIndex: '1',
      stateBytes: 0,
      kvValueBytes: 0,
      tombstones: 0,
    }),
    kvList: async (_id, prefix, offset) => ({ prefix, total: 0, offset, rows: [] }),
    close: async () => true,
    ...methods,
  })
export const fakeRestore = (methods: Partial<RestorePort>): RestorePort => strictPort('restore', methods)
export const fakeSave = (methods: Partial<SavePort>): SavePort => strictPort('save', methods)

/** The host's recent-files list, kept in memory. */
export function memoryRecentFiles(): RecentFilesPort & { files: RecentFile[] } {
  const port = {
    files: [] as RecentFile[],
    list: async () => port.files,
    add: async (path: string) => {
      port.files = [
        { path, name: path.split('/').pop() ?? path, openedAt: '2026-01-01T00:00:00Z' },
        ...port.files.filter((f) => f.path !== path),
      ]
      return port.files
    },
  }
  return port
}

export interface TestStudio {
  client: ApiClient
  stores: StudioStores
  dispatcher: Dispatcher
  /** Every method the window called, in order, with its input as sent. */
  calls: Array<{ method: string; input: unknown }>
  render(ui: ReactElement): RenderResult
}

export function createTestStudio(
  services: Partial<HostServices> = {},
  platform: Platform = browserPlatform,
): TestStudio {
  const dispatcher = createDispatcher({
    host: platform.kind,
    handlers: createHandlers(
      createFakeHostServices({
        profiles: fakeProfiles(),
        recentFiles: memoryRecentFiles(),
        catalogue: fakeCatalogue(),
        ...services,
      }),
    ),
  })
  const calls: TestStudio['calls'] = []
  const transport = createInMemoryTransport(dispatcher, platform)
  const recording = {
    ...transport,
    invoke(method: MethodName, input: unknown) {
      calls.push({ method, input })
      return transport.invoke(method, input)
    },
  }
  let next = 0
  const client: ApiClient = createApiClient(recording, {
    newOperationId: () => `op-${String((next += 1)).padStart(8, '0')}`,
  })
  const stores = createStudioStores(client)
  return {
    client,
    stores,
    dispatcher,
    calls,
    render: (ui) => render(<StudioProvider stores={stores}>{ui}</StudioProvider>),
  }
}

export function profileView(name: string, overrides: Partial<ProfileView> = {}): ProfileView {
  return {
    id: `id-${name}`,
    name,
    environment: { label: 'staging', colour: 'orange' },
    protection: 'normal',
    scratchCluster: false,
    connection: { address: 'http://127.0.0.1:8500', useTls: false, tls: { insecureSkipVerify: false } },
    tokenSet: true,
    basicAuthPasswordSet: false,
    secretStorage: 'encrypted',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  }
}
