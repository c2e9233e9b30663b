import type { Destination } from '../services/backups/destination'
import {
  resolveAzureBlobDestinationConfig,
  resolveGcsDestinationConfig,
} from '../services/backups/cloud-destination-config'
import { resolveS3DestinationConfig } from '../services/backups/s3-destination-config'
import { AWS_STORAGE_FLAGS, awsStorageFlagsFrom } from './aws-storage-flags'
import type { CliIo } from './cli-io'
import { azureBlobStorageFlagsFrom, CLOUD_STORAGE_FLAGS, googleStorageFlagsFrom } from './cloud-storage-flags'
import { flagError, type FlagSpec, type ParsedFlags } from './parse-flags'

/**
 * A backup in a store, addressed as the issue and the cloud CLIs write it: `s3://bucket/key`,
 * `az://container/blob`, `gs://bucket/object`. An address ending in "/" names every backup under
 * that prefix (for `verify`). The store's other settings (endpoint, credentials, region…) come
 * from the agent's own flags, so one command line works for the agent and for reading back.
 */
export interface StoredAddress {
  scheme: 's3' | 'az' | 'gs'
  /** The bucket or container. */
  container: string
  /** The "folder" inside it, without slashes at either end; '' for the top. */
  prefix: string
  /** The object's name inside the prefix; null when the address names the prefix itself. */
  name: string | null
  /** As typed, for messages. */
  text: string
}

const SCHEMES = { 's3:': 's3', 'az:': 'az', 'gs:': 'gs' } as const

/** The address in `text`, or null when it is not one (then it is a local file path). */
export function parseStoredAddress(text: string): StoredAddress | null {
  const match = /^(s3|az|gs):\/\/(.*)$/i.exec(text)
  if (!match) return null
  const scheme = SCHEMES[`${match[1]!.toLowerCase()}:` as keyof typeof SCHEMES]
  const rest = match[2]!
  const slash = rest.indexOf('/')
  const container = slash < 0 ? rest : rest.slice(0, slash)
  const path = slash < 0 ? '' : rest.slice(slash + 1)
  if (container === '')
    throw flagError(
      `"${text}" names no ${scheme === 'az' ? 'container' : 'bucket'}: write ${scheme}://NAME/KEY`,
    )
  if (path.split('/').some((part, i, all) => part === '' && i < all.length - 1))
    throw flagError(`"${text}" has an empty folder ("//"); write the key as it is stored`)
  if (path === '' || path.endsWith('/'))
    return { scheme, container, prefix: path.replace(/\/+$/, ''), name: null, text }
  const last = path.lastIndexOf('/')
  const name = path.slice(last + 1)
  if (name === '.' || name === '..') throw flagError(`"${text}" does not name an object`)
  return { scheme, container, prefix: last < 0 ? '' : path.slice(0, last), name, text }
}

// The bucket, container and prefix come from the address; everything else from these flags.
const FROM_ADDRESS = new Set([
  'aws-s3-bucket',
  'aws-s3-key-prefix',
  'aws-s3-static-snapshot-name',
  'azure-blob-container-name',
  'azure-blob-prefix',
  'gcs-bucket',
  'gcs-prefix',
])

/** The flags that describe the store an address points into (the agent's, minus what the address says). */
export const STORED_ADDRESS_FLAGS: FlagSpec[] = [...AWS_STORAGE_FLAGS, ...CLOUD_STORAGE_FLAGS].filter(
  (flag) => !FROM_ADDRESS.has(flag.name),
)

export interface OpenedAddress {
  destination: Destination
  /** The full address of a name in the destination, for messages. */
  addressOf(name: string): string
  /** Releases the store client's sockets. */
  close(): void
}

/**
 * The store behind an address, configured from the flags: checked completely before an SDK is
 * loaded, so a mistake in the flags is a plain message, never an SDK's stack.
 */
export async function openStoredAddress(
  address: StoredAddress,
  parsed: ParsedFlags,
  io: CliIo,
): Promise<OpenedAddress> {
  const addressOf = (name: string) =>
    `${address.scheme}://${address.container}/${address.prefix === '' ? '' : `${address.prefix}/`}${name}`
  const flag = (prefix: string) => (key: string) => ({
    where: 'flags',
    key: `-${prefix}${key.replaceAll('_', '-')}`,
  })
  switch (address.scheme) {
    case 's3': {
      const config = resolveS3DestinationConfig(
        {
          s3_region: io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION || 'us-east-1',
          ...awsStorageFlagsFrom(parsed),
          s3_bucket: address.container,
          // "/" is the config's way of saying "no prefix".
          s3_key_prefix: address.prefix === '' ? '/' : address.prefix,
        },
        flag('aws-'),
        io.cwd,
      )
      const { S3Destination } = await import('../services/backups/s3-destination')
      const destination = new S3Destination(config)
      return { destination, addressOf, close: () => destination.close() }
    }
    case 'az': {
      const config = resolveAzureBlobDestinationConfig(
        {
          ...azureBlobStorageFlagsFrom(parsed),
          container_name: address.container,
          prefix: address.prefix,
        },
        flag('azure-blob-'),
      )
      const { AzureBlobDestination } = await import('../services/backups/azure-blob-destination')
      const destination = new AzureBlobDestination(config)
      return { destination, addressOf, close: () => destination.close() }
    }
    case 'gs': {
      const config = resolveGcsDestinationConfig(
        { ...googleStorageFlagsFrom(parsed), bucket: address.container, prefix: address.prefix },
        flag('gcs-'),
        io.cwd,
      )
      const { GcsDestination } = await import('../services/backups/gcs-destination')
      const destination = new GcsDestination(config)
      return { destination, addressOf, close: () => destination.close() }
    }
  }
}

/** For commands that read one backup: the address must name an object, not a prefix. */
export function requireObject(address: StoredAddress): string {
  if (address.name === null)
    throw flagError(`"${address.text}" names a folder, not a backup: add the object's name`)
  return address.name
}
