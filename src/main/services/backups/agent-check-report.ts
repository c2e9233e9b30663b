import { AppError, toErrorPayload, type AppErrorPayload } from '../../../shared/app-error'

/**
 * What one run of a scheduled check (the integrity re-check or the restore drill) found, as the
 * check process sends it back to the daemon: per backup, and one verdict for the health check.
 */
export type CheckKind = 'verify' | 'drill'
export type CheckSeverity = 'passing' | 'warning' | 'critical'

export type CheckOutcome =
  /** verify: read in full and every check of the engine passed. */
  | 'verified'
  /** verify: an encrypted backup without an identity: the age envelope was checked, not the snapshot. */
  | 'envelope-only'
  /** verify: the bytes are not a sound backup. drill: Consul refused it or it came back different. */
  | 'damaged'
  /** drill: restored and read back the same as the file. */
  | 'restored'
  /** The store could not be read, the key does not match, the drill could not run: nothing said about the backup. */
  | 'unchecked'
  /** The destination holds no backup of ours. */
  | 'none'

export interface CheckedBackup {
  destination: string
  /** The object's name; null when the destination holds none or could not be listed. */
  name: string | null
  outcome: CheckOutcome
  /** One sentence for the log and the health check. */
  message: string
  /** The drill's differences, one per line. */
  differences?: string[]
}

export interface CheckReport {
  kind: CheckKind
  severity: CheckSeverity
  /** The health check's note: names the damaged objects first. */
  summary: string
  startedAt: string
  endedAt: string
  durationMs: number
  backups: CheckedBackup[]
  /** The step itself could not run (cancelled, process lost). */
  error: AppErrorPayload | null
}

const WORST: Record<CheckOutcome, CheckSeverity> = {
  verified: 'passing',
  'envelope-only': 'passing',
  restored: 'passing',
  damaged: 'critical',
  unchecked: 'warning',
  none: 'warning',
}

const RANK: Record<CheckSeverity, number> = { passing: 0, warning: 1, critical: 2 }

/** The worst outcome decides; a damaged backup is named before anything else in the note. */
export function verdictOf(
  kind: CheckKind,
  backups: CheckedBackup[],
): { severity: CheckSeverity; summary: string } {
  if (backups.length === 0)
    return { severity: 'warning', summary: `No destination to ${kind === 'verify' ? 'verify' : 'drill'}.` }
  let severity: CheckSeverity = 'passing'
  for (const backup of backups)
    if (RANK[WORST[backup.outcome]] > RANK[severity]) severity = WORST[backup.outcome]
  const order = (b: CheckedBackup) => -RANK[WORST[b.outcome]]
  const lines = [...backups]
    .sort((a, b) => order(a) - order(b))
    .map((b) => `${label(b.outcome)} ${b.name ?? '(no backup)'} in ${b.destination}: ${b.message}`)
  return { severity, summary: lines.join('; ').slice(0, 3_500) }
}

function label(outcome: CheckOutcome): string {
  switch (outcome) {
    case 'damaged':
      return 'DAMAGED'
    case 'unchecked':
      return 'Not checked:'
    case 'none':
      return 'Nothing to check:'
    case 'envelope-only':
      return 'Envelope only:'
    case 'restored':
      return 'Restored'
    case 'verified':
      return 'Verified'
  }
}

/** A destination whose listing failed: nothing is said about its backups. */
export function notListed(destination: string, error: unknown): CheckedBackup {
  return {
    destination,
    name: null,
    outcome: 'unchecked',
    message: `could not be listed: ${toErrorPayload(error).message}`,
  }
}

/**
 * A backup its step could not get through. While the step is being cancelled the error is the
 * cancellation (thrown, never a verdict); otherwise the backup is damaged when the error
 * describes its bytes, and unchecked when it is the store's or the key's.
 */
export function failedBackup(
  failure: { destination: string; name: string; error: unknown; step: string; prefix?: string },
  signal: AbortSignal | undefined,
): CheckedBackup {
  const { destination, name, error, step, prefix = '' } = failure
  throwIfCancelled(error, signal, step)
  return {
    destination,
    name,
    outcome: isDamage(error) ? 'damaged' : 'unchecked',
    message: `${prefix}${toErrorPayload(error).message}`,
  }
}

/** An error thrown while `step` is being cancelled is the cancellation, not a verdict on a backup. */
export function throwIfCancelled(error: unknown, signal: AbortSignal | undefined, step: string): void {
  if (signal?.aborted) throw new AppError('CANCELLED', `The ${step} was cancelled.`, { cause: error })
}

/** Errors that describe the bytes themselves, not the store or the key. */
export function isDamage(error: unknown): boolean {
  if (!(error instanceof AppError)) return false
  return (
    error.code.startsWith('SNAPSHOT_') ||
    error.code === 'ENCRYPTED_DAMAGED' ||
    error.code === 'ENCRYPTED_UNSUPPORTED'
  )
}
