import { AppError } from '../../../shared/app-error'
import {
  destinationNeedsSecret,
  destinationSecretName,
  type PlanDestination,
} from '../../../shared/backup-plan-schema'
import type { AzureBlobCredentials } from '../backups/azure-blob-options'
import type { DestinationConfig } from '../backups/destination-config'
import { createDestination } from '../backups/destination-factory'
import type { Destination } from '../backups/destination'
import type { SecretStore } from '../profiles/secret-store'
import { destinationSecretKey } from './plan-secrets'

/**
 * A plan's destination as the agent's DestinationConfig, with its secret read from the
 * SecretStore (main process only: the result holds the secret). The destination factory then
 * makes the live Destination, so plans and the agent reach a store through the same code.
 */
export async function planDestinationConfig(
  planId: string,
  destination: PlanDestination,
  secrets: SecretStore,
): Promise<DestinationConfig> {
  if (destination.kind === 'local') return { kind: 'local', path: destination.path }
  let secret = ''
  if (destinationNeedsSecret(destination)) {
    const stored =
      destination.id !== undefined
        ? await secrets.get(destinationSecretKey(planId, destination.id))
        : undefined
    if (stored === undefined)
      throw new AppError(
        'PLAN_INVALID',
        `The backup plan's ${describeKind(destination)} destination has no ${destinationSecretName(destination).replace(/^the /, '')} stored.`,
        { hint: 'Edit the plan, enter the secret for this destination and save.' },
      )
    secret = stored
  }
  switch (destination.kind) {
    case 's3':
      return {
        kind: 's3',
        region: destination.region,
        bucket: destination.bucket,
        keyPrefix: destination.prefix.replace(/^\/+|\/+$/g, ''),
        endpoint: destination.endpoint,
        forcePathStyle: destination.forcePathStyle,
        serverSideEncryption: destination.serverSideEncryption,
        staticSnapshotName: null,
        credentials:
          destination.credentials.kind === 'static'
            ? { accessKeyId: destination.credentials.accessKeyId, secretAccessKey: secret }
            : null,
        caFile: destination.caFile,
      }
    case 'azure-blob':
      return {
        kind: 'azure-blob',
        credentials: azureCredentials(destination.auth, destination, secret),
        container: destination.container,
        prefix: destination.prefix,
        environment: destination.environment,
        endpoint: destination.endpoint,
      }
    case 'gcs':
      return {
        kind: 'gcs',
        bucket: destination.bucket,
        prefix: destination.prefix,
        keyFile: destination.keyFile,
        endpoint: destination.endpoint,
        projectId: destination.projectId,
      }
  }
}

/** The live Destination of a plan's destination (the SDK is loaded on first use). */
export async function planDestination(
  planId: string,
  destination: PlanDestination,
  secrets: SecretStore,
): Promise<Destination> {
  return createDestination(await planDestinationConfig(planId, destination, secrets))
}

function azureCredentials(
  auth: Extract<PlanDestination, { kind: 'azure-blob' }>['auth'],
  destination: Extract<PlanDestination, { kind: 'azure-blob' }>,
  secret: string,
): AzureBlobCredentials {
  switch (auth) {
    case 'shared-key':
      return { kind: 'shared-key', accountName: destination.accountName, accountKey: secret }
    case 'sas':
      return { kind: 'sas', accountName: destination.accountName, sasToken: secret }
    case 'connection-string':
      return { kind: 'connection-string', connectionString: secret }
    case 'service-principal':
      return {
        kind: 'service-principal',
        accountName: destination.accountName,
        tenantId: destination.tenantId ?? '',
        clientId: destination.clientId ?? '',
        clientSecret: secret,
      }
  }
}

function describeKind(destination: PlanDestination): string {
  return destination.kind === 's3' ? 'S3' : destination.kind === 'gcs' ? 'GCS' : 'Azure Blob'
}
