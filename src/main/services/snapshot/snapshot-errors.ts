import { AppError } from '../../../shared/app-error'
import { printableText } from '../../../shared/printable-text'

/**
 * The typed failures of reading a snapshot file, worded for the person holding the file: what is
 * wrong with it and what to do next. Kept in one place so the reader, the verifier and the CLI
 * say the same thing about the same problem.
 */
const TAKE_NEW = 'Take a new snapshot (consul snapshot save) or use another backup.'

export const snapshotErrors = {
  empty: (path: string) =>
    new AppError('SNAPSHOT_EMPTY', `The snapshot file is empty (0 bytes): ${path}`, {
      hint: 'The save or copy probably failed before writing anything. ' + TAKE_NEW,
    }),

  notGzip: (looksLike: 'tar' | 'state.bin' | 'json' | 'other') => {
    const what: Record<typeof looksLike, string> = {
      tar: 'The file is an uncompressed tar archive, not a Consul snapshot (a snapshot is a gzip-compressed tar).',
      'state.bin': 'The file looks like a raw state.bin, not a snapshot archive.',
      json: 'The file is JSON text, not a Consul snapshot archive.',
      other: 'The file is not a Consul snapshot: it is not gzip-compressed.',
    }
    const hints: Record<typeof looksLike, string> = {
      tar: 'Compress it with gzip (without padding the tar), or use the original .snap file.',
      'state.bin':
        'Name the file state.bin and put its meta.json beside it to inspect it, or use the .snap archive.',
      json: 'Check that you picked the snapshot and not, for example, a KV export.',
      other: 'Check that you picked the right file; snapshots are what `consul snapshot save` writes.',
    }
    return new AppError('SNAPSHOT_NOT_GZIP', what[looksLike], { hint: hints[looksLike] })
  },

  gzipCorrupt: (detail: string, cause?: unknown) =>
    new AppError('SNAPSHOT_GZIP_CORRUPT', `The snapshot's gzip compression is damaged (${detail}).`, {
      hint: 'The file was corrupted on disk or in transfer. ' + TAKE_NEW,
      cause,
    }),

  truncated: (where: string, cause?: unknown) =>
    new AppError(
      'SNAPSHOT_TRUNCATED',
      `The snapshot is truncated: ${where}. The download or copy probably did not complete.`,
      {
        hint: TAKE_NEW,
        cause,
      },
    ),

  notTar: (detail: string) =>
    new AppError(
      'SNAPSHOT_NOT_TAR',
      `The file is gzip-compressed but does not hold a tar archive: ${detail}.`,
      {
        hint: 'Check that you picked a Consul snapshot (.snap) file.',
      },
    ),

  doubleGzip: () =>
    new AppError('SNAPSHOT_NOT_TAR', 'This file is gzip-compressed twice.', {
      hint: 'Decompress it once with gunzip (e.g. `gunzip -c file > backup.snap`) and open the result.',
    }),

  unexpectedEntry: (name: string) =>
    new AppError(
      'SNAPSHOT_UNEXPECTED_ENTRY',
      `The archive contains an unexpected file "${printableText(name)}"; a Consul snapshot holds only meta.json, state.bin and SHA256SUMS.`,
      {
        hint: /\.(snap|tgz|gz|tar)$/i.test(name)
          ? 'It looks like a snapshot packed inside another archive: extract it and open the inner file.'
          : 'Consul refuses such archives too. Use the file exactly as `consul snapshot save` wrote it.',
        details: { entry: printableText(name) },
      },
    ),

  // Consul's reader does not refuse a repeated entry: it hashes and keeps the copies as one
  // joined entry, so some such files pass there. None comes from `consul snapshot save`, and which
  // copy is meant cannot be told, so we refuse them, and say so without blaming Consul.
  duplicateEntry: (name: string) =>
    new AppError('SNAPSHOT_UNEXPECTED_ENTRY', `The archive contains "${name}" more than once.`, {
      hint:
        '`consul snapshot save` writes each entry once, so another tool assembled or changed this file; which copy is meant cannot be told. ' +
        TAKE_NEW,
      details: { entry: name },
    }),

  trailingBytes: (count: number, layer: 'tar' | 'gzip') =>
    new AppError(
      'SNAPSHOT_TRAILING_BYTES',
      layer === 'tar'
        ? `${count} unread uncompressed bytes remain after the end of the tar archive.`
        : `${count} bytes of extra data follow the end of the gzip stream.`,
      {
        hint:
          layer === 'tar'
            ? 'Consul rejects this too: the archive was probably written by a tool that pads tar files (GNU tar, Python tarfile). Use the file from `consul snapshot save`.'
            : 'Consul rejects this too: something appended data to the file. ' + TAKE_NEW,
        details: { bytes: count },
      },
    ),

  trailingGarbage: (cause?: unknown) =>
    new AppError(
      'SNAPSHOT_TRAILING_BYTES',
      'Data that is not part of the gzip stream follows the end of the compressed snapshot.',
      {
        hint: 'Consul rejects this too: something appended data to the file. ' + TAKE_NEW,
        cause,
      },
    ),

  checksumMismatch: (file: string) =>
    new AppError(
      'SNAPSHOT_CHECKSUM_MISMATCH',
      `The checksum of ${file} does not match SHA256SUMS: the snapshot content is corrupted or was modified.`,
      {
        hint: TAKE_NEW,
        details: { file },
      },
    ),

  checksumListInvalid: (detail: string) =>
    new AppError('SNAPSHOT_CHECKSUM_LIST_INVALID', `The checksum list SHA256SUMS is invalid: ${detail}.`, {
      hint: 'The archive was not written by Consul or was modified. ' + TAKE_NEW,
    }),

  missingEntry: (name: string) =>
    new AppError(
      'SNAPSHOT_MISSING_ENTRY',
      `The archive has no ${name}; a Consul snapshot always holds meta.json, state.bin and SHA256SUMS.`,
      {
        hint: TAKE_NEW,
        details: { entry: name },
      },
    ),

  metaInvalid: (detail: string) =>
    new AppError('SNAPSHOT_META_INVALID', `The snapshot's meta.json is invalid: ${detail}.`, {
      hint: 'The archive was not written by Consul or was modified. ' + TAKE_NEW,
    }),

  sizeMismatch: (declared: bigint, actual: number) =>
    new AppError(
      'SNAPSHOT_SIZE_MISMATCH',
      `meta.json says state.bin holds ${declared} bytes but it holds ${actual}.`,
      {
        hint: "Consul would refuse to restore it (size didn't match). " + TAKE_NEW,
        details: { declared: declared.toString(), actual },
      },
    ),

  stateInvalid: (detail: string, offset: number) =>
    new AppError(
      'SNAPSHOT_STATE_INVALID',
      `state.bin is not valid Consul snapshot data: ${detail} at byte ${offset}.`,
      {
        hint: 'Restoring it would crash the Consul leader. ' + TAKE_NEW,
        details: { offset },
      },
    ),

  fileNotFound: (path: string) =>
    new AppError('FILE_NOT_FOUND', `No such file: ${path}`, { hint: 'Check the path and try again.' }),

  fileUnreadable: (path: string, reason: string, cause?: unknown) =>
    new AppError('FILE_UNREADABLE', `Cannot read ${path}: ${reason}`, {
      hint: 'Check that it is a regular file and that you have permission to read it.',
      cause,
    }),

  cancelled: () => new AppError('CANCELLED', 'Reading the snapshot was cancelled.'),
}

/** Maps a filesystem error from opening/reading `path` to FILE_NOT_FOUND / FILE_UNREADABLE. */
export function fileError(path: string, error: unknown): AppError {
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'ENOENT' || code === 'ENOTDIR') return snapshotErrors.fileNotFound(path)
  if (code === 'EISDIR') return snapshotErrors.fileUnreadable(path, 'it is a directory', error)
  if (code === 'EACCES' || code === 'EPERM')
    return snapshotErrors.fileUnreadable(path, 'permission denied', error)
  const message = error instanceof Error ? error.message : String(error)
  return snapshotErrors.fileUnreadable(path, message, error)
}
