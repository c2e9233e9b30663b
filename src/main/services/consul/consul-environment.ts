import { AppError } from '../../../shared/app-error'
import type { ConnectionSettings } from '../../../shared/profile-types'
import { goParseBool } from './go-parse-bool'

export const CONSUL_ENV_VARIABLES = [
  'CONSUL_HTTP_ADDR',
  'CONSUL_HTTP_TOKEN',
  'CONSUL_HTTP_TOKEN_FILE',
  'CONSUL_HTTP_AUTH',
  'CONSUL_HTTP_SSL',
  'CONSUL_HTTP_SSL_VERIFY',
  'CONSUL_CACERT',
  'CONSUL_CAPATH',
  'CONSUL_CLIENT_CERT',
  'CONSUL_CLIENT_KEY',
  'CONSUL_TLS_SERVER_NAME',
] as const

export const DEFAULT_CONSUL_ADDRESS = '127.0.0.1:8500'

export interface EnvironmentConnection {
  settings: ConnectionSettings
  token?: string
  basicAuthPassword?: string
  usedVariables: string[]
  warnings: string[]
}

/**
 * Reads the Consul CLI's variables as api.defaultConfig does: empty values count as unset;
 * CONSUL_HTTP_SSL and CONSUL_HTTP_SSL_VERIFY use Go's ParseBool; CONSUL_HTTP_AUTH splits at the
 * first ':'. One deliberate difference: Consul treats an unparsable CONSUL_HTTP_SSL_VERIFY as
 * "false" and silently stops verifying certificates; we refuse it instead, because a typo must
 * not switch off TLS verification.
 */
export function readConsulEnvironment(env: Record<string, string | undefined>): EnvironmentConnection {
  const used: string[] = []
  const warnings: string[] = []
  const get = (name: (typeof CONSUL_ENV_VARIABLES)[number]): string | undefined => {
    const value = env[name]
    if (value === undefined || value === '') return undefined
    used.push(name)
    return value
  }
  const settings: ConnectionSettings = {
    address: get('CONSUL_HTTP_ADDR') ?? DEFAULT_CONSUL_ADDRESS,
    useTls: false,
    tls: { insecureSkipVerify: false },
  }
  const result: EnvironmentConnection = { settings, usedVariables: used, warnings }

  const tokenFile = get('CONSUL_HTTP_TOKEN_FILE')
  if (tokenFile) settings.tokenFile = tokenFile
  const token = get('CONSUL_HTTP_TOKEN')
  if (token) result.token = token

  const auth = get('CONSUL_HTTP_AUTH')
  if (auth !== undefined) {
    const colon = auth.indexOf(':')
    settings.basicAuthUser = colon >= 0 ? auth.slice(0, colon) : auth
    if (colon >= 0) result.basicAuthPassword = auth.slice(colon + 1)
  }

  const ssl = get('CONSUL_HTTP_SSL')
  if (ssl !== undefined) {
    const enabled = goParseBool(ssl)
    if (enabled === undefined)
      warnings.push(
        `CONSUL_HTTP_SSL="${ssl}" is not a boolean (use true or false); it was ignored, as the Consul CLI does.`,
      )
    settings.useTls = enabled === true
  }

  const serverName = get('CONSUL_TLS_SERVER_NAME')
  if (serverName) settings.tls.serverName = serverName
  const caFile = get('CONSUL_CACERT')
  if (caFile) settings.tls.caFile = caFile
  const caPath = get('CONSUL_CAPATH')
  if (caPath) settings.tls.caPath = caPath
  const cert = get('CONSUL_CLIENT_CERT')
  if (cert) settings.tls.clientCertFile = cert
  const key = get('CONSUL_CLIENT_KEY')
  if (key) settings.tls.clientKeyFile = key

  const verify = get('CONSUL_HTTP_SSL_VERIFY')
  if (verify !== undefined) {
    const doVerify = goParseBool(verify)
    if (doVerify === undefined) {
      throw new AppError('INVALID_ARGUMENT', `CONSUL_HTTP_SSL_VERIFY="${verify}" is not a boolean.`, {
        hint: 'Use true or false (Go ParseBool spellings: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False).',
      })
    }
    settings.tls.insecureSkipVerify = !doVerify
    if (!doVerify)
      warnings.push(
        'CONSUL_HTTP_SSL_VERIFY=false switches off TLS certificate verification: anyone on the network path could read snapshots and the token.',
      )
  }
  return result
}
