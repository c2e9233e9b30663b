import { resolve } from 'node:path'
import { AppError } from '../../../shared/app-error'
import { validateAzureBlobOptions, type AzureBlobCredentials } from './azure-blob-options'
import type { AzureBlobDestinationConfig, GcsDestinationConfig } from './destination-config'
import { validateGcsOptions } from './gcs-options'
import { StoreConfigError } from './s3-destination-config'

/**
 * One `azure_blob_storage` object: the Enterprise agent's keys, plus ours for the other ways
 * Azure signs in (SAS token, connection string), an endpoint for emulators and private
 * endpoints, and a blob prefix. Go zero values mean unset: "" is "not given".
 */
export interface AzureBlobStorageSection {
  account_name?: string
  account_key?: string
  container_name?: string
  environment?: string
  service_principal_id?: string
  service_principal_secret?: string
  tenant_id?: string
  sas_token?: string
  connection_string?: string
  endpoint?: string
  prefix?: string
}

/** One `google_storage` object: the Enterprise agent's `bucket`, plus ours. */
export interface GoogleStorageSection {
  bucket?: string
  prefix?: string
  /** A service-account key file; without it, Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS…). */
  credentials_file?: string
  /** The JSON API's URL, for emulators and private endpoints. */
  endpoint?: string
  project_id?: string
}

export type Locator<Section> = (key: keyof Section & string) => { where: string; key: string }

const set = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim()

/** The Enterprise agent switches to Azure when a container is named. */
export function isAzureBlobStorageConfigured(section: AzureBlobStorageSection | undefined): boolean {
  return Boolean(section?.container_name)
}

/** The Enterprise agent switches to GCS when a bucket is named. */
export function isGoogleStorageConfigured(section: GoogleStorageSection | undefined): boolean {
  return Boolean(section?.bucket)
}

export function resolveAzureBlobDestinationConfig(
  section: AzureBlobStorageSection,
  locate: Locator<AzureBlobStorageSection>,
): AzureBlobDestinationConfig {
  const refuse = (key: keyof AzureBlobStorageSection & string, why: string, hint: string): never => {
    const at = locate(key)
    throw new StoreConfigError(at.where, at.key, why, hint)
  }
  const container =
    set(section.container_name) ??
    refuse('container_name', 'is required', 'Name the container to store snapshots in.')
  const accountName = set(section.account_name)
  const needAccount = (why: string) =>
    accountName ?? refuse('account_name', `is required with ${why}`, 'Give the storage account name.')
  const principal = [section.service_principal_id, section.service_principal_secret, section.tenant_id].map(
    set,
  )
  const ways = [
    set(section.connection_string) && 'connection_string',
    set(section.sas_token) && 'sas_token',
    set(section.account_key) && 'account_key',
    principal.some((value) => value !== undefined) && 'service_principal_id',
  ].filter((way): way is string => typeof way === 'string')
  if (ways.length > 1)
    refuse(
      ways[1] as keyof AzureBlobStorageSection & string,
      `cannot be combined with ${ways[0]}`,
      'Give one way to sign in: account_key, sas_token, connection_string, or a service principal.',
    )
  let credentials: AzureBlobCredentials
  switch (ways[0]) {
    case 'connection_string':
      credentials = { kind: 'connection-string', connectionString: set(section.connection_string)! }
      break
    case 'sas_token':
      credentials = { kind: 'sas', accountName: needAccount('sas_token'), sasToken: set(section.sas_token)! }
      break
    case 'account_key':
      credentials = {
        kind: 'shared-key',
        accountName: needAccount('account_key'),
        accountKey: set(section.account_key)!,
      }
      break
    case 'service_principal_id': {
      const [clientId, clientSecret, tenantId] = principal
      const hint = 'A service principal needs service_principal_id, service_principal_secret and tenant_id.'
      credentials = {
        kind: 'service-principal',
        accountName: needAccount('a service principal'),
        clientId: clientId ?? refuse('service_principal_id', 'is required', hint),
        clientSecret: clientSecret ?? refuse('service_principal_secret', 'is required', hint),
        tenantId: tenantId ?? refuse('tenant_id', 'is required', hint),
      }
      break
    }
    default:
      return refuse(
        'account_key',
        'is required (or sas_token, connection_string, or a service principal)',
        'Give the storage account key, a SAS token, a connection string, or a service principal.',
      )
  }
  const config: AzureBlobDestinationConfig = {
    kind: 'azure-blob',
    credentials,
    container,
    prefix: set(section.prefix) ?? null,
    environment: set(section.environment) ?? null,
    endpoint: set(section.endpoint) ?? null,
  }
  try {
    validateAzureBlobOptions(config)
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    const key = /container/i.test(error.message)
      ? 'container_name'
      : /environment/i.test(error.message)
        ? 'environment'
        : /endpoint/i.test(error.message)
          ? 'endpoint'
          : /account name/i.test(error.message)
            ? 'account_name'
            : (ways[0] as keyof AzureBlobStorageSection & string)
    refuse(key, lowerFirst(error.message), error.hint ?? 'See docs/storage.md.')
  }
  return config
}

export function resolveGcsDestinationConfig(
  section: GoogleStorageSection,
  locate: Locator<GoogleStorageSection>,
  cwd: string,
): GcsDestinationConfig {
  const refuse = (key: keyof GoogleStorageSection & string, why: string, hint: string): never => {
    const at = locate(key)
    throw new StoreConfigError(at.where, at.key, why, hint)
  }
  const bucket =
    set(section.bucket) ?? refuse('bucket', 'is required', 'Name the bucket to store snapshots in.')
  const keyFile = set(section.credentials_file)
  const config: GcsDestinationConfig = {
    kind: 'gcs',
    bucket,
    prefix: set(section.prefix) ?? null,
    keyFile: keyFile === undefined ? null : resolve(cwd, keyFile),
    endpoint: set(section.endpoint) ?? null,
    projectId: set(section.project_id) ?? null,
  }
  try {
    validateGcsOptions(config)
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    const key = /key file/i.test(error.message)
      ? 'credentials_file'
      : /endpoint/i.test(error.message)
        ? 'endpoint'
        : 'bucket'
    refuse(key, lowerFirst(error.message), error.hint ?? 'See docs/storage.md.')
  }
  return config
}

function lowerFirst(message: string): string {
  // "The Azure endpoint…" → "the Azure endpoint…"; names such as "Azure" and "GCS" keep their capitals.
  return message.replace(/^The /, 'the ').replace(/\.$/, '')
}
