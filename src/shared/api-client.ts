/**
 * The typed client, derived from the contract: `client.profiles.list({})`,
 * `client.snapshot.browse.kvList({...})`. A transport moves raw envelopes; this module turns them
 * into values or thrown AppErrors, wraps long operations in handles (progress, cancel, result),
 * and makes the difference between the desktop app and browser mode explicit in the type.
 */
import type { z } from 'zod'
import {
  apiEvents,
  apiMethods,
  type EventName,
  type EventPayload,
  type MethodName,
  type OperationMethodName,
  type OperationProgress,
  type RequestInput,
  type ResponseOf,
} from './api-contract'
import type { ApiResult } from './api-result'
import { isApiResult, unwrapResult } from './api-result'
import { AppError } from './app-error'
import type { SnapshotSourceRef, UploadedFile } from './snapshot-wire-types'

// ---------------------------------------------------------------------------------------------
// What a transport supplies

/** Desktop app: files have paths; the OS pickers exist. */
export interface ElectronPlatform {
  kind: 'electron'
  nativeDialogs: true
  fileUpload: false
  /** The path of a File dropped on the window (Electron ≥ 32 removed `File.path`). */
  pathForFile(file: File): string
}

/** Browser mode: the page cannot see host paths, so a chosen file's bytes are streamed to the host. */
export interface BrowserPlatform {
  kind: 'browser'
  nativeDialogs: false
  fileUpload: true
  upload(
    file: File,
    options?: { signal?: AbortSignal; onProgress?: (bytesSent: number, total: number) => void },
  ): Promise<UploadedFile>
  /** Opens the browser's file chooser; resolves null when the user closes it. */
  chooseLocalFile(accept: string): Promise<File | null>
}

export type Platform = ElectronPlatform | BrowserPlatform

export interface Transport<P extends Platform = Platform> {
  /** Sends a call; resolves with the envelope (never rejects for an application error). */
  invoke(method: MethodName, input: unknown): Promise<unknown>
  /** Listens to one event; returns the function that stops listening. */
  subscribe(event: EventName, handler: (payload: unknown) => void): () => void
  platform: P
}

// ---------------------------------------------------------------------------------------------
// The client's shape

export interface OperationHandle<T> {
  readonly id: string
  readonly result: Promise<T>
  onProgress(handler: (progress: OperationProgress) => void): () => void
  /** Asks the host to stop; `result` then rejects with an AppError coded CANCELLED. */
  cancel(): Promise<void>
}

type OperationInput<M extends OperationMethodName> = Omit<RequestInput<M>, 'operationId'>

type MethodFunction<M extends MethodName> = M extends OperationMethodName
  ? (input: OperationInput<M>) => OperationHandle<ResponseOf<M>>
  : (input: RequestInput<M>) => Promise<ResponseOf<M>>

type Head<N extends string> = N extends `${infer H}.${string}` ? H : never
type Tail<N extends string, H extends string> = N extends `${H}.${infer R}` ? R : never
type Leaf<N extends string> = N extends `${string}.${string}` ? never : N
type AsMethod<N> = N extends MethodName ? MethodFunction<N> : never

/** Turns the dotted method names into nested namespaces, e.g. snapshot.browse.kvList. */
export type MethodTree<Names extends string, Prefix extends string = ''> = {
  [L in Leaf<Names>]: AsMethod<`${Prefix}${L}`>
} & {
  [H in Head<Names>]: MethodTree<Tail<Names, H>, `${Prefix}${H}.`>
}

/** Helpers that make a snapshot source from whatever the platform offers. */
export interface FileHelpers {
  /** Opens the OS picker (desktop) or the browser's chooser plus an upload (browser mode). */
  pickSnapshot(options?: {
    onUploadProgress?: (bytesSent: number, total: number) => void
    signal?: AbortSignal
  }): Promise<SnapshotSourceRef | null>
  /** A dropped or chosen File: its path on the desktop, an upload in browser mode. */
  fromFile(
    file: File,
    options?: { onUploadProgress?: (bytesSent: number, total: number) => void; signal?: AbortSignal },
  ): Promise<SnapshotSourceRef>
  /** A path typed by the operator or received from the host (file association, sample). */
  fromPath(path: string): SnapshotSourceRef
}

export type ApiClient<P extends Platform = Platform> = MethodTree<MethodName> & {
  platform: P
  files: FileHelpers
  /** The untyped-by-name door, for generic code such as tests: same checks, same envelopes. */
  call<M extends MethodName>(method: M, input: RequestInput<M>): Promise<ResponseOf<M>>
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void
}

