/**
 * Browser mode's transport: the same bridge the preload exposes, over a WebSocket to the
 * loopback host (calls, replies, events) plus streamed uploads. The page was opened with the
 * host's token in the URL fragment (never sent to any server); it moves to this tab's session
 * storage (scoped to this origin, port included) and leaves the address bar, and the socket and
 * uploads present it themselves. No cookie: see docs/threat-model.md ("Browser mode").
 */
import type { EventName, MethodName } from '../../shared/api-contract'
import type { BrowserPlatform } from '../../shared/api-client'
import type { SnapshotStudioBridge } from '../../shared/api-bridge'
import { AppError } from '../../shared/app-error'
import {
  isHostFrame,
  socketProtocols,
  tokenFragmentKey,
  webPaths,
  type ClientFrame,
} from '../../shared/web-protocol'
import type { UploadedFile } from '../../shared/snapshot-wire-types'

/** The little a socket must offer; tests pass a fake. */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(): void
  addEventListener(
    type: 'open' | 'close' | 'error' | 'message',
    listener: (event: { data?: unknown }) => void,
  ): void
}

export interface WebTransportOptions {
  /** e.g. ws://127.0.0.1:4711/api/socket; defaults to the page's own host. */
  socketUrl?: string
  /** Base for uploads, e.g. http://127.0.0.1:4711; defaults to the page's origin. */
  httpBase?: string
  /** Opens the socket offering these subprotocols (the token rides in one of them). */
  openSocket?: (url: string, protocols: string[]) => SocketLike
  /** The host's token; by default taken from the page (`takePageToken`). */
  token?: string | null
}

/** Where the token waits between reloads of this tab; session storage is per origin and tab. */
export const tokenStorageKey = 'snapshot-studio.token'

/** What `takePageToken` needs of a page; tests pass a fake. */
export interface PageLike {
  location: { hash: string; pathname: string; search: string }
  history: { replaceState(data: unknown, unused: string, url: string): void }
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void }
}

/**
 * Moves `#token=…` from the address into session storage and drops it from the address bar and
 * history, then returns the token this tab holds (null when the page was opened without one).
 */
