/** Plain fakes for the host's ports: enough behaviour to exercise dispatch, transports and the client. */
import { AppError } from '../../../src/shared/app-error'
import type { HostServices, InspectRunner, Work } from '../../../src/main/host/host-services'
import type { SnapshotInspectionWire } from '../../../src/shared/snapshot-wire-types'
import type { ByteProgress } from '../../../src/shared/progress'

export const sampleInspection: SnapshotInspectionWire = {
  meta: {
    id: '2-13-1602222343947',
    size: '5141',
    index: '13',
    term: '2',
    version: 1,
    configurationIndex: '1',
    servers: [{ suffrage: 0, id: 'a577b288-b354-770e-e909-da0972eb20e8', address: '127.0.0.1:8300' }],
    peers: null,
  },
  stats: [{ name: 'Register', count: 3, sum: 1741 }],
  totalSize: 5141,
  kvStats: null,
  totalSizeKV: 0,
  integrity: { verified: true, files: [] },
  archiveBytes: 2048,
  lastIndex: '13',
  enterpriseTypes: [],
  text: { pretty: ' ID           2-13-1602222343947', json: '{}' },
}

/** An inspect that reports progress, then waits until `release()` or its signal aborts. */
export function createControllableInspect(): InspectRunner & { release(): void; started: Promise<void> } {
  let release: () => void = () => undefined
  let markStarted: () => void = () => undefined
  const started = new Promise<void>((resolve) => (markStarted = resolve))
  const gate = new Promise<void>((resolve) => (release = resolve))
  return {
    started,
    release: () => release(),
    async inspect(_path: string, _options, work: Work<ByteProgress>) {
      work.onProgress({ bytes: 10, totalBytes: 100 })
      markStarted()
      await new Promise<void>((resolve, reject) => {
        work.signal.addEventListener('abort', () => reject(work.signal.reason), { once: true })
        void gate.then(resolve)
      })
      work.onProgress({ bytes: 100, totalBytes: 100 })
      return sampleInspection
    },
    async verify() {
      return sampleInspection
    },
  }
}

export function createFakeHostServices(overrides: Partial<HostServices> = {}): HostServices {
  return {
    appInfo: () => ({
      name: 'Snapshot Studio for Consul',
      version: '0.0.0-test',
      capabilities: { kind: 'browser', nativeDialogs: false, fileUpload: true },
      defaultSaveFolder: '/tmp/snapshots',
      platform: 'linux',
    }),
    sources: {
      async resolve(source) {
        if (source.kind === 'path' && source.path.endsWith('.snap')) return source.path
        throw new AppError('FILE_NOT_FOUND', 'No such snapshot.')
      },
    },
    inspect: {
      async inspect(_path, _options, work) {
        work.onProgress({ bytes: 2048, totalBytes: 2048 })
        return sampleInspection
      },
      async verify() {
        return sampleInspection
      },
    },
    ...overrides,
  }
}
