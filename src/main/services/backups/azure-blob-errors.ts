import { AppError, type AppErrorCode } from '../../../shared/app-error'

interface Context {
  /** e.g. `upload of backups/consul-1.snap` */
  what: string
  /** the destination's description, which carries no secret */
  where: string
  container: string
}

interface Reason {
  code: AppErrorCode
  words: string
  hint: string
}

const CREDENTIALS_HINT =
  'Check the account key, SAS token or connection string (and that a SAS has not expired and allows read, write, list and delete).'

// Azure's error codes (x-ms-error-code) that an operator meets, said in plain words.
function reasonFor(serviceCode: string, context: Context): Reason | null {
  switch (serviceCode) {
    case 'AuthenticationFailed':
    case 'InvalidAuthenticationInfo':
    case 'NoAuthenticationInformation':
      return { code: 'STORAGE_AUTH', words: 'Azure refused the credentials', hint: CREDENTIALS_HINT }
    case 'AuthorizationFailure':
    case 'AuthorizationPermissionMismatch':
    case 'AuthorizationResourceTypeMismatch':
    case 'AuthorizationServiceMismatch':
    case 'AuthorizationProtocolMismatch':
    case 'AuthorizationSourceIPMismatch':
    case 'InsufficientAccountPermissions':
      return {
        code: 'STORAGE_AUTH',
        words: 'Azure did not authorise the request: the key or token is wrong, or it may not do this',
        hint: 'Give them read, write, list and delete on the container (role Storage Blob Data Contributor for a service principal).',
      }
    case 'ContainerNotFound':
      return {
        code: 'STORAGE_NOT_FOUND',
        words: `the container "${context.container}" does not exist`,
        hint: 'Create the container first, or correct container_name.',
      }
    case 'ContainerBeingDeleted':
    case 'ContainerDisabled':
      return {
        code: 'STORAGE_NOT_FOUND',
        words: `the container "${context.container}" is being deleted or is disabled`,
        hint: 'Use another container.',
      }
    case 'BlobNotFound':
      return { code: 'FILE_NOT_FOUND', words: 'the blob is not there', hint: 'List the destination again.' }
    case 'BlobAlreadyExists':
    case 'ConditionNotMet':
      return {
        code: 'FILE_EXISTS',
        words: 'a blob of that name already exists; it was left untouched',
        hint: 'Two agents wrote the same name: check that they share one lock key.',
      }
    case 'AccountIsDisabled':
      return {
        code: 'STORAGE_AUTH',
        words: 'the storage account is disabled',
        hint: 'Enable the account in Azure.',
      }
    case 'ServerBusy':
    case 'OperationTimedOut':
    case 'InternalError':
      return {
        code: 'STORAGE_UNREACHABLE',
        words: 'Azure is busy or failing',
        hint: 'The next cycle tries again; check the Azure status page if it repeats.',
      }
    default:
      return null
  }
}

const NETWORK_CODES = new Set([
  'REQUEST_SEND_ERROR',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

/**
 * An Azure SDK or identity failure as an AppError in plain words. The SDK's own error is not kept
 * as the cause: it carries the request (URL with any SAS token, headers with signatures), which
 * must never reach a log.
 */
export function azureBlobError(error: unknown, context: Context): AppError {
  if (error instanceof AppError) return error
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown
    code?: unknown
    statusCode?: unknown
    message?: unknown
    errorResponse?: { error?: unknown }
  }
  const name = typeof fields.name === 'string' ? fields.name : ''
  const code = typeof fields.code === 'string' ? fields.code : ''
  const status = typeof fields.statusCode === 'number' ? fields.statusCode : null
  const head = `The ${context.what} in ${context.where} failed`

  if (name === 'AuthenticationError' || name === 'CredentialUnavailableError') {
    const entra = typeof fields.errorResponse?.error === 'string' ? ` (${fields.errorResponse.error})` : ''
    return new AppError(
      'STORAGE_AUTH',
      `${head}: Microsoft Entra ID refused the service principal${entra}.`,
      {
        hint: 'Check tenant_id, service_principal_id and service_principal_secret, and that the secret has not expired.',
      },
    )
  }
  if (name === 'AbortError')
    return new AppError('CANCELLED', `The ${context.what} was cancelled; nothing was stored under its name.`)

  const reason = reasonFor(code, context)
  if (reason) return new AppError(reason.code, `${head}: ${reason.words} (${code}).`, { hint: reason.hint })

  if (
    status === null &&
    (NETWORK_CODES.has(code) ||
      /ECONNREFUSED|ECONNRESET|ENOTFOUND|socket hang up/.test(String(fields.message)))
  ) {
    const cause = networkCause(String(fields.message ?? ''))
    return new AppError('STORAGE_UNREACHABLE', `${head}: the Azure Blob service cannot be reached${cause}.`, {
      hint: 'Check the account name, endpoint and network (proxy, firewall, private endpoint DNS).',
    })
  }
  if (status === 403 || status === 401)
    return new AppError('STORAGE_AUTH', `${head}: Azure refused the credentials (HTTP ${status}).`, {
      hint: CREDENTIALS_HINT,
    })
  if (status === 404)
    return new AppError(
      'STORAGE_NOT_FOUND',
      `${head}: Azure answered "not found" (HTTP 404${code ? `, ${code}` : ''}).`,
      {
        hint: 'Check the account, the container and the endpoint.',
      },
    )
  return new AppError(
    'STORAGE_REFUSED',
    `${head}: Azure answered ${status !== null ? `HTTP ${status}` : 'with an error'}${code ? ` (${code})` : ''}.`,
    { hint: 'The next cycle tries again; check the storage account if it repeats.' },
  )
}

/** `connect ECONNREFUSED 127.0.0.1:10000` → ` (connection refused by 127.0.0.1:10000)`: no URL, so no query. */
function networkCause(message: string): string {
  const refused = /ECONNREFUSED\s+([\w.:[\]-]+)/.exec(message)
  if (refused) return ` (connection refused by ${refused[1]})`
  const unknown = /ENOTFOUND\s+([\w.-]+)/.exec(message)
  if (unknown) return ` (no such host ${unknown[1]})`
  // EPIPE is the same event seen while sending: the service closed the connection under the body.
  if (/ECONNRESET|EPIPE|socket hang up/.test(message)) return ' (the connection was cut)'
  if (/ETIMEDOUT/.test(message)) return ' (the connection timed out)'
  return ''
}
