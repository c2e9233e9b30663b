/**
 * The Backups view's methods on stored backups (storedBackups.*), bound to the host's port.
 * Thin, like the rest: validated input in, the service's answer out, progress passed through.
 */
import { AppError } from '../../shared/app-error'
import { toInspectionWire } from '../host/workers/snapshot-wire'
import type { HostServices } from '../host/host-services'
import type { ApiHandlers } from './dispatcher'

type StoredBackupMethod =
  | 'storedBackups.list'
  | 'storedBackups.inspect'
  | 'storedBackups.download'
  | 'storedBackups.delete'
  | 'storedBackups.verify'
  | 'storedBackups.prepareRestore'
  | 'storedBackups.discardPrepared'

export function createStoredBackupHandlers(services: HostServices): Pick<ApiHandlers, StoredBackupMethod> {
  const stored = () => {
    if (services.storedBackups === undefined)
      throw new AppError(
        'UNSUPPORTED',
        'Browsing stored backups is not available in this build of Snapshot Studio.',
      )
    return services.storedBackups
  }
  return {
    'storedBackups.list': async ({ planId, destinationIndex }, context) =>
      stored().list({ planId, destinationIndex }, context.signal),

    'storedBackups.inspect': async (
      { planId, destinationIndex, name, decryption, kvDetails, kvDepth, kvFilter },
      context,
    ) =>
      toInspectionWire(
        await stored().inspect(
          { planId, destinationIndex },
          name,
          { kvDetails, kvDepth, kvFilter },
          decryption,
          {
            signal: context.signal,
            onProgress: (progress) => context.progress({ kind: 'inspect', progress }),
          },
        ),
        kvDetails,
      ),

    'storedBackups.download': async ({ planId, destinationIndex, name, folder, decryption }, context) =>
      stored().download({ planId, destinationIndex }, name, folder, decryption, {
        signal: context.signal,
        onProgress: (progress) => context.progress({ kind: 'inspect', progress }),
      }),

    'storedBackups.delete': async ({ planId, destinationIndex, name, confirmation }) => {
      await stored().delete({ planId, destinationIndex }, name, confirmation)
      return { name }
    },

    'storedBackups.verify': async ({ planId, destinationIndex, names, decryption }, context) =>
      stored().verify({ planId, destinationIndex }, names, decryption, {
        signal: context.signal,
        onProgress: (progress) => context.progress({ kind: 'stored-verify', progress }),
      }),

    'storedBackups.prepareRestore': async ({ planId, destinationIndex, name, decryption }, context) =>
      stored().prepareRestore({ planId, destinationIndex }, name, decryption, {
        signal: context.signal,
        onProgress: (progress) => context.progress({ kind: 'inspect', progress }),
      }),

    'storedBackups.discardPrepared': async ({ uploadId }) => ({
      removed: await stored().discardPrepared(uploadId),
    }),
  }
}
