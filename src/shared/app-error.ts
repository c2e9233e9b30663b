/**
 * Every failure an operator can meet crosses module and process lines as an AppError: a stable
 * machine-readable code, a message that says what is wrong, and a hint that says what to do.
 * The same shape is serialised over IPC and the web transport (see `toErrorPayload`).
 */
export type AppErrorCode =
  // snapshot files
  | 'SNAPSHOT_EMPTY'
  | 'SNAPSHOT_NOT_GZIP'
  | 'SNAPSHOT_GZIP_CORRUPT'
  | 'SNAPSHOT_TRUNCATED'
  | 'SNAPSHOT_NOT_TAR'
  | 'SNAPSHOT_UNEXPECTED_ENTRY'
  | 'SNAPSHOT_TRAILING_BYTES'
  | 'SNAPSHOT_CHECKSUM_MISMATCH'
  | 'SNAPSHOT_CHECKSUM_LIST_INVALID'
  | 'SNAPSHOT_MISSING_ENTRY'
  | 'SNAPSHOT_META_INVALID'
  | 'SNAPSHOT_SIZE_MISMATCH'
  | 'SNAPSHOT_STATE_INVALID'
  // a save record (`<name>.json`) beside a stored backup that is not one, or describes another file
  | 'SIDECAR_INVALID'
  // age-encrypted snapshots (.snap.age)
  | 'ENCRYPTED_KEY_REQUIRED'
  | 'ENCRYPTED_WRONG_KEY'
  | 'ENCRYPTED_DAMAGED'
  | 'ENCRYPTED_UNSUPPORTED'
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'FILE_EXISTS'
  | 'CANCELLED'
  | 'INVALID_ARGUMENT'
  // the API surface: a method this host does not offer (native dialogs in browser mode), a link refused
  | 'UNSUPPORTED'
  | 'URL_NOT_ALLOWED'
  | 'FORBIDDEN'
  // consul connections
  | 'CONSUL_UNREACHABLE'
  | 'CONSUL_REFUSED'
  | 'CONSUL_TLS'
  | 'CONSUL_ACL_DENIED'
  | 'CONSUL_NO_LEADER'
  | 'CONSUL_RATE_LIMITED'
  | 'CONSUL_TIMEOUT'
  | 'CONSUL_HTTP'
  | 'RESTORE_REFUSED'
  // remote backup stores (S3, Azure Blob, GCS): unreachable, credentials refused, bucket or
  // container missing, any other refusal, and an upload whose stored checksum does not match
  | 'STORAGE_UNREACHABLE'
  | 'STORAGE_AUTH'
  | 'STORAGE_NOT_FOUND'
  | 'STORAGE_REFUSED'
  | 'STORAGE_VERIFY_FAILED'
  // profiles and settings
  | 'PROFILE_NOT_FOUND'
  | 'PROFILE_INVALID'
  | 'SETTINGS_CORRUPT'
  // backup plans: unknown, not valid, or already running (here or in another window on this data folder)
  | 'PLAN_NOT_FOUND'
  | 'PLAN_INVALID'
  | 'PLAN_BUSY'
  | 'INTERNAL'

export interface AppErrorPayload {
  code: AppErrorCode
  message: string
  hint?: string
  details?: Record<string, string | number | boolean | null>
}

export class AppError extends Error {
  readonly code: AppErrorCode
  readonly hint: string | undefined
  readonly details: AppErrorPayload['details']

  constructor(
    code: AppErrorCode,
    message: string,
    options: { hint?: string; details?: AppErrorPayload['details']; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.hint = options.hint
    this.details = options.details
  }

  toPayload(): AppErrorPayload {
    const payload: AppErrorPayload = { code: this.code, message: this.message }
    if (this.hint !== undefined) payload.hint = this.hint
    if (this.details !== undefined) payload.details = this.details
    return payload
  }

  static fromPayload(payload: AppErrorPayload): AppError {
    return new AppError(payload.code, payload.message, { hint: payload.hint, details: payload.details })
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError
}

/** Turns anything thrown into a payload, hiding internals of unexpected failures. */
export function toErrorPayload(error: unknown): AppErrorPayload {
  if (error instanceof AppError) return error.toPayload()
  const message = error instanceof Error ? error.message : String(error)
  return {
    code: 'INTERNAL',
    message: `Unexpected failure: ${message}`,
    hint: 'This is a bug in Snapshot Studio; please report it with the steps that led here.',
  }
}
