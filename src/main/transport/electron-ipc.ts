/**
 * The contract over Electron IPC: one invoke channel for every method, one event channel. A call
 * is answered only when it comes from the main frame of our own page (the sender's URL is checked
 * on every call, not once), and its payload then goes through the same dispatch as browser mode.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { failure } from '../../shared/api-result'
import { AppError } from '../../shared/app-error'
import { ipcChannels } from '../../shared/ipc-channels'
import type { Dispatcher } from '../api/dispatcher'

export interface IpcOptions {
  /** Electron's ipcMain, passed in by the entry point (tests pass a fake). */
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  dispatcher: Dispatcher
  isAppUrl(url: string): boolean
}

export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  isAppUrl: (url: string) => boolean,
): boolean {
  const frame = event.senderFrame
  if (frame === null || frame === undefined) return false
  if (frame.parent !== null) return false
  return isAppUrl(frame.url)
}

export function clientIdOf(contents: Pick<WebContents, 'id'>): string {
  return `window-${contents.id}`
}

export function serveApiOverIpc(options: IpcOptions): () => void {
  const { ipcMain } = options
  ipcMain.handle(ipcChannels.invoke, async (event, message: unknown) => {
    if (!isTrustedSender(event, options.isAppUrl)) {
      return failure(new AppError('FORBIDDEN', 'This page may not call Snapshot Studio.'))
    }
    const call = message as { method?: unknown; input?: unknown } | null
    if (typeof call !== 'object' || call === null) {
      return failure(
        new AppError('INVALID_ARGUMENT', 'An API call must be an object with a method and an input.'),
      )
    }
    return options.dispatcher.dispatch(clientIdOf(event.sender), call.method, call.input)
  })
  return () => ipcMain.removeHandler(ipcChannels.invoke)
}

/** Lets the dispatcher send events to a window until it is destroyed; its operations stop then. */
export function connectWebContents(dispatcher: Dispatcher, contents: WebContents): void {
  const disconnect = dispatcher.connect({
    id: clientIdOf(contents),
    send: (event, payload) => {
      if (!contents.isDestroyed()) contents.send(ipcChannels.event, { event, payload })
    },
  })
  contents.once('destroyed', disconnect)
}
