import { join } from 'node:path'
import { AppError } from '../../shared/app-error'
import type { ConsulConnection } from '../services/consul/consul-connection'
import { readConsulEnvironment } from '../services/consul/consul-environment'
import type { CliIo } from './cli-io'
import { boolFlag, stringFlag, type FlagSpec, type ParsedFlags } from './parse-flags'

/** The Consul CLI's HTTP client and server flags, with the same names and meanings. */
export const CONNECTION_FLAGS: FlagSpec[] = [
  {
    name: 'http-addr',
    kind: 'string',
    valueName: 'address',
    usage:
      'Where the agent listens: host:port, or a URL with http://, https:// or unix://. Env: CONSUL_HTTP_ADDR (CONSUL_HTTP_SSL=true switches a bare host:port to https). Default: 127.0.0.1:8500.',
  },
  {
    name: 'token',
    kind: 'string',
    valueName: 'value',
    usage:
      'ACL token sent as X-Consul-Token. Snapshots need a token with acl = "write". Env: CONSUL_HTTP_TOKEN.',
  },
  {
    name: 'token-file',
    kind: 'string',
    valueName: 'value',
    usage:
      'Read the ACL token from this file (surrounding whitespace ignored); wins over -token. Env: CONSUL_HTTP_TOKEN_FILE.',
  },
  {
    name: 'ca-file',
    kind: 'string',
    valueName: 'value',
    usage: "PEM bundle of the CAs trusted for the agent's certificate. Env: CONSUL_CACERT.",
  },
  {
    name: 'ca-path',
    kind: 'string',
    valueName: 'value',
    usage: "Folder of PEM CA certificates trusted for the agent's certificate. Env: CONSUL_CAPATH.",
  },
  {
    name: 'client-cert',
    kind: 'string',
    valueName: 'value',
    usage:
      'Client certificate (PEM) for agents that require one (verify_incoming); needs -client-key. Env: CONSUL_CLIENT_CERT.',
  },
  {
    name: 'client-key',
    kind: 'string',
    valueName: 'value',
    usage: 'Private key (PEM) of the client certificate. Env: CONSUL_CLIENT_KEY.',
  },
  {
    name: 'tls-server-name',
    kind: 'string',
    valueName: 'value',
    usage:
      "Name to send as SNI and to check the agent's certificate against, when it differs from the address. Env: CONSUL_TLS_SERVER_NAME.",
  },
  {
    name: 'datacenter',
    kind: 'string',
    valueName: 'value',
    usage: "Datacenter to work on (sent as ?dc=). Default: the agent's own datacenter.",
  },
  {
    name: 'profile',
    kind: 'string',
    valueName: 'NAME',
    usage:
      'Use a connection profile saved by Snapshot Studio instead of the flags and CONSUL_* variables (flags given as well override it).',
  },
]

export const STALE_FLAG: FlagSpec = {
  name: 'stale',
  kind: 'bool',
  usage:
    'Let any server answer, not only the leader (sent as ?stale). Use it when the cluster has lost its leader; the snapshot may then lag behind the last writes.',
}

/**
 * Builds the connection from, in increasing precedence: a saved profile (--profile) or the
 * CONSUL_* variables, then the flags. Tokens follow the documented order -token-file > -token >
 * CONSUL_HTTP_TOKEN_FILE > CONSUL_HTTP_TOKEN ("flags always take precedence over environment
 * variables"; docs/consul-api.md §1).
 */
export async function connectionFromFlags(
  parsed: ParsedFlags,
  io: CliIo,
): Promise<{ connection: ConsulConnection; warnings: string[] }> {
  const profileName = stringFlag(parsed, 'profile')
  let connection: ConsulConnection
  const warnings: string[] = []
  if (profileName !== undefined) {
    // Loaded only here: the profile store brings zod, a tenth of save's and restore's start-up.
    const [{ appDataDir }, { ProfileService }, { FileSecretStore }] = await Promise.all([
      import('../host/app-data-dir'),
      import('../services/profiles/profile-service'),
      import('../services/profiles/file-secret-store'),
    ])
    const dataDir = appDataDir(io.env)
    const { service, notice } = await ProfileService.open({
      dataDir,
      secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
    })
    if (notice)
      warnings.push(
        `The profiles file was damaged (${notice.reason}); it was kept at ${notice.keptAsidePath}.`,
      )
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
  io.log?.debug('Connection settings', {
    profile: profileName,
    address: settings.address,
    datacenter: settings.datacenter,
    tokenFrom: settings.tokenFile !== undefined ? 'file' : connection.token !== undefined ? 'value' : 'none',
    basicAuth: settings.basicAuthUser !== undefined,
    tls: { ...tls },
  })
  return { connection, warnings }
}

export function staleFlag(parsed: ParsedFlags): boolean {
  return boolFlag(parsed, 'stale') ?? false
}
