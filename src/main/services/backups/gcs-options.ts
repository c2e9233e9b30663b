import { readFileSync, statSync } from 'node:fs'
import { AppError } from '../../../shared/app-error'
import { normalisePrefix } from './object-key'
import { storeEndpoint } from './store-endpoint'

// Plain data and checks only: the config loader validates GCS settings through this module
// without loading the Google SDK (the destination loads it on first use).

export interface GcsOptions {
  bucket: string
  /** Objects are named `<prefix>/consul-<ID>.snap`; none by default, as the Enterprise agent names them. */
  prefix?: string | null
  /** A service-account key file (JSON); without one, Application Default Credentials. */
  keyFile?: string | null
  /**
   * The JSON API's URL for emulators (fake-gcs-server) and private endpoints. Requests there carry
   * credentials only when a key file is given, so an emulator needs none.
   */
  endpoint?: string | null
  projectId?: string | null
  /** Bytes per resumable-upload request (a multiple of 256 KiB); the most held in memory. */
  chunkSize?: number
  /** Retries per request after the first attempt. */
  maxRetries?: number
  /** Seconds: the longest wait between retries. */
  maxRetryDelay?: number
}

const CHUNK_UNIT = 256 * 1024
const MAX_KEY_FILE_BYTES = 64 * 1024

export interface ServiceAccountKey {
  type: string
  client_email: string
  private_key: string
  project_id?: string
  token_uri?: string
}

export interface GcsSettings {
  prefix: string
  endpoint: string | null
  key: ServiceAccountKey | null
}

/**
 * Checks everything that can be checked without a network call, before any SDK client exists:
 * the bucket name, the endpoint, and that a key file is a readable service-account key. No
 * message quotes the key file's contents.
 */
export function validateGcsOptions(options: GcsOptions): GcsSettings {
  const invalid = (message: string, hint?: string) => new AppError('INVALID_ARGUMENT', message, { hint })
  const bucket = options.bucket
  if (
    !/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(bucket) ||
    bucket.split('.').some((part) => part.length > 63 || part === '') ||
    bucket.startsWith('goog')
  )
    throw invalid(
      `GCS bucket name "${bucket}" is not valid.`,
      'Bucket names are 3-63 lowercase letters, digits, hyphens, underscores and dots, starting and ending with a letter or digit.',
    )
  if (
    options.chunkSize !== undefined &&
    (options.chunkSize < CHUNK_UNIT || options.chunkSize % CHUNK_UNIT !== 0)
  )
    throw invalid(`The GCS chunk size must be a multiple of ${CHUNK_UNIT} bytes.`)
  return {
    prefix: normalisePrefix(options.prefix),
    endpoint: storeEndpoint('GCS', options.endpoint),
    key: options.keyFile ? readKeyFile(options.keyFile) : null,
  }
}

function readKeyFile(path: string): ServiceAccountKey {
  const refuse = (why: string) =>
    new AppError('INVALID_ARGUMENT', `The GCS key file ${path} ${why}.`, {
      hint: 'Give the JSON key of a service account (IAM → Service accounts → Keys → Add key → JSON).',
    })
  let text: string
  try {
    if (statSync(path).size > MAX_KEY_FILE_BYTES) throw refuse('is too large to be a key file')
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if (error instanceof AppError) throw error
    throw refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  let key: unknown
  try {
    key = JSON.parse(text)
  } catch {
    throw refuse('is not JSON')
  }
  const fields = (typeof key === 'object' && key !== null ? key : {}) as Record<string, unknown>
  if (fields.type !== 'service_account')
    throw refuse(
      `is not a service-account key (type "${typeof fields.type === 'string' ? fields.type : '?'}")`,
    )
  if (typeof fields.client_email !== 'string' || typeof fields.private_key !== 'string')
    throw refuse('has no client_email or private_key')
  if (!fields.private_key.includes('PRIVATE KEY')) throw refuse('has a private_key that is not a PEM key')
  return fields as unknown as ServiceAccountKey
}

/** How logs, errors and the journal name a GCS destination; never carries credentials. */
export function describeGcsDestination(options: GcsOptions): string {
  const prefix = normalisePrefix(options.prefix)
  return `gcs:${options.bucket}${prefix ? `/${prefix}` : ''}`
}
