/**
 * The desktop app's transport is installed by the preload as `window.snapshotStudio` (Electron
 * IPC behind contextBridge). This module only finds it and says so when it is the desktop one.
 */
import type { ElectronPlatform } from '../../shared/api-client'
import type { SnapshotStudioBridge } from '../../shared/api-bridge'

export function findIpcTransport(
  scope: { snapshotStudio?: SnapshotStudioBridge } = globalThis as { snapshotStudio?: SnapshotStudioBridge },
): SnapshotStudioBridge<ElectronPlatform> | null {
  const bridge = scope.snapshotStudio
  if (bridge === undefined || bridge.platform.kind !== 'electron') return null
  return bridge as SnapshotStudioBridge<ElectronPlatform>
}
