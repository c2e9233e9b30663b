import { join } from 'node:path'
import { AppError } from '../../shared/app-error'
import type { ConsulConnection } from '../services/consul/consul-connection'
import { readConsulEnvironment } from '../services/consul/consul-environment'
import { FileSecretStore } from '../services/profiles/file-secret-store'
import { ProfileService } from '../services/profiles/profile-service'
import { appDataDir } from './app-data-dir'
import type { CliIo } from './cli-io'
import { boolFlag, stringFlag, type FlagSpec, type ParsedFlags } from './parse-flags'

/** The Consul CLI's HTTP client and server flags, with the same names and meanings. */
export const CONNECTION_FLAGS: FlagSpec[] = [
  { name: 'http-addr', kind: 'string', valueName: 'address', usage: 'The `address` and port of the Consul HTTP agent. The value can be an IP address or DNS address, but it must also include the port. This can also be specified via the CONSUL_HTTP_ADDR environment variable. The default value is http://127.0.0.1:8500. The scheme can also be set to HTTPS by setting the environment variable CONSUL_HTTP_SSL=true.' },
  { name: 'token', kind: 'string', valueName: 'value', usage: 'ACL token to use in the request. This can also be specified via the CONSUL_HTTP_TOKEN environment variable.' },
  { name: 'token-file', kind: 'string', valueName: 'value', usage: 'File containing the ACL token to use in the request instead of one specified via the -token argument or CONSUL_HTTP_TOKEN environment variable. This can also be specified via the CONSUL_HTTP_TOKEN_FILE environment variable.' },
  { name: 'ca-file', kind: 'string', valueName: 'value', usage: 'Path to a CA file to use for TLS when communicating with Consul. This can also be specified via the CONSUL_CACERT environment variable.' },
  { name: 'ca-path', kind: 'string', valueName: 'value', usage: 'Path to a directory of CA certificates to use for TLS when communicating with Consul. This can also be specified via the CONSUL_CAPATH environment variable.' },
  { name: 'client-cert', kind: 'string', valueName: 'value', usage: 'Path to a client cert file to use for TLS when \'verify_incoming\' is enabled. This can also be specified via the CONSUL_CLIENT_CERT environment variable.' },
  { name: 'client-key', kind: 'string', valueName: 'value', usage: 'Path to a client key file to use for TLS when \'verify_incoming\' is enabled. This can also be specified via the CONSUL_CLIENT_KEY environment variable.' },
  { name: 'tls-server-name', kind: 'string', valueName: 'value', usage: 'The server name to use as the SNI host when connecting via TLS. This can also be specified via the CONSUL_TLS_SERVER_NAME environment variable.' },
  { name: 'datacenter', kind: 'string', valueName: 'value', usage: 'Name of the datacenter to query. If unspecified, this will default to the datacenter of the queried agent.' },
  { name: 'profile', kind: 'string', valueName: 'NAME', usage: 'Use a connection profile saved by Snapshot Studio instead of the flags and CONSUL_* variables (flags given as well override it).' },
]

export const STALE_FLAG: FlagSpec = {
  name: 'stale',
  kind: 'bool',
  usage: 'Permit any Consul server (non-leader) to respond to this request. This allows for lower latency and higher throughput, but can result in stale data. This option has no effect on non-read operations. The default value is false.',
}

/**
 * Builds the connection from, in increasing precedence: a saved profile (--profile) or the
 * CONSUL_* variables, then the flags. Tokens follow the documented order -token-file > -token >
 * CONSUL_HTTP_TOKEN_FILE > CONSUL_HTTP_TOKEN ("flags always take precedence over environment
 * variables"; spec 10.3).
 */
export async function connectionFromFlags(parsed: ParsedFlags, io: CliIo): Promise<{ connection: ConsulConnection; warnings: string[] }> {
  const profileName = stringFlag(parsed, 'profile')
  let connection: ConsulConnection
  const warnings: string[] = []
  if (profileName !== undefined) {
    const dataDir = appDataDir(io.env)
    const { service, notice } = await ProfileService.open({ dataDir, secrets: new FileSecretStore(join(dataDir, 'secrets.json')) })
    if (notice) warnings.push(`The profiles file was damaged (${notice.reason}); it was kept at ${notice.keptAsidePath}.`)
    const view = service.findByName(profileName)
    if (!view) {
      throw new AppError('PROFILE_NOT_FOUND', `No connection profile is named "${profileName}".`, {
        hint: `Profiles are read from ${dataDir}; check the name (snapshot-studio status --profile NAME) or use -http-addr and -token.`,
      })
    }
    connection = await service.connectionFor(view.id)
  } else {
    const env = readConsulEnvironment(io.env)
    warnings.push(...env.warnings)
    connection = { name: 'consul', settings: env.settings }
    if (env.token) connection.token = env.token
    if (env.basicAuthPassword !== undefined) connection.basicAuthPassword = env.basicAuthPassword
  }
  const { settings } = connection
  const flag = (name: string) => stringFlag(parsed, name)
  const address = flag('http-addr')
  if (address !== undefined) settings.address = address
  const token = flag('token')
  const tokenFile = flag('token-file')
  if (tokenFile !== undefined) settings.tokenFile = tokenFile
  else if (token !== undefined) {
    delete settings.tokenFile
    connection.token = token
  }
  const tls = { ...settings.tls }
  if (flag('ca-file') !== undefined) tls.caFile = flag('ca-file')
  if (flag('ca-path') !== undefined) tls.caPath = flag('ca-path')
  if (flag('client-cert') !== undefined) tls.clientCertFile = flag('client-cert')
  if (flag('client-key') !== undefined) tls.clientKeyFile = flag('client-key')
  if (flag('tls-server-name') !== undefined) tls.serverName = flag('tls-server-name')
  settings.tls = tls
  const datacenter = flag('datacenter')
  if (datacenter !== undefined) settings.datacenter = datacenter
  if (tls.insecureSkipVerify) warnings.push('TLS certificate verification is OFF for this connection.')
  return { connection, warnings }
}

export function staleFlag(parsed: ParsedFlags): boolean {
  return boolFlag(parsed, 'stale') ?? false
}
