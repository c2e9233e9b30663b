/**
 * The only links Snapshot Studio opens outside itself: https to a short list of hosts. Checked
 * here (pure) so the desktop shell and browser mode refuse exactly the same things.
 */
import { AppError } from './app-error'

export const allowedExternalHosts: readonly string[] = [
  'developer.hashicorp.com',
  'www.consul.io',
  'github.com',
  'discuss.hashicorp.com',
]

/** Paths on github.com must be under the project's or Consul's repositories. */
const allowedGithubPrefixes = ['/hashicorp/consul', '/snapshot-studio/']

function refuse(url: string, why: string): never {
  throw new AppError(
    'URL_NOT_ALLOWED',
    `Snapshot Studio does not open ${JSON.stringify(url.slice(0, 200))}: ${why}.`,
    {
      hint: 'Only https links to HashiCorp documentation and the project repository open from here.',
    },
  )
}

/** Returns the normalised URL when it may be opened; throws URL_NOT_ALLOWED otherwise. */
export function checkExternalUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    refuse(raw, 'it is not a valid URL')
  }
  if (url.protocol !== 'https:') refuse(raw, `the scheme ${url.protocol} is not https`)
  if (url.username !== '' || url.password !== '') refuse(raw, 'it carries credentials')
  if (url.port !== '') refuse(raw, 'it names a port')
  const host = url.hostname.toLowerCase()
  if (!allowedExternalHosts.includes(host)) refuse(raw, `${host} is not on the list of allowed hosts`)
  if (host === 'github.com' && !allowedGithubPrefixes.some((prefix) => url.pathname.startsWith(prefix))) {
    refuse(raw, 'only the Consul and Snapshot Studio repositories are linked')
  }
  return url.toString()
}
