import type { ProfileView, StudioPort } from '../../../src/renderer/ports/studio-port'

/**
 * A StudioPort whose every method fails loudly unless a test overrides it: a store that calls
 * something the test did not expect shows up as an error, not as a silent pass.
 */
export function fakeStudioPort(overrides: DeepPartial<StudioPort> = {}): StudioPort {
  const unexpected = (name: string) => () => Promise.reject(new Error(`unexpected call: ${name}`))
  const base: StudioPort = {
    capabilities: { nativeDialogs: false, upload: true },
    profiles: {
      list: () => Promise.resolve([]),
      create: unexpected('profiles.create'),
      update: unexpected('profiles.update'),
      duplicate: unexpected('profiles.duplicate'),
      remove: unexpected('profiles.remove'),
      test: unexpected('profiles.test'),
      testDraft: unexpected('profiles.testDraft'),
      importFromEnvironment: unexpected('profiles.importFromEnvironment'),
    },
    files: {
      chooseSnapshot: unexpected('files.chooseSnapshot'),
      chooseFolder: unexpected('files.chooseFolder'),
      fromFile: unexpected('files.fromFile'),
      fromHostPath: (path) => ({ kind: 'path', path, name: path.split('/').pop() ?? path }),
      recent: () => Promise.resolve([]),
      sample: unexpected('files.sample'),
      defaultSaveFolder: () => Promise.resolve('/home/op/snapshots'),
    },
    snapshots: {
      inspect: unexpected('snapshots.inspect'),
      openCatalogue: unexpected('snapshots.openCatalogue'),
      closeCatalogue: () => Promise.resolve(),
      kvChildren: unexpected('snapshots.kvChildren'),
      kvValue: unexpected('snapshots.kvValue'),
      records: unexpected('snapshots.records'),
      revealSecret: unexpected('snapshots.revealSecret'),
      search: unexpected('snapshots.search'),
    },
    save: { run: unexpected('save.run') },
    restore: { preflight: unexpected('restore.preflight'), run: unexpected('restore.run') },
    onMenuCommand: () => () => undefined,
    onOpenFile: () => () => undefined,
  }
  return {
    ...base,
    ...overrides,
    capabilities: { ...base.capabilities, ...overrides.capabilities },
    profiles: { ...base.profiles, ...overrides.profiles },
    files: { ...base.files, ...overrides.files },
    snapshots: { ...base.snapshots, ...overrides.snapshots },
    save: { ...base.save, ...overrides.save },
    restore: { ...base.restore, ...overrides.restore },
  } as StudioPort
}

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (...args: never[]) => unknown ? T[K] : DeepPartial<T[K]>
}

export function profileView(name: string, overrides: Partial<ProfileView> = {}): ProfileView {
  return {
    id: `id-${name}`,
    name,
    environment: { label: 'staging', colour: 'orange' },
    connection: { address: 'http://127.0.0.1:8500', useTls: false, tls: { insecureSkipVerify: false } },
    tokenSet: true,
    basicAuthPasswordSet: false,
    secretStorage: 'encrypted',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  }
}
