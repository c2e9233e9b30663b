import type { AgentEncryption } from './agent-encryption'
import type { AzureBlobOptions } from './azure-blob-options'
import type { GcsOptions } from './gcs-options'

/**
 * What the agent's config says about one destination, as plain data: validated while the config
 * is read, before any storage SDK client exists. `destination-factory.ts` turns these into
 * Destinations. Each store adds its own member to the union.
 */
export interface LocalDestinationConfig {
  kind: 'local'
  path: string
}

export type S3ServerSideEncryption =
  { mode: 'none' } | { mode: 'AES256' } | { mode: 'aws:kms'; keyId: string | null }

export interface S3DestinationConfig {
  kind: 's3'
  region: string
  bucket: string
  /** Without leading or trailing slashes; '' puts snapshots at the top of the bucket. */
  keyPrefix: string
  /** A full URL (`https://` added when the config gave a bare host); null: AWS itself. */
  endpoint: string | null
  forcePathStyle: boolean
  serverSideEncryption: S3ServerSideEncryption
  /** A fixed object name (no rotation); null: the cycle's rotating names. */
  staticSnapshotName: string | null
  /** null: the standard AWS credential chain (environment, shared files, web identity, instance role). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | null
  /** Extra CA certificates (PEM) trusted for the endpoint, beside the system's. */
  caFile: string | null
}

/** Azure Blob: the destination's own options, as plain data (checked by azure-blob-options.ts). */
export type AzureBlobDestinationConfig = { kind: 'azure-blob' } & AzureBlobOptions

/** Google Cloud Storage: the destination's own options, as plain data (checked by gcs-options.ts). */
export type GcsDestinationConfig = { kind: 'gcs' } & GcsOptions

export type DestinationConfig = (
  LocalDestinationConfig | S3DestinationConfig | AzureBlobDestinationConfig | GcsDestinationConfig
) & {
  /** This destination's own recipients (`backup_destinations[…].encryption`), replacing the agent-wide ones. */
  encryption?: AgentEncryption
}
