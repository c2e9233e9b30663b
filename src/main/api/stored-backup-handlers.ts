/**
 * The Backups view's methods on stored backups (storedBackups.*), bound to the host's port.
 * Thin, like the rest: validated input in, the service's answer out, progress passed through.
 */
import { AppError } from '../../shared/app-error'
import type { ByteProgress } from '../../shared/progress'
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
  | 'storedBackups.browse'
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

    // Catalogues are built from files (in the app, in their own worker thread), so the content
    // browser gets the same verified plaintext copy the restore wizard gets, read once into the
    // catalogue and removed at once, whether the catalogue was built or not: for the length of the
    // open the disk holds the archive's size beside the catalogue's decompressed working copy
    // (which every browsed snapshot has); memory stays flat as for a local file.
    'storedBackups.browse': async ({ planId, destinationIndex, name, decryption }, context) => {
      const catalogue = services.catalogue
      if (catalogue === undefined)
        throw new AppError('UNSUPPORTED', 'Browsing snapshot contents is not available in this build.')
      const work = {
        signal: context.signal,
        onProgress: (progress: ByteProgress) => context.progress({ kind: 'inspect', progress }),
      }
      const copy = await stored().prepareRestore({ planId, destinationIndex }, name, decryption, work)
      try {
        return await catalogue.open(
          await services.sources.resolve({ kind: 'upload', uploadId: copy.uploadId }),
          work,
        )
      } finally {
        await stored()
          .discardPrepared(copy.uploadId)
          .catch(() => undefined)
      }
    },

    'storedBackups.discardPrepared': async ({ uploadId }) => ({
      removed: await stored().discardPrepared(uploadId),
    }),
  }
}
