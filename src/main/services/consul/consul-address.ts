import { AppError } from '../../../shared/app-error'
import { redactUrlCredentials } from '../../logging/redact'

/** Where to send requests, after applying the Consul CLI's address rules. */
export type ConsulEndpoint =
  | { kind: 'tcp'; scheme: 'http' | 'https'; host: string; port: number; pathPrefix: string }
  | { kind: 'unix'; socketPath: string; pathPrefix: '' }

const DEFAULT_PORT = { http: 80, https: 443 } as const

/**
 * Parses an address the way the Consul api client does (api.NewClient): `scheme://rest` with
 * scheme http, https or unix; without a scheme, `useTls` (CONSUL_HTTP_SSL) picks https. For http(s)
 * anything after the first `/` is a path prefix for a reverse proxy. "Never revert to http if TLS
 * was explicitly requested": an `http://` address with useTls stays https, as in Consul.
 */
export function parseConsulAddress(address: string, useTls: boolean): ConsulEndpoint {
  const trimmed = address.trim()
  if (trimmed === '') throw invalid(address, 'the address is empty')
  let scheme: 'http' | 'https' = useTls ? 'https' : 'http'
  let rest = trimmed
  const separator = trimmed.indexOf('://')
  if (separator >= 0) {
    const given = trimmed.slice(0, separator)
    rest = trimmed.slice(separator + 3)
    if (given === 'unix') {
      if (rest === '') throw invalid(address, 'the unix socket path is empty')
      return { kind: 'unix', socketPath: rest, pathPrefix: '' }
    }
    if (given === 'https') scheme = 'https'
    else if (given !== 'http')
      throw invalid(address, `unknown protocol scheme "${given}" (use http, https or unix)`)
  }
  let pathPrefix = ''
  const slash = rest.indexOf('/')
  if (slash >= 0) {
    pathPrefix = '/' + rest.slice(slash + 1)
    rest = rest.slice(0, slash)
  }
  // Consul's client has no place for `user:password@` in the address (it would dial it as part
  // of the host name); basic auth is its own setting. Refused here, and never repeated back.
  if (rest.includes('@')) throw credentialsInAddress(address)
  pathPrefix = pathPrefix.replace(/\/+$/, '')
  const { host, port } = splitHostPort(rest, scheme, address)
  return { kind: 'tcp', scheme, host, port, pathPrefix }
}

function splitHostPort(
  hostPort: string,
  scheme: 'http' | 'https',
  address: string,
): { host: string; port: number } {
  if (hostPort === '') throw invalid(address, 'the host is missing')
  let host = hostPort
  let portText: string | undefined
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']')
    if (close < 0) throw invalid(address, 'an IPv6 address lacks its closing "]"')
    host = hostPort.slice(1, close)
    const after = hostPort.slice(close + 1)
    if (after.startsWith(':')) portText = after.slice(1)
    else if (after !== '') throw invalid(address, `unexpected "${after}" after the IPv6 address`)
  } else {
    const colon = hostPort.lastIndexOf(':')
    if (colon >= 0) {
      if (hostPort.indexOf(':') !== colon)
        throw invalid(address, 'write IPv6 addresses in brackets, e.g. [::1]:8500')
      host = hostPort.slice(0, colon)
      portText = hostPort.slice(colon + 1)
    }
  }
  if (host === '') throw invalid(address, 'the host is missing')
  if (portText === undefined) return { host, port: DEFAULT_PORT[scheme] }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN
  if (!(port >= 1 && port <= 65535)) throw invalid(address, `"${portText}" is not a port number`)
  return { host, port }
}

/** A URL origin for undici; unix sockets get a placeholder host, the dispatcher dials the socket. */
export function endpointOrigin(endpoint: ConsulEndpoint): string {
  if (endpoint.kind === 'unix') return 'http://localhost'
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host
  return `${endpoint.scheme}://${host}:${endpoint.port}`
}

/** The address as shown to people: never carries credentials. */
export function describeEndpoint(endpoint: ConsulEndpoint): string {
  if (endpoint.kind === 'unix') return `unix://${endpoint.socketPath}`
  return endpointOrigin(endpoint) + endpoint.pathPrefix
}

/** Go's tls config takes the server name up to a `:port` suffix (api.SetupTLSConfig). */
export function stripServerNamePort(serverName: string): string {
  const lastColon = serverName.lastIndexOf(':')
  const lastBracket = serverName.lastIndexOf(']')
  if (lastColon <= lastBracket) return serverName
  const host = serverName.slice(0, lastColon)
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

/** An address as it may appear in a message: any `user:password@` masked. */
function shown(address: string): string {
  return redactUrlCredentials(address)
}

function credentialsInAddress(address: string): AppError {
  return new AppError(
    'INVALID_ARGUMENT',
    `The Consul address "${shown(address)}" carries credentials (user:password@), which an address cannot hold.`,
    {
      hint: 'Remove them from the address and set the basic-auth user and password of the connection instead (CONSUL_HTTP_AUTH on the command line); Consul itself takes an ACL token.',
    },
  )
}

function invalid(address: string, why: string): AppError {
  return new AppError('INVALID_ARGUMENT', `The Consul address "${shown(address)}" is not valid: ${why}.`, {
    hint: 'Write it as the Consul CLI accepts it: host:port, http://host:port, https://host:port or unix:///path/to/consul.sock.',
  })
}
