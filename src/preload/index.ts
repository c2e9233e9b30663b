// Preload: exposes the typed transport as window.snapshotStudio and nothing else (no ipcRenderer,
// no Node). Built as one CommonJS file that requires only `electron`, as a sandboxed preload must be.
import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { bridgeGlobalName } from '../shared/api-bridge'
import { createIpcBridge } from './ipc-bridge'

contextBridge.exposeInMainWorld(bridgeGlobalName, createIpcBridge(ipcRenderer, webUtils))
