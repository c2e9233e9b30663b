/**
 * `api`: the typed client every screen uses. In the desktop app it rides the preload's IPC
 * bridge; in a browser it opens the WebSocket to the loopback host and installs the same global,
 * so code that looks for `window.snapshotStudio` sees one shape in both.
 */
import { createApiClient, type ApiClient } from '../../shared/api-client'
import type { SnapshotStudioBridge } from '../../shared/api-bridge'
import { findIpcTransport } from './ipc-transport'
import { createWebTransport } from './web-transport'

export type { ApiClient } from '../../shared/api-client'
export type { OperationHandle } from '../../shared/api-client'

function pickTransport(): SnapshotStudioBridge {
  const scope = globalThis as { snapshotStudio?: SnapshotStudioBridge }
  const ipc = findIpcTransport(scope)
  if (ipc !== null) return ipc
  if (scope.snapshotStudio !== undefined) return scope.snapshotStudio
  const web = createWebTransport()
  scope.snapshotStudio = web
  return web
}

export const api: ApiClient = createApiClient(pickTransport())