export function takePageToken(page: PageLike | null = currentPage()): string | null {
  if (page === null) return null
  const fragment = new URLSearchParams(page.location.hash.replace(/^#/, ''))
  const fromUrl = fragment.get(tokenFragmentKey)
  if (fromUrl !== null) {
    fragment.delete(tokenFragmentKey)
    const rest = fragment.toString()
    page.history.replaceState(
      null,
      '',
      `${page.location.pathname}${page.location.search}${rest === '' ? '' : `#${rest}`}`,
    )
    if (fromUrl !== '') page.sessionStorage.setItem(tokenStorageKey, fromUrl)
  }
  return page.sessionStorage.getItem(tokenStorageKey)
}

function currentPage(): PageLike | null {
  const scope = globalThis as Partial<PageLike>
  if (scope.location === undefined || scope.history === undefined || scope.sessionStorage === undefined)
    return null
  return scope as PageLike
}

const OPEN = 1

interface Pending {
  resolve(value: unknown): void
  reject(error: unknown): void
}

const noToken = () =>
  new AppError(
    'INTERNAL',
    'This page was opened without the access token of the Snapshot Studio host: open the whole URL that `snapshot-studio web` printed (it ends with #token=…).',
    { hint: 'Open the whole URL that `snapshot-studio web` printed, in this browser.' },
  )

function hostUnreachable(reason: string): AppError {
  return new AppError('INTERNAL', `Lost the connection to the Snapshot Studio host: ${reason}.`, {
    hint: 'Check that `snapshot-studio web` is still running, then reload this page (with the URL it printed).',
  })
}

export function createWebTransport(options: WebTransportOptions = {}): SnapshotStudioBridge<BrowserPlatform> {
  // Read lazily: importing this module must not need a page (component tests run without one).
  const socketUrl = () =>
    options.socketUrl ??
    `${globalThis.location.protocol === 'https:' ? 'wss' : 'ws'}://${globalThis.location.host}${webPaths.socket}`
  const httpBase = () => options.httpBase ?? globalThis.location.origin
  const openSocket =
    options.openSocket ??
    ((url: string, protocols: string[]) => new WebSocket(url, protocols) as unknown as SocketLike)
  // Taken once, when the transport is made: the address bar loses it before any screen renders.
  const token = options.token === undefined ? takePageToken() : options.token

  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const pending = new Map<number, Pending>()
  let nextId = 1
  let connecting: Promise<SocketLike> | null = null

  function connect(): Promise<SocketLike> {
    if (connecting !== null) return connecting
    if (token === null) return Promise.reject(noToken())
    connecting = new Promise<SocketLike>((resolve, reject) => {
      const socket = openSocket(socketUrl(), socketProtocols(token))
      let opened = false
      socket.addEventListener('open', () => {
        opened = true
        resolve(socket)
      })
      socket.addEventListener('message', (event) => {
        let frame: unknown
        try {
          frame = JSON.parse(String(event.data))
        } catch {
          return
        }
        if (!isHostFrame(frame)) return
        if (frame.type === 'reply') {
          pending.get(frame.id)?.resolve(frame.result)
          pending.delete(frame.id)
        } else {
          for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload)
        }
      })
      const fail = (reason: string) => {
        connecting = null
        const error = hostUnreachable(reason)
        if (!opened) reject(error)
        for (const call of pending.values()) call.reject(error)
        pending.clear()
      }
      socket.addEventListener('close', () => fail('the socket closed'))
      socket.addEventListener('error', () => fail('the socket failed'))
    })
    return connecting
  }

  async function invoke(method: MethodName, input: unknown): Promise<unknown> {
    const socket = await connect()
    if (socket.readyState !== OPEN) throw hostUnreachable('the socket is not open')
    const id = nextId++
    const frame: ClientFrame = { type: 'call', id, method, input }
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      socket.send(JSON.stringify(frame))
    })
  }

  function subscribe(event: EventName, handler: (payload: unknown) => void): () => void {
    const set = listeners.get(event) ?? new Set()
    set.add(handler)
    listeners.set(event, set)
    // Events only flow over an open socket; subscribing opens it so host events are not missed.
    void connect().catch(() => undefined)
    return () => set.delete(handler)
  }

  const platform: BrowserPlatform = {
    kind: 'browser',
    nativeDialogs: false,
    fileUpload: true,
    upload: (file, uploadOptions = {}) =>
      token === null
        ? Promise.reject(noToken())
        : uploadFile(`${httpBase()}${webPaths.upload}`, token, file, uploadOptions),
    chooseLocalFile,
  }

  return { invoke, subscribe, platform }
}

/** Streams a file to the host; XMLHttpRequest because fetch reports no upload progress. */
function uploadFile(
  url: string,
  token: string,
  file: File,
  options: { signal?: AbortSignal; onProgress?: (bytesSent: number, total: number) => void },
): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest()
    request.open('POST', `${url}?name=${encodeURIComponent(file.name)}`)
    request.setRequestHeader('Authorization', `Bearer ${token}`)
    request.setRequestHeader('Content-Type', 'application/octet-stream')
    request.upload.onprogress = (event) =>
      options.onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size)
    request.onload = () => {
      let body: unknown
      try {
        body = JSON.parse(request.responseText)
      } catch {
        body = undefined
      }
      const envelope = body as
        | { ok?: boolean; value?: UploadedFile; error?: { code: string; message: string; hint?: string } }
        | undefined
      if (envelope?.ok === true && envelope.value !== undefined) resolve(envelope.value)
      else if (envelope?.ok === false && envelope.error !== undefined)
        reject(AppError.fromPayload(envelope.error as Parameters<typeof AppError.fromPayload>[0]))
      else
        reject(
          new AppError('FILE_UNREADABLE', `Uploading ${file.name} failed (HTTP ${request.status}).`, {
            hint: 'Reload the page with the URL the host printed.',
          }),
        )
    }
    request.onerror = () => reject(hostUnreachable(`uploading ${file.name} failed`))
    request.onabort = () => reject(new AppError('CANCELLED', `Uploading ${file.name} was cancelled.`))
    options.signal?.addEventListener('abort', () => request.abort(), { once: true })
    request.send(file)
  })
}

/** Opens the browser's file chooser from the current user gesture. */
function chooseLocalFile(accept: string): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = accept
    input.style.display = 'none'
    const done = (file: File | null) => {
      input.remove()
      resolve(file)
    }
    input.addEventListener('change', () => done(input.files?.[0] ?? null), { once: true })
    input.addEventListener('cancel', () => done(null), { once: true })
    document.body.append(input)
    input.click()
  })
}
