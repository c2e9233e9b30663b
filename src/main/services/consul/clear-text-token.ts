/**
 * A token sent over plain http to another machine can be read by anyone on the path, and with it
 * they can take and restore snapshots. Loopback and unix sockets never leave the machine.
 */
import type { ConnectionSettings } from '../../../shared/profile-types'
import { parseConsulAddress } from './consul-address'

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)
}

/** The warning to show before a token goes out in clear text, or null when it does not. */
export function clearTextTokenWarning(settings: ConnectionSettings): string | null {
  let endpoint
  try {
    endpoint = parseConsulAddress(settings.address, settings.useTls)
  } catch {
    return null // the address itself is reported elsewhere
  }
  if (endpoint.kind !== 'tcp' || endpoint.scheme === 'https' || isLoopback(endpoint.host)) return null
  return `The token would go to ${endpoint.host} over plain http, readable by anyone on the network path: use an https:// address (CONSUL_HTTP_SSL=true).`
}
