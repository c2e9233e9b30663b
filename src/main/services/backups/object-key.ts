import { AppError } from '../../../shared/app-error'

/**
 * Names inside a remote store (S3 key, Azure blob, GCS object): `<prefix>/<name>`, with the
 * prefix's own slashes trimmed so that `backups/` and `/backups` give one slash, and no slash at
 * all without a prefix, as the Enterprise agent names them.
 */
export function normalisePrefix(prefix: string | null | undefined): string {
  return (prefix ?? '').replace(/^\/+|\/+$/g, '')
}

export function objectKey(prefix: string, name: string): string {
  assertBackupName(name)
  return prefix === '' ? name : `${prefix}/${name}`
}

/** The name under the prefix, or null for keys outside it or in a deeper "folder". */
export function nameInPrefix(prefix: string, key: string): string | null {
  const start = prefix === '' ? '' : `${prefix}/`
  if (!key.startsWith(start)) return null
  const name = key.slice(start.length)
  return name === '' || name.includes('/') ? null : name
}

/** A destination stores flat names only; anything that could climb or nest is refused. */
export function assertBackupName(name: string): void {
  if (name === '' || name.startsWith('.') || /[/\\]/.test(name))
    throw new AppError('INVALID_ARGUMENT', `"${name}" is not a backup name.`)
}
