/**
 * The only Electron IPC channel names. Every contract method goes through `invoke` (the method
 * name travels in the message and is checked against the contract); every event through `event`.
 */
export const ipcChannels = {
  invoke: 'snapshot-studio:invoke',
  event: 'snapshot-studio:event',
} as const
