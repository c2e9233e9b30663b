import { AppError } from '../../../shared/app-error'
import { normalisePrefix } from './object-key'
import { storeEndpoint } from './store-endpoint'

// Plain data and checks only: the config loader validates Azure settings through this module
// without loading the Azure SDK (the destination loads it on first use).

/** The four ways the Enterprise agent (and Azure's own tools) sign in to Blob storage. */
export type AzureBlobCredentials =
  | { kind: 'shared-key'; accountName: string; accountKey: string }
  | { kind: 'sas'; accountName: string; sasToken: string }
  | { kind: 'connection-string'; connectionString: string }
  | {
      kind: 'service-principal'
      accountName: string
      tenantId: string
      clientId: string
      clientSecret: string
    }

export interface AzureBlobOptions {
  credentials: AzureBlobCredentials
  container: string
  /** Blobs are named `<prefix>/consul-<ID>.snap`; none by default, as the Enterprise agent names them. */
  prefix?: string | null
  /** The Enterprise agent's `environment` (Go SDK names such as `AzureUSGovernmentCloud`); public by default. */
  environment?: string | null
  /** The Blob service URL for emulators and private endpoints, e.g. `http://127.0.0.1:10000/devstoreaccount1`. */
  endpoint?: string | null
  /** Bytes per staged block; at most `blockSize × concurrency` is held in memory. */
  blockSize?: number
  concurrency?: number
  /** Attempts per request, the first included. */
  maxTries?: number
  retryDelayMs?: number
}

export interface AzureCloud {
  blobSuffix: string
  authorityHost: string
}

// The Go SDK's environment names, which the Enterprise agent's `environment` takes (case-insensitive).
const CLOUDS: Record<string, AzureCloud> = {
  azurepubliccloud: {
    blobSuffix: 'blob.core.windows.net',
    authorityHost: 'https://login.microsoftonline.com',
  },
  azureusgovernmentcloud: {
    blobSuffix: 'blob.core.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
  },
  azurechinacloud: {
    blobSuffix: 'blob.core.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
  },
  // Retired by Microsoft in 2021, still accepted by the Enterprise agent's SDK.
  azuregermancloud: {
    blobSuffix: 'blob.core.cloudapi.de',
    authorityHost: 'https://login.microsoftonline.de',
  },
}

export interface AzureSettings {
  prefix: string
  accountName: string
  cloud: AzureCloud
  endpoint: string | null
}

/**
 * Checks everything that can be checked without a network call, before any SDK client exists, so
 * a config mistake is reported in our words and never as an SDK stack. Secrets are only checked
 * for presence and shape; no message quotes them.
 */
export function validateAzureBlobOptions(options: AzureBlobOptions): AzureSettings {
  const invalid = (message: string, hint?: string) => new AppError('INVALID_ARGUMENT', message, { hint })
  const container = options.container
  if (!/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(container) && container !== '$root')
    throw invalid(
      `Azure container name "${container}" is not valid.`,
      'Container names are 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.',
    )
  const environment = (options.environment ?? '').trim()
  const cloud = CLOUDS[environment === '' ? 'azurepubliccloud' : environment.toLowerCase()]
  if (!cloud)
    throw invalid(
      `Azure environment "${environment}" is not known.`,
      'Use AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud or AzureGermanCloud.',
    )
  const endpoint = storeEndpoint('Azure', options.endpoint, 'give the SAS token on its own')
  const credentials = options.credentials
  const required = (value: string, what: string) => {
    if (value.trim() === '') throw invalid(`Azure ${what} is empty.`)
  }
  let accountName: string
  switch (credentials.kind) {
    case 'connection-string': {
      required(credentials.connectionString, 'connection string')
      const fields = parseConnectionString(credentials.connectionString)
      if (!fields)
        throw invalid(
          'The Azure connection string is not a list of Key=Value pairs.',
          'Copy it from the storage account\'s "Access keys" page.',
        )
      const hasKey = fields.has('accountname') && fields.has('accountkey')
      const hasSas = fields.has('blobendpoint') && fields.has('sharedaccesssignature')
      if (!hasKey && !hasSas && fields.get('usedevelopmentstorage') !== 'true')
        throw invalid(
          'The Azure connection string has neither AccountName and AccountKey nor BlobEndpoint and SharedAccessSignature.',
        )
      accountName =
        fields.get('accountname') ?? (fields.get('usedevelopmentstorage') ? 'devstoreaccount1' : '')
      if (accountName === '') accountName = hostAccount(fields.get('blobendpoint') ?? '') ?? 'account'
      if (endpoint !== null)
        throw invalid('Give the Azure endpoint inside the connection string (BlobEndpoint=).')
      break
    }
    case 'shared-key':
      required(credentials.accountName, 'account name')
      required(credentials.accountKey, 'account key')
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credentials.accountKey.trim()))
        throw invalid('The Azure account key is not base64.', 'Copy key1 or key2 from the storage account.')
      accountName = credentials.accountName
      break
    case 'sas':
      required(credentials.accountName, 'account name')
      required(credentials.sasToken, 'SAS token')
      if (!/(^|[?&])sig=/.test(credentials.sasToken.trim()))
        throw invalid(
          'The Azure SAS token has no signature (sig=).',
          'Give the whole token, from sv= to sig=.',
        )
      accountName = credentials.accountName
      break
    case 'service-principal':
      required(credentials.accountName, 'account name')
      required(credentials.tenantId, 'tenant ID')
      required(credentials.clientId, 'service principal ID')
      required(credentials.clientSecret, 'service principal secret')
      accountName = credentials.accountName
      break
  }
  if (credentials.kind !== 'connection-string' && endpoint === null && !/^[a-z0-9]{3,24}$/.test(accountName))
    throw invalid(
      `Azure storage account name "${accountName}" is not valid.`,
      'Account names are 3-24 lowercase letters and digits.',
    )
  return { prefix: normalisePrefix(options.prefix), accountName, cloud, endpoint }
}

function parseConnectionString(text: string): Map<string, string> | null {
  const fields = new Map<string, string>()
  for (const part of text.trim().split(';')) {
    if (part === '') continue
    const at = part.indexOf('=')
    if (at <= 0) return null
    fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim())
  }
  return fields.size > 0 ? fields : null
}

function hostAccount(endpoint: string): string | null {
  try {
    return new URL(endpoint).hostname.split('.')[0] ?? null
  } catch {
    return null
  }
}

/** How logs, errors and the journal name an Azure destination; never carries credentials. */
export function describeAzureBlobDestination(options: AzureBlobOptions): string {
  const settings = validateAzureBlobOptions(options)
  return `azure:${settings.accountName}/${options.container}${settings.prefix ? `/${settings.prefix}` : ''}`
}
