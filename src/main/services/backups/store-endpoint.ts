import { AppError } from '../../../shared/app-error'

/**
 * A store's service address as Azure Blob and GCS take it (emulators, private endpoints): an
 * http(s) URL with no credentials and no query, without trailing slashes; null when none is given.
 * Credentials belong in the store's own settings, where they are kept as secrets, never in a URL
 * that logs and errors quote. `credentialsHint` says where that store's credentials go instead.
 */
export function storeEndpoint(
  store: 'Azure' | 'GCS',
  value: string | null | undefined,
  credentialsHint?: string,
): string | null {
  if (!value) return null
  const invalid = (message: string) => new AppError('INVALID_ARGUMENT', message)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalid(`${store} endpoint "${value}" is not a URL.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalid(`${store} endpoint "${value}" must start with https:// or http://.`)
  if (url.search !== '' || url.username !== '' || url.password !== '')
    throw invalid(
      `The ${store} endpoint must not carry credentials or a query${credentialsHint ? `; ${credentialsHint}` : ''}.`,
    )
  return url.toString().replace(/\/+$/, '')
}
