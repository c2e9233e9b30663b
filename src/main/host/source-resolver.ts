/**
 * Turns a snapshot source from the API into a path the snapshot services may read: an upload id
 * known to this host, or a host path that names a regular file. Anything else is a typed error
 * before a service opens a byte.
 */
import { stat } from 'node:fs/promises'
import { AppError } from '../../shared/app-error'
import type { DecryptedSources } from './decrypted-sources'
import type { SnapshotSource } from '../../shared/snapshot-wire-types'
import type { SourceResolver } from './host-services'

export interface SourceResolverOptions {
  uploads?: { pathOf(uploadId: string): string | null }
  /** Age-encrypted files become a private decrypted copy (with the request's key); without it they pass as they are. */
  decrypted?: DecryptedSources
}

export function createSourceResolver(options: SourceResolverOptions = {}): SourceResolver {
  return {
    async resolve(source) {
      const path = await locate(source, options)
      return options.decrypted ? options.decrypted.resolve(path, source.decryption) : path
    },
  }
}

async function locate(source: SnapshotSource, options: SourceResolverOptions): Promise<string> {
  if (source.kind === 'upload') {
    const path = options.uploads?.pathOf(source.uploadId) ?? null
    if (path === null) {
      throw new AppError('FILE_NOT_FOUND', 'That uploaded file is no longer on the host.', {
        hint: 'Uploads last as long as `snapshot-studio web` runs; upload the file again.',
      })
    }
    return path
  }
  let info
  try {
    info = await stat(source.path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new AppError('FILE_NOT_FOUND', `There is no file at ${source.path}.`, {
        hint: 'Check the path, or open the file with Open Snapshot….',
        cause: error,
      })
    }
    throw new AppError('FILE_UNREADABLE', `${source.path} cannot be read (${code ?? 'unknown error'}).`, {
      hint: 'Check the file permissions.',
      cause: error,
    })
  }
  if (!info.isFile()) {
    throw new AppError('FILE_UNREADABLE', `${source.path} is not a regular file.`, {
      hint: 'Choose a .snap file, not a folder or a device.',
    })
  }
  return source.path
}
