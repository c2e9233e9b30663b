import type { AwsStorageSection } from '../services/backups/s3-destination-config'
import { boolFlag, stringFlag, type FlagSpec, type ParsedFlags } from './parse-flags'

/**
 * The Enterprise agent's `-aws-*` flags: each is `-aws-` + the `aws_storage` key with dashes, so
 * they are read straight into the file's shape and merged over it.
 */
const STRING_KEYS: [keyof AwsStorageSection, string, string][] = [
  ['access_key_id', 'id', 'Static access key id. Default: the standard AWS credential chain.'],
  [
    'secret_access_key',
    'secret',
    'Static secret access key (prefer AWS_SECRET_ACCESS_KEY or a config file).',
  ],
  ['session_token', 'token', 'Session token for temporary static keys.'],
  ['s3_region', 'region', 'Region of the bucket (required with -aws-s3-bucket).'],
  ['s3_bucket', 'name', 'Store snapshots in this S3 bucket instead of a local folder.'],
  ['s3_key_prefix', 'prefix', 'Key prefix ("folder") in the bucket. Default consul-snapshot; "/" for none.'],
  ['s3_endpoint', 'url', 'An S3-compatible endpoint (MinIO, Ceph, SeaweedFS…).'],
  ['s3_kms_key', 'id', 'KMS key id for SSE-KMS (with -aws-s3-enable-kms).'],
  ['s3_static_snapshot_name', 'name', 'Always write this object name (no rotation).'],
  ['s3_ca_file', 'path', 'Extra CA certificates (PEM) for a self-signed endpoint.'],
]
const BOOL_KEYS: [keyof AwsStorageSection, string][] = [
  ['s3_force_path_style', 'Address the bucket as a path (most S3-compatible stores need this).'],
  ['s3_server_side_encryption', 'Ask the store to encrypt with AES256 (SSE-S3).'],
  ['s3_enable_kms', 'Ask the store to encrypt with KMS (SSE-KMS).'],
]

const flagName = (key: keyof AwsStorageSection) => `aws-${key.replaceAll('_', '-')}`

export const AWS_STORAGE_FLAGS: FlagSpec[] = [
  ...STRING_KEYS.map(([key, valueName, usage]): FlagSpec => ({
    name: flagName(key),
    kind: 'string',
    valueName,
    usage,
  })),
  ...BOOL_KEYS.map(([key, usage]): FlagSpec => ({ name: flagName(key), kind: 'bool', usage })),
]

/** Only the flags given; undefined when none was. */
export function awsStorageFlagsFrom(parsed: ParsedFlags): AwsStorageSection | undefined {
  const out: Record<string, string | boolean> = {}
  for (const [key] of STRING_KEYS) {
    const value = stringFlag(parsed, flagName(key))
    if (value !== undefined) out[key] = value
  }
  for (const [key] of BOOL_KEYS) {
    const value = boolFlag(parsed, flagName(key))
    if (value !== undefined) out[key] = value
  }
  return Object.keys(out).length > 0 ? (out as AwsStorageSection) : undefined
}
