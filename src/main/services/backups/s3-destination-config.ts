import { resolve } from 'node:path'
import { AppError } from '../../../shared/app-error'
import type { S3DestinationConfig, S3ServerSideEncryption } from './destination-config'

/**
 * One `aws_storage` object (the Enterprise agent's keys, plus our `s3_ca_file`) checked and
 * turned into an S3DestinationConfig. Go zero values mean unset, as in the Enterprise agent: ""
 * and false are "not given".
 */
export interface AwsStorageSection {
  access_key_id?: string
  secret_access_key?: string
  session_token?: string
  iam_endpoint?: string
  role_arn?: string
  role_session_name?: string
  web_identity_token_file?: string
  sts_endpoint?: string
  s3_region?: string
  s3_bucket?: string
  s3_key_prefix?: string
  s3_endpoint?: string
  s3_server_side_encryption?: boolean
  s3_enable_kms?: boolean
  s3_kms_key?: string
  s3_static_snapshot_name?: string
  s3_force_path_style?: boolean
  s3_ca_file?: string
}

export const DEFAULT_S3_KEY_PREFIX = 'consul-snapshot'

/** Where a key came from, for errors: the file's basename or "flags", and the key's full path. */
export type KeyLocator = (key: keyof AwsStorageSection) => { where: string; key: string }

export class StoreConfigError extends AppError {
  constructor(where: string, key: string, why: string, hint: string) {
    super('INVALID_ARGUMENT', `${where}: ${key}: ${why}`, { hint, details: { file: where, key } })
  }
}

/** The Enterprise agent switches to S3 when a bucket is named; the documented example leaves it "". */
export function isAwsStorageConfigured(section: AwsStorageSection | undefined): boolean {
  return Boolean(section?.s3_bucket)
}

export function resolveS3DestinationConfig(
  section: AwsStorageSection,
  locate: KeyLocator,
  cwd: string,
): S3DestinationConfig {
  const set = (value: string | undefined): string | undefined =>
    value === undefined || value.trim() === '' ? undefined : value.trim()
  const refuse = (key: keyof AwsStorageSection, why: string, hint: string): never => {
    const at = locate(key)
    throw new StoreConfigError(at.where, at.key, why, hint)
  }

  const bucket =
    set(section.s3_bucket) ?? refuse('s3_bucket', 'is required', 'Name the bucket to store snapshots in.')
  // Bucket names never hold a slash; one here is almost always a prefix typed into the wrong key.
  if (bucket.includes('/'))
    refuse('s3_bucket', `"${bucket}" is not a bucket name`, 'Put the folder part in s3_key_prefix.')
  const region =
    set(section.s3_region) ??
    refuse(
      's3_region',
      'is required',
      'Give the bucket\'s region, e.g. "us-east-1" (any value for most S3-compatible stores).',
    )

  // Go's empty string means "unset" (the default prefix); "/" asks for no prefix at all.
  const rawPrefix =
    section.s3_key_prefix === undefined || section.s3_key_prefix === ''
      ? DEFAULT_S3_KEY_PREFIX
      : section.s3_key_prefix
  const keyPrefix = rawPrefix.replace(/^\/+|\/+$/g, '')
  if (keyPrefix !== '' && keyPrefix.split('/').some((part) => part === '' || part === '.' || part === '..'))
    refuse(
      's3_key_prefix',
      `"${rawPrefix}" is not a usable key prefix`,
      'Use folder names separated by single slashes, e.g. "consul/prod".',
    )

  let endpoint: string | null = null
  const rawEndpoint = set(section.s3_endpoint)
  if (rawEndpoint !== undefined) {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(rawEndpoint) ? rawEndpoint : `https://${rawEndpoint}`
    let url: URL | null = null
    try {
      url = new URL(withScheme)
    } catch {
      url = null
    }
    if (
      url === null ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.username ||
      url.password
    )
      refuse(
        's3_endpoint',
        `"${rawEndpoint}" is not an http(s) address`,
        "Write the store's address, e.g. https://minio.example.com:9000 (no credentials in it).",
      )
    endpoint = withScheme.replace(/\/+$/, '')
  }

  const kmsKey = set(section.s3_kms_key)
  let serverSideEncryption: S3ServerSideEncryption = { mode: 'none' }
  if (section.s3_enable_kms === true) serverSideEncryption = { mode: 'aws:kms', keyId: kmsKey ?? null }
  else if (kmsKey !== undefined)
    refuse(
      's3_kms_key',
      'is set but s3_enable_kms is not',
      'Set s3_enable_kms to true to encrypt with this key.',
    )
  else if (section.s3_server_side_encryption === true) serverSideEncryption = { mode: 'AES256' }

  const staticName = set(section.s3_static_snapshot_name) ?? null
  if (staticName !== null && (/[/\\]/.test(staticName) || staticName.startsWith('.')))
    refuse(
      's3_static_snapshot_name',
      `"${staticName}" is not a plain object name`,
      'Give a name without slashes; s3_key_prefix holds the folder.',
    )

  const accessKeyId = set(section.access_key_id)
  const secretAccessKey = set(section.secret_access_key)
  const sessionToken = set(section.session_token)
  if (accessKeyId !== undefined && secretAccessKey === undefined)
    refuse(
      'secret_access_key',
      'is required with access_key_id',
      'Give both keys, or neither to use the standard AWS credential chain.',
    )
  if (secretAccessKey !== undefined && accessKeyId === undefined)
    refuse(
      'access_key_id',
      'is required with secret_access_key',
      'Give both keys, or neither to use the standard AWS credential chain.',
    )
  if (sessionToken !== undefined && accessKeyId === undefined)
    refuse(
      'session_token',
      'needs access_key_id and secret_access_key',
      'A session token only completes static keys.',
    )
  for (const key of [
    'role_arn',
    'role_session_name',
    'web_identity_token_file',
    'iam_endpoint',
    'sts_endpoint',
  ] as const) {
    if (set(section[key]) !== undefined)
      refuse(
        key,
        'is not supported by this agent',
        'Assume the role through the standard AWS chain instead: AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE in the environment, or a profile in ~/.aws/config (AWS_PROFILE).',
      )
  }
  const credentials =
    accessKeyId !== undefined && secretAccessKey !== undefined
      ? { accessKeyId, secretAccessKey, ...(sessionToken !== undefined ? { sessionToken } : {}) }
      : null

  const caFile = set(section.s3_ca_file)
  return {
    kind: 's3',
    region,
    bucket,
    keyPrefix,
    endpoint,
    forcePathStyle: section.s3_force_path_style === true,
    serverSideEncryption,
    staticSnapshotName: staticName,
    credentials,
    caFile: caFile === undefined ? null : resolve(cwd, caFile),
  }
}

/** How logs, errors and the journal name an S3 destination; never carries credentials. */
export function describeS3Destination(config: S3DestinationConfig): string {
  const listPrefix = config.keyPrefix === '' ? '' : `${config.keyPrefix}/`
  return `s3://${config.bucket}/${listPrefix}` + (config.endpoint !== null ? ` (${config.endpoint})` : '')
}
