import { open, readFile } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error'
import type { ConnectionSettings, ProtectionLevel, TlsSettings } from '../../../shared/profile-types'
import { describeEndpoint, parseConsulAddress, type ConsulEndpoint } from './consul-address'

/**
 * A connection as the main process holds it: settings plus secrets. It never crosses to the
 * renderer (ProfileView carries `tokenSet` instead).
 */
export interface ConsulConnection {
  /** A label for file names and messages, e.g. the profile name. */
  name: string
  settings: ConnectionSettings
  token?: string
  basicAuthPassword?: string
  /**
   * Its paths came from a page in browser mode (a draft or a profile saved through the API): the
   * token file must then look like a token file, so a path cannot be used to read any file of
   * the user's and send it out as a token (docs/threat-model.md, "Browser mode").
   */
  untrustedPaths?: boolean
  /** The saved profile's protection level; a connection from flags or the environment has none. */
  protection?: ProtectionLevel
  /** The saved profile is marked as a scratch cluster: a restore drill may replace its state. */
  scratchCluster?: boolean
}

/** A connection ready to use: address parsed, token file read. */
export interface ResolvedConnection {
  name: string
  endpoint: ConsulEndpoint
  /** Shown to people; never carries credentials. */
  description: string
  datacenter?: string
  token?: string
  basicAuth?: { user: string; password: string }
  tls: TlsSettings
}

/**
 * Applies the Consul CLI's rules: a token file, when set, wins over a literal token and is
 * read (and trimmed) at every connection, so a rotated token file is picked up.
 */
export async function resolveConnection(connection: ConsulConnection): Promise<ResolvedConnection> {
  const { settings } = connection
  const endpoint = parseConsulAddress(settings.address, settings.useTls)
  let token = connection.token
  if (settings.tokenFile)
    token = await (connection.untrustedPaths ? readTokenFileStrictly : readTokenFile)(settings.tokenFile)
  const resolved: ResolvedConnection = {
    name: connection.name,
    endpoint,
    description: describeEndpoint(endpoint),
    tls: settings.tls,
  }
  if (settings.datacenter) resolved.datacenter = settings.datacenter
  if (token) resolved.token = token
  if (settings.basicAuthUser !== undefined && settings.basicAuthUser !== '') {
    resolved.basicAuth = { user: settings.basicAuthUser, password: connection.basicAuthPassword ?? '' }
  }
  return resolved
}

async function readTokenFile(path: string): Promise<string> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new AppError(
      code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
      `The token file ${path} could not be read (${code ?? 'error'}).`,
      {
        hint: 'Check the -token-file / CONSUL_HTTP_TOKEN_FILE path and its permissions.',
        cause: error,
      },
    )
  }
  const token = text.trim()
  if (token === '') {
    throw new AppError('INVALID_ARGUMENT', `The token file ${path} is empty.`, {
      hint: 'Write the ACL token (SecretID) into the file.',
    })
  }
  return token
}

/** A token file's largest size: a Consul token is a 36-character UUID. */
const TOKEN_FILE_MAX_BYTES = 4096

function notATokenFile(path: string, why: string): AppError {
  // Never quote the content: the file may be anything the path was pointed at.
  return new AppError('INVALID_ARGUMENT', `${path} is not used as a token file: ${why}.`, {
    hint: 'A token file holds one line, the ACL token, in a small regular file you own.',
  })
}

/** The Consul CLI's token file, plus the shape of one: small, regular, the user's own, one line. */
async function readTokenFileStrictly(path: string): Promise<string> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch {
    return readTokenFile(path) // reports the missing or unreadable file as usual
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw notATokenFile(path, 'it is not a regular file')
    if (info.size > TOKEN_FILE_MAX_BYTES)
      throw notATokenFile(path, `it is larger than ${TOKEN_FILE_MAX_BYTES} bytes`)
    const uid = process.getuid?.()
    if (uid !== undefined && info.uid !== uid) throw notATokenFile(path, 'it belongs to another user')
    const token = (await handle.readFile('utf8')).trim()
    if (/[\r\n]/.test(token)) throw notATokenFile(path, 'it holds more than one line')
    if (token === '')
      throw new AppError('INVALID_ARGUMENT', `The token file ${path} is empty.`, {
        hint: 'Write the ACL token (SecretID) into the file.',
      })
    return token
  } finally {
    await handle.close()
  }
}
