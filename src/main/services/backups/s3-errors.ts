import { AppError } from '../../../shared/app-error'

/**
 * An S3 SDK failure in the operator's words: the store's own reason (its error code and message)
 * or why it could not be reached, with what to do. SDK stacks and request internals stay out;
 * the original is kept as `cause` for debugging.
 */
export interface S3ErrorContext {
  /** What we were doing, e.g. "upload consul-1.snap". */
  action: string
  /** The destination's description (bucket, prefix, endpoint; never credentials). */
  store: string
  bucket: string
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
])

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

interface SdkLikeError {
  name?: unknown
  message?: unknown
  code?: unknown
  errors?: unknown
  $metadata?: { httpStatusCode?: number }
}

function networkCode(error: SdkLikeError): string | null {
  const own = typeof error.code === 'string' ? error.code : null
  if (own !== null && (NETWORK_CODES.has(own) || TLS_CODES.has(own))) return own
  // Node's happy-eyeballs connect reports one failure per address inside an AggregateError.
  if (Array.isArray(error.errors)) {
    for (const inner of error.errors as SdkLikeError[]) {
      const code = typeof inner?.code === 'string' ? inner.code : null
      if (code !== null && (NETWORK_CODES.has(code) || TLS_CODES.has(code))) return code
    }
  }
  if (error.name === 'TimeoutError') return 'ETIMEDOUT'
  return null
}

export function s3Error(error: unknown, context: S3ErrorContext): AppError {
  if (error instanceof AppError) return error
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkLikeError
  const name = typeof e.name === 'string' ? e.name : 'Error'
  const said = typeof e.message === 'string' && e.message !== '' && e.message !== name ? e.message : null
  const status = e.$metadata?.httpStatusCode
  const details = { store: context.store, reason: name, ...(status !== undefined ? { status } : {}) }
  const prefix = `Could not ${context.action} in ${context.store}`

  if (name === 'AbortError')
    return new AppError('CANCELLED', `${prefix}: cancelled.`, { cause: error, details })

  const network = networkCode(e)
  if (network !== null) {
    if (TLS_CODES.has(network))
      return new AppError(
        'STORAGE_UNREACHABLE',
        `${prefix}: the store's TLS certificate is not trusted (${network}).`,
        {
          hint: 'Give the CA that signed it with s3_ca_file (-aws-s3-ca-file), or fix the endpoint address.',
          cause: error,
          details,
        },
      )
    return new AppError('STORAGE_UNREACHABLE', `${prefix}: the store cannot be reached (${network}).`, {
      hint: 'Check that the endpoint is up and its address and port are right (s3_endpoint), and the network between.',
      cause: error,
      details,
    })
  }

  if (name === 'CredentialsProviderError')
    return new AppError('STORAGE_AUTH', `${prefix}: no AWS credentials were found.`, {
      hint: 'Set access_key_id and secret_access_key, or provide credentials through the standard AWS chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a web identity or an instance role).',
      cause: error,
      details,
    })

  const reason = said === null ? name : `${name}: ${said}`
  switch (name) {
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
    case 'InvalidToken':
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
      return new AppError('STORAGE_AUTH', `${prefix}: the store refused the credentials (${reason}).`, {
        hint:
          name === 'SignatureDoesNotMatch'
            ? 'The secret access key does not belong to the access key id: check secret_access_key.'
            : name === 'InvalidAccessKeyId'
              ? 'The store does not know this access key id: check access_key_id (and that it belongs to this store).'
              : 'Renew the session credentials.',
        cause: error,
        details,
      })
    case 'AccessDenied':
    case 'AllAccessDisabled':
    case 'AccountProblem':
      return new AppError('STORAGE_AUTH', `${prefix}: access denied by the store (${reason}).`, {
        hint: `Grant these credentials s3:PutObject, s3:GetObject, s3:ListBucket and s3:DeleteObject on bucket ${context.bucket}.`,
        cause: error,
        details,
      })
    case 'NoSuchBucket':
      return new AppError(
        'STORAGE_NOT_FOUND',
        `${prefix}: the bucket ${context.bucket} does not exist (${reason}).`,
        {
          hint: 'Create the bucket, or correct s3_bucket (and s3_region / s3_endpoint).',
          cause: error,
          details,
        },
      )
    case 'NoSuchKey':
    case 'NotFound':
      return new AppError('FILE_NOT_FOUND', `${prefix}: no such object.`, { cause: error, details })
    case 'PreconditionFailed':
      return new AppError(
        'FILE_EXISTS',
        `${prefix}: an object of that name already exists; it was left untouched.`,
        {
          hint: 'Two agents wrote the same name: check that they share one lock key.',
          cause: error,
          details,
        },
      )
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
      return new AppError('STORAGE_REFUSED', `${prefix}: the bucket is in another region (${reason}).`, {
        hint: "Set s3_region to the bucket's region.",
        cause: error,
        details,
      })
  }
  if (status === 403)
    return new AppError('STORAGE_AUTH', `${prefix}: access denied by the store (${reason}).`, {
      hint: 'Check the credentials and their permissions on the bucket.',
      cause: error,
      details,
    })
  return new AppError(
    'STORAGE_REFUSED',
    `${prefix}: the store answered ${reason}${status !== undefined ? ` (HTTP ${status})` : ''}.`,
    { hint: "See the store's documentation for this reason.", cause: error, details },
  )
}
