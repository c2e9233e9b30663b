import type { DestinationConfig } from './destination-config'
import type { Destination } from './destination'
import { LazyDestination, LazyStreamingDestination } from './lazy-destination'
import { LocalDestination } from './local-destination'
import { describeS3Destination } from './s3-destination-config'
import { describeAzureBlobDestination } from './azure-blob-options'
import { describeGcsDestination } from './gcs-options'

/**
 * The one place that turns validated destination configs into live Destinations. Clients are
 * made here, after the whole config was checked, so a config error never meets an SDK.
 */
export function createDestination(config: DestinationConfig): Destination {
  switch (config.kind) {
    case 'local':
      return new LocalDestination(config.path)
    case 's3':
      // Cloud stores load their SDK on first use (lazy-destination.ts says why).
      return new LazyStreamingDestination(
        describeS3Destination(config),
        async () => new (await import('./s3-destination')).S3Destination(config),
      )
    case 'azure-blob':
      return new LazyDestination(
        describeAzureBlobDestination(config),
        async () => new (await import('./azure-blob-destination')).AzureBlobDestination(config),
      )
    case 'gcs':
      return new LazyDestination(
        describeGcsDestination(config),
        async () => new (await import('./gcs-destination')).GcsDestination(config),
      )
  }
}

export function createDestinations(configs: DestinationConfig[]): Destination[] {
  return configs.map(createDestination)
}

/** Where the agent stages a snapshot: the first local folder (handing over is then a link), if any. */
export function firstLocalPath(configs: DestinationConfig[]): string | null {
  for (const config of configs) if (config.kind === 'local') return config.path
  return null
}
