import type {
  AzureBlobStorageSection,
  GoogleStorageSection,
} from '../services/backups/cloud-destination-config'
import { stringFlag, type FlagSpec, type ParsedFlags } from './parse-flags'

/**
 * The Enterprise agent's `-azure-blob-*` and `-gcs-*` flags (plus ours for the keys it lacks):
 * each is the prefix + the file key with dashes, read straight into the file's shape and merged
 * over it.
 */
const AZURE_KEYS: [keyof AzureBlobStorageSection, string, string][] = [
  ['account_name', 'name', 'Azure storage account.'],
  ['account_key', 'key', 'Azure storage account key (prefer a config file readable only by the agent).'],
  ['container_name', 'name', 'Store snapshots in this Azure Blob container instead of a local folder.'],
  [
    'environment',
    'name',
    'Azure cloud: AzurePublicCloud (default), AzureUSGovernmentCloud, AzureChinaCloud.',
  ],
  ['service_principal_id', 'id', 'Sign in as this service principal (with its secret and tenant).'],
  ['service_principal_secret', 'secret', "The service principal's client secret."],
  ['tenant_id', 'id', "The service principal's tenant."],
  ['sas_token', 'token', 'Sign in with a SAS token instead of the account key.'],
  ['connection_string', 'text', 'Sign in with a connection string instead of the account key.'],
  ['endpoint', 'url', 'Blob service URL, for emulators and private endpoints.'],
  ['prefix', 'prefix', 'Blob name prefix ("folder"). Default: none.'],
]
const GCS_KEYS: [keyof GoogleStorageSection, string, string][] = [
  ['bucket', 'name', 'Store snapshots in this Google Cloud Storage bucket instead of a local folder.'],
  ['prefix', 'prefix', 'Object name prefix ("folder"). Default: none.'],
  ['credentials_file', 'path', 'Service-account key file. Default: Application Default Credentials.'],
  ['endpoint', 'url', 'JSON API URL, for emulators and private endpoints.'],
  ['project_id', 'id', 'Project of the bucket (when the credentials do not say).'],
]

const azureFlag = (key: string) => `azure-blob-${key.replaceAll('_', '-')}`
const gcsFlag = (key: string) => `gcs-${key.replaceAll('_', '-')}`

export const CLOUD_STORAGE_FLAGS: FlagSpec[] = [
  ...AZURE_KEYS.map(([key, valueName, usage]): FlagSpec => ({
    name: azureFlag(key),
    kind: 'string',
    valueName,
    usage,
  })),
  ...GCS_KEYS.map(([key, valueName, usage]): FlagSpec => ({
    name: gcsFlag(key),
    kind: 'string',
    valueName,
    usage,
  })),
]

function sectionFrom<Section>(
  parsed: ParsedFlags,
  keys: [keyof Section, string, string][],
  name: (key: string) => string,
) {
  const out: Record<string, string> = {}
  for (const [key] of keys) {
    const value = stringFlag(parsed, name(String(key)))
    if (value !== undefined) out[String(key)] = value
  }
  return Object.keys(out).length > 0 ? (out as Section) : undefined
}

/** Only the flags given; undefined when none was. */
export function azureBlobStorageFlagsFrom(parsed: ParsedFlags): AzureBlobStorageSection | undefined {
  return sectionFrom<AzureBlobStorageSection>(parsed, AZURE_KEYS, azureFlag)
}

export function googleStorageFlagsFrom(parsed: ParsedFlags): GoogleStorageSection | undefined {
  return sectionFrom<GoogleStorageSection>(parsed, GCS_KEYS, gcsFlag)
}
