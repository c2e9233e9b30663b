import { AppError } from '../../../shared/app-error'

interface Context {
  /** e.g. `upload of backups/consul-1.snap` */
  what: string
  /** the destination's description, which carries no secret */
  where: string
  bucket: string
  /** What a 404 means: the object asked for (reads), or the bucket (uploads, listings). */
  missing: 'object' | 'bucket'
}

const NETWORK =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|socket hang up/

/**
 * A Google Cloud Storage or Google auth failure as an AppError in plain words. The SDK's error is
 * not kept as the cause: it carries the request (URL, headers with a bearer token).
 */
export function gcsError(error: unknown, context: Context): AppError {
  if (error instanceof AppError) return error
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown
    message?: unknown
    errors?: { reason?: unknown }[]
    response?: { status?: unknown; data?: unknown }
    cause?: { code?: unknown; message?: unknown }
  }
  const message = typeof fields.message === 'string' ? fields.message : ''
  const status =
    typeof fields.code === 'number'
      ? fields.code
      : typeof fields.response?.status === 'number'
        ? fields.response.status
        : null
  const reason = typeof fields.errors?.[0]?.reason === 'string' ? fields.errors[0].reason : ''
  const head = `The ${context.what} in ${context.where} failed`

  if (
    /Could not load the default credentials|Could not refresh access token|invalid_grant|invalid_client/.test(
      message,
    )
  ) {
    const grant = /invalid_grant|invalid_client/.exec(message)?.[0]
    return new AppError(
      'STORAGE_AUTH',
      grant
        ? `${head}: Google refused the service-account key (${grant}).`
        : `${head}: no Google credentials were found (Application Default Credentials).`,
      {
        hint: grant
          ? 'The key may have been deleted or disabled; create a new key for the service account.'
          : 'Give a key file, set GOOGLE_APPLICATION_CREDENTIALS, or run `gcloud auth application-default login`.',
      },
    )
  }
  // The SDK's guard when, after a broken connection, the server no longer has what was sent (it
  // was stopped, or dropped the session): it gives up rather than upload a file with a hole.
  if (/offset is lower than the number of bytes written/.test(message)) {
    return new AppError(
      'STORAGE_UNREACHABLE',
      `${head}: the connection to Google Cloud Storage broke off mid-upload and the server no longer has the bytes sent.`,
      {
        hint: 'Nothing was stored under the name; the next cycle uploads again. Check the network if it repeats.',
      },
    )
  }
  const networkCode = [fields.code, fields.cause?.code].find(
    (code) => typeof code === 'string' && NETWORK.test(code),
  )
  if (
    status === null &&
    (networkCode !== undefined || NETWORK.test(message) || NETWORK.test(String(fields.cause?.message)))
  ) {
    return new AppError(
      'STORAGE_UNREACHABLE',
      `${head}: Google Cloud Storage cannot be reached${networkCause(message, fields.cause)}.`,
      {
        hint: 'Check the endpoint and the network (proxy, firewall, Private Google Access).',
      },
    )
  }
  switch (status) {
    case 401:
      return new AppError(
        'STORAGE_AUTH',
        `${head}: GCS refused the credentials (HTTP 401${reason ? `, ${reason}` : ''}).`,
        {
          hint: 'Check the key file or Application Default Credentials.',
        },
      )
    case 403:
      return new AppError(
        'STORAGE_AUTH',
        `${head}: GCS accepted the credentials but they may not do this (HTTP 403${reason ? `, ${reason}` : ''}).`,
        { hint: 'Grant the service account roles/storage.objectAdmin on the bucket.' },
      )
    case 404:
      // GCS says which ("The specified bucket does not exist."); emulators answer a bare "Not Found".
      return /bucket/i.test(message) || context.missing === 'bucket'
        ? new AppError('STORAGE_NOT_FOUND', `${head}: the bucket "${context.bucket}" does not exist.`, {
            hint: 'Create the bucket first, or correct the bucket name.',
          })
        : new AppError('FILE_NOT_FOUND', `${head}: the object is not there.`, {
            hint: 'List the destination again.',
          })
    case 409:
    case 412:
      return new AppError(
        'FILE_EXISTS',
        `${head}: an object of that name already exists; it was left untouched.`,
        {
          hint: 'Two agents wrote the same name: check that they share one lock key.',
        },
      )
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return new AppError('STORAGE_UNREACHABLE', `${head}: GCS is busy or failing (HTTP ${status}).`, {
        hint: 'The next cycle tries again.',
      })
  }
  return new AppError(
    'STORAGE_REFUSED',
    `${head}: GCS answered ${status !== null ? `HTTP ${status}` : 'with an error'}${reason ? ` (${reason})` : ''}.`,
    { hint: 'The next cycle tries again; check the bucket if it repeats.' },
  )
}

/** `connect ECONNREFUSED 127.0.0.1:4443` → ` (connection refused by 127.0.0.1:4443)`: no URL, so no query. */
function networkCause(message: string, cause: { message?: unknown } | undefined): string {
  const text = `${message} ${typeof cause?.message === 'string' ? cause.message : ''}`
  const refused = /ECONNREFUSED\s+([\w.:[\]-]+)/.exec(text)
  if (refused) return ` (connection refused by ${refused[1]})`
  const unknown = /ENOTFOUND\s+([\w.-]+)/.exec(text)
  if (unknown) return ` (no such host ${unknown[1]})`
  if (/ECONNRESET|socket hang up/.test(text)) return ' (the connection was cut)'
  if (/ETIMEDOUT/.test(text)) return ' (the connection timed out)'
  return ''
}
