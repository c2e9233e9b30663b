import type { OperationProgress } from '../../shared/api-contract'
import type { ApiClient, OperationHandle } from '../../shared/api-client'
import { AppError } from '../../shared/app-error'
import type { InspectProgress } from '../../shared/snapshot-wire-types'
import type { ByteProgress, Operation, StudioPort } from './studio-port'

/**
 * The screens' port, served by the typed contract client. The one place that knows method
 * names, operation handles and which platform (desktop or browser) is underneath.
 */
export function createApiPort(client: ApiClient): StudioPort {
  const platform = client.platform
  let defaultFolder: Promise<string> | undefined

  return {
    capabilities: { nativeDialogs: platform.nativeDialogs, upload: platform.fileUpload },
    profiles: {
      list: async () => (await client.profiles.list({})).profiles,
      create: (input) => client.profiles.create({ input }),
      update: (id, input) => client.profiles.update({ id, input }),
      duplicate: (id) => client.profiles.duplicate({ id }),
      remove: async (id) => {
        await client.profiles.remove({ id })
      },
      test: (id) => client.profiles.test({ id }),
      testDraft: (input) => client.profiles.test({ input }),
      importFromEnvironment: async () => {
        const { draft } = await client.profiles.importFromEnv({})
        if (draft === null) {
          throw new AppError('PROFILE_INVALID', 'No Consul CLI settings were found in the environment.', {
            hint: 'Set CONSUL_HTTP_ADDR (and CONSUL_HTTP_TOKEN if ACLs are on) in the environment that starts Snapshot Studio, or fill in a new profile by hand.',
          })
        }
        return draft
      },
    },
    files: {
      chooseSnapshot: async () => {
        const { path } = await client.dialogs.openSnapshot({})
        return path === null ? null : client.files.fromPath(path)
      },
      chooseFolder: async () => (await client.dialogs.chooseFolder({ title: 'Folder for snapshots' })).path,
      fromFile: (file, op) =>
        client.files.fromFile(file, {
          signal: op?.signal,
          onUploadProgress: op?.onProgress ? (bytes, total) => op.onProgress?.({ bytes, total }) : undefined,
        }),
      fromHostPath: (path) => client.files.fromPath(path),
      recent: async () => (await client.recentFiles.list({})).files,
      sample: async () => {
        const sample = await client.sample.open({})
        return { kind: 'path', path: sample.path, name: sample.name }
      },
      defaultSaveFolder: () => (defaultFolder ??= client.app.info({}).then((info) => info.defaultSaveFolder)),
    },
    snapshots: {
      inspect: async (source, options, op) => {
        const run = () =>
          options.kvDetails && (options.kvDepth !== 2 || options.kvFilter !== '')
            ? client.snapshot.kvDetails({ source, kvDepth: options.kvDepth, kvFilter: options.kvFilter })
            : client.snapshot.inspect({
                source,
                kvDetails: options.kvDetails,
                kvDepth: options.kvDepth,
                kvFilter: options.kvFilter,
              })
        const result = await follow(run(), op, inspectBytes)
        if (source.kind === 'path') void client.recentFiles.add({ path: source.path }).catch(() => undefined)
        return result
      },
      openCatalogue: (source, op) => follow(client.snapshot.browse.open({ source }), op, inspectBytes),
      closeCatalogue: async (catalogueId) => {
        await client.snapshot.browse.close({ catalogueId })
      },
      kvChildren: (catalogueId, prefix, offset, limit) =>
        client.snapshot.browse.kvList({ catalogueId, prefix, offset, limit }),
      kvValue: (catalogueId, key) => client.snapshot.browse.kvValue({ catalogueId, key }),
      records: (catalogueId, kind, offset, limit) =>
        client.snapshot.browse.records({ catalogueId, kind, offset, limit }),
      revealSecret: async (catalogueId, kind, id, field) =>
        (await client.snapshot.browse.revealSecret({ catalogueId, kind, id, field })).value,
      search: async (catalogueId, query, limit) =>
        (await client.snapshot.browse.search({ catalogueId, query, limit })).hits,
    },
    save: {
      run: async (request, onProgress, signal) => {
        const handle = client.save.start({
          profileIds: request.profileIds,
          folder: request.folder,
          fileNameTemplate: request.fileNameTemplate,
          stale: request.stale,
          datacenter: request.datacenter === '' ? undefined : request.datacenter,
        })
        const stop = handle.onProgress((p) => {
          if (p.kind === 'save') onProgress(p.profileId, p.progress)
        })
        return (await withSignal(handle, signal).finally(stop)).entries
      },
    },
    restore: {
      preflight: (profileId, source) => client.restore.preflight({ source: source, profileId }).result,
      run: async (request, onProgress, signal) => {
        const handle = client.restore.start({
          source: request.source,
          profileId: request.profileId,
          confirmation: request.confirmation,
          safetySnapshot: request.safetySnapshot,
        })
        const stop = handle.onProgress((p) => {
          if (p.kind === 'restore') onProgress(p.progress)
        })
        return withSignal(handle, signal).finally(stop)
      },
    },
    onMenuCommand: (listener) => client.on('menu.command', ({ command }) => listener(command)),
    onOpenFile: (listener) => client.on('app.openFile', ({ path }) => listener(path)),
  }
}

function inspectBytes(p: OperationProgress): ByteProgress | null {
  if (p.kind !== 'inspect') return null
  return fromInspectProgress(p.progress)
}

function fromInspectProgress(p: InspectProgress): ByteProgress {
  return { bytes: p.bytesRead, total: p.totalBytes }
}

/** Forwards an operation's progress and ties its cancellation to an AbortSignal. */
async function follow<T>(
  handle: OperationHandle<T>,
  op: Operation | undefined,
  toBytes: (p: OperationProgress) => ByteProgress | null,
): Promise<T> {
  const stop = handle.onProgress((p) => {
    const bytes = toBytes(p)
    if (bytes !== null) op?.onProgress?.(bytes)
  })
  try {
    return await withSignal(handle, op?.signal)
  } finally {
    stop()
  }
}

async function withSignal<T>(handle: OperationHandle<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return handle.result
  const onAbort = () => void handle.cancel().catch(() => undefined)
  if (signal.aborted) onAbort()
  else signal.addEventListener('abort', onAbort, { once: true })
  try {
    return await handle.result
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
