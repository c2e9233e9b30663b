import { AppError } from '../../../shared/app-error'
import type { ConsulConnection } from './consul-connection'

export type RestoreKind = 'restore' | 'selective restore'

export interface RestoreSafety {
  /** A safety snapshot of the target is taken first (full restores), or an undo file is kept (selective). */
  safetyCopy: boolean
  /** The operator confirmed, a second time, what the restore will overwrite or delete. */
  lossAcknowledged: boolean
}

/**
 * The profile's protection level, enforced where the change is made (the services every host
 * and the CLI call), so no screen, request or flag can go around it. A connection built from
 * flags or the environment has no level and is treated as `normal`.
 */
export function assertRestoreAllowed(
  connection: ConsulConnection,
  kind: RestoreKind,
  safety: RestoreSafety,
): void {
  assertNotReadOnly(connection, kind)
  const level = connection.protection ?? 'normal'
  if (level !== 'protected') return
  if (!safety.safetyCopy) {
    throw new AppError(
      'RESTORE_REFUSED',
      `The profile "${connection.name}" is protected: a ${kind} always keeps a copy of what it replaces first.`,
      {
        hint:
          kind === 'restore'
            ? 'Leave the safety snapshot on; nothing was sent to the cluster.'
            : 'Keep the undo file; nothing was sent to the cluster.',
        details: { protection: level },
      },
    )
  }
  if (!safety.lossAcknowledged) {
    throw new AppError(
      'RESTORE_REFUSED',
      `The profile "${connection.name}" is protected: the ${kind} needs a second confirmation of what will be lost.`,
      {
        hint: 'Confirm the list of what will be replaced or deleted, then start again; nothing was sent to the cluster.',
        details: { protection: level },
      },
    )
  }
}

/** Refuses a read-only profile before any step of a restore, its preview included. */
export function assertNotReadOnly(connection: ConsulConnection, kind: RestoreKind): void {
  if (connection.protection !== 'read-only') return
  throw new AppError('FORBIDDEN', `The profile "${connection.name}" is read-only: no ${kind} reaches it.`, {
    hint: 'Saves, inspection and comparisons still work. To restore, change the profile\u2019s protection level first.',
    details: { protection: 'read-only' },
  })
}
