/**
 * The one global the renderer finds: `window.snapshotStudio`. The preload installs it over
 * Electron IPC; the browser build installs the same shape over the loopback WebSocket. It is a
 * Transport (envelopes, not thrown errors, because errors lose their class and fields when they
 * cross contextBridge), and the renderer builds the typed client on top with createApiClient.
 */
import type { Platform, Transport } from './api-client'

export type SnapshotStudioBridge<P extends Platform = Platform> = Transport<P>

export const bridgeGlobalName = 'snapshotStudio'

declare global {
  interface Window {
    snapshotStudio?: SnapshotStudioBridge
  }
}
