/**
 * The bridge the preload exposes as `window.snapshotStudio`: a Transport over Electron IPC.
 * Errors cross as envelopes (contextBridge would strip an Error's class and fields), events
 * arrive on one channel and fan out by name, and dropped files get their path through webUtils
 * (Electron 32 removed File.path).
 */
import type { EventName, MethodName } from '../shared/api-contract'
import type { ElectronPlatform } from '../shared/api-client'
import type { SnapshotStudioBridge } from '../shared/api-bridge'
import { ipcChannels } from '../shared/ipc-channels'

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

export interface WebUtilsLike {
  getPathForFile(file: File): string
}

/**
 * Files to open may arrive (launch, "open with") before the page has subscribed; they wait here
 * for the first listener instead of being lost.
 */
const heldUntilSubscribed = new Set<string>(['app.openFile'])

export function createIpcBridge(
  ipc: IpcRendererLike,
  webUtils: WebUtilsLike,
): SnapshotStudioBridge<ElectronPlatform> {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const held = new Map<string, unknown[]>()

  ipc.on(ipcChannels.event, (_event, message) => {
    const frame = message as { event?: unknown; payload?: unknown } | null
    if (typeof frame !== 'object' || frame === null || typeof frame.event !== 'string') return
    const current = listeners.get(frame.event)
    if ((current === undefined || current.size === 0) && heldUntilSubscribed.has(frame.event)) {
      held.set(frame.event, [...(held.get(frame.event) ?? []), frame.payload])
      return
    }
    for (const listener of current ?? []) listener(frame.payload)
  })

  return {
    invoke: (method: MethodName, input: unknown) => ipc.invoke(ipcChannels.invoke, { method, input }),
    subscribe(event: EventName, handler: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set()
      set.add(handler)
      listeners.set(event, set)
      const waiting = held.get(event)
      if (waiting !== undefined) {
        held.delete(event)
        for (const payload of waiting) handler(payload)
      }
      return () => {
        set.delete(handler)
      }
    },
    platform: {
      kind: 'electron',
      nativeDialogs: true,
      fileUpload: false,
      pathForFile: (file: File) => webUtils.getPathForFile(file),
    },
  }
}
