/**
 * Whether a Consul address would carry a token in clear text to another machine: plain http
 * (no `https://`, no CONSUL_HTTP_SSL) to a host that is not loopback. Unix sockets and loopback
 * never leave the machine. Shared so the profile form warns while the address is typed, before
 * any request, and the host warns the same way for imported settings (docs/threat-model.md).
 * Returns the host the token would reach, or null when it stays private.
 */
export function clearTextDestination(address: string, useTls: boolean): string | null {
  const trimmed = address.trim()
  const separator = trimmed.indexOf('://')
  const scheme = separator >= 0 ? trimmed.slice(0, separator).toLowerCase() : useTls ? 'https' : 'http'
  // Consul never falls back to http once TLS is asked for, whatever the address says.
  if (scheme !== 'http' || useTls) return null
  const authority = (separator >= 0 ? trimmed.slice(separator + 3) : trimmed).split(/[/?#]/)[0] ?? ''
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1)
  const host = hostPort.startsWith('[')
    ? hostPort.slice(1, Math.max(1, hostPort.indexOf(']')))
    : (hostPort.split(':')[0] ?? '')
  if (host === '' || isLoopback(host)) return null
  return host
}

function isLoopback(host: string): boolean {
  const bare = host.toLowerCase()
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)
}

/** The sentence shown before a token goes out in clear text. */
export function clearTextTokenMessage(host: string): string {
  return `The token would go to ${host} over plain http, readable by anyone on the network path: use an https:// address (CONSUL_HTTP_SSL=true).`
}
