import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ConnectionOptions } from 'node:tls'
import { AppError } from '../../../shared/app-error'
import type { TlsSettings } from '../../../shared/profile-types'
import { stripServerNamePort } from './consul-address'

/**
 * Node TLS options equivalent to the Consul api client's SetupTLSConfig: a CA file and/or a
 * directory of CA certificates replace the system roots, a client certificate needs its key,
 * and the server name loses a `:port` suffix.
 */
export async function loadTlsOptions(tls: TlsSettings): Promise<ConnectionOptions> {
  const options: ConnectionOptions = { rejectUnauthorized: !tls.insecureSkipVerify }
  if (tls.serverName) options.servername = stripServerNamePort(tls.serverName)
  const hasCert = Boolean(tls.clientCertFile)
  const hasKey = Boolean(tls.clientKeyFile)
  if (hasCert !== hasKey) {
    throw new AppError(
      'INVALID_ARGUMENT',
      'A client certificate needs its key, and a key needs its certificate.',
      {
        hint: 'Set both -client-cert and -client-key (CONSUL_CLIENT_CERT and CONSUL_CLIENT_KEY), or neither.',
      },
    )
  }
  if (tls.clientCertFile && tls.clientKeyFile) {
    options.cert = await readPem(tls.clientCertFile, 'client certificate')
    options.key = await readPem(tls.clientKeyFile, 'client key')
  }
  const cas: string[] = []
  if (tls.caFile) cas.push(await readPem(tls.caFile, 'CA file'))
  if (tls.caPath) cas.push(...(await readCaDirectory(tls.caPath)))
  if (cas.length > 0) options.ca = cas
  return options
}

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new AppError(
      code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
      `The ${what} ${path} could not be read (${code ?? 'error'}).`,
      {
        hint: 'Check the path in the connection settings and that this user may read it.',
        cause: error,
      },
    )
  }
}

async function readCaDirectory(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = (await readdir(dir)).sort()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new AppError(
      code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
      `The CA directory ${dir} could not be read (${code ?? 'error'}).`,
      {
        hint: 'Check the -ca-path / CONSUL_CAPATH setting.',
        cause: error,
      },
    )
  }
  const certificates: string[] = []
  for (const name of names) {
    let text: string
    try {
      text = await readFile(join(dir, name), 'utf8')
    } catch {
      continue // sub-directories and unreadable entries are not certificates
    }
    if (text.includes('-----BEGIN CERTIFICATE-----')) certificates.push(text)
  }
  if (certificates.length === 0) {
    throw new AppError('INVALID_ARGUMENT', `The CA directory ${dir} holds no PEM certificates.`, {
      hint: 'Point -ca-path at a directory of PEM files, or use -ca-file for a single bundle.',
    })
  }
  return certificates
}