// ---------------------------------------------------------------------------------------------
// Building it

export interface ClientOptions {
  /** Makes operation ids; tests pass a counter. */
  newOperationId?: () => string
}

function randomOperationId(): string {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/)
  return parts[parts.length - 1] || path
}

export function createApiClient<P extends Platform>(
  transport: Transport<P>,
  options: ClientOptions = {},
): ApiClient<P> {
  const newOperationId = options.newOperationId ?? randomOperationId

  async function call(method: MethodName, input: unknown): Promise<unknown> {
    let reply: unknown
    try {
      reply = await transport.invoke(method, input)
    } catch (error) {
      throw new AppError(
        'INTERNAL',
        `The call ${method} did not reach the Snapshot Studio host: ${error instanceof Error ? error.message : String(error)}`,
        {
          hint: 'Reload the window; in browser mode check that `snapshot-studio web` is still running.',
          cause: error,
        },
      )
    }
    if (!isApiResult(reply)) {
      throw new AppError('INTERNAL', `The host answered ${method} with something that is not an API reply.`, {
        hint: 'The window and the host may be different versions; restart Snapshot Studio.',
      })
    }
    return unwrapResult(reply as ApiResult<unknown>)
  }

  // Events are checked against the contract as requests are on the host: a payload of another
  // shape (a host of another version, a stray message on the socket) never reaches a store.
  function on(event: EventName, handler: (payload: unknown) => void): () => void {
    const schema: z.ZodType = apiEvents[event]
    return transport.subscribe(event, (payload) => {
      const parsed = schema.safeParse(payload)
      if (parsed.success) handler(parsed.data)
    })
  }

  function startOperation(method: MethodName, input: Record<string, unknown>): OperationHandle<unknown> {
    const id = newOperationId()
    const listeners = new Set<(progress: OperationProgress) => void>()
    const stop = on('operation.progress', (payload) => {
      const event = payload as EventPayload<'operation.progress'>
      if (event.operationId !== id) return
      for (const listener of listeners) listener(event.progress)
    })
    const result = call(method, { ...input, operationId: id })
    void result.then(stop, stop)
    return {
      id,
      result,
      onProgress(handler) {
        listeners.add(handler)
        return () => listeners.delete(handler)
      },
      async cancel() {
        await call('operations.cancel', { operationId: id })
      },
    }
  }

  const tree: Record<string, unknown> = {}
  for (const name of Object.keys(apiMethods) as MethodName[]) {
    const segments = name.split('.')
    let node = tree
    for (const segment of segments.slice(0, -1)) {
      node[segment] ??= {}
      node = node[segment] as Record<string, unknown>
    }
    const leaf = segments[segments.length - 1] as string
    node[leaf] = apiMethods[name].operation
      ? (input: Record<string, unknown>) => startOperation(name, input ?? {})
      : (input: unknown) => call(name, input ?? {})
  }

  const platform = transport.platform
  const files: FileHelpers = {
    async pickSnapshot(pickOptions = {}) {
      if (platform.kind === 'electron') {
        const { path } = (await call('dialogs.openSnapshot', {})) as ResponseOf<'dialogs.openSnapshot'>
        return path === null ? null : files.fromPath(path)
      }
      const file = await platform.chooseLocalFile('.snap,.tgz,.gz,application/gzip,application/octet-stream')
      return file === null ? null : files.fromFile(file, pickOptions)
    },
    async fromFile(file, fileOptions = {}) {
      if (platform.kind === 'electron') {
        const path = platform.pathForFile(file)
        if (path === '') {
          throw new AppError('FILE_UNREADABLE', `"${file.name}" has no path on this computer.`, {
            hint: 'Drop a file from a folder (not from an archive viewer or a web page), or use Open Snapshot….',
          })
        }
        return { kind: 'path', path, name: file.name }
      }
      const uploaded = await platform.upload(file, {
        signal: fileOptions.signal,
        onProgress: fileOptions.onUploadProgress,
      })
      return { kind: 'upload', uploadId: uploaded.uploadId, name: uploaded.name }
    },
    fromPath(path) {
      return { kind: 'path', path, name: baseName(path) }
    },
  }

  return Object.assign(tree, {
    platform,
    files,
    call: (method: MethodName, input: unknown) => call(method, input),
    on,
  }) as unknown as ApiClient<P>
}
