/**
 * What every API call answers across a process or network line. Errors travel as data (a payload
 * with a stable code) and are rebuilt as an AppError on the receiving side, so a thrown value
 * never has to survive structured cloning or JSON.
 */
import { AppError, type AppErrorPayload, toErrorPayload } from './app-error'

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: AppErrorPayload }

export function ok<T>(value: T): ApiResult<T> {
  return { ok: true, value }
}

export function failure(error: unknown): ApiResult<never> {
  return { ok: false, error: toErrorPayload(error) }
}

/** Returns the value or throws the AppError the payload describes. */
export function unwrapResult<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value
  throw AppError.fromPayload(result.error)
}

/** True when an unknown value has the envelope's shape; the transports check replies with it. */
export function isApiResult(value: unknown): value is ApiResult<unknown> {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  if (record.ok === true) return 'value' in record
  if (record.ok === false) {
    const error = record.error as Record<string, unknown> | null | undefined
    return (
      typeof error === 'object' &&
      error !== null &&
      typeof error.code === 'string' &&
      typeof error.message === 'string'
    )
  }
  return false
}
