import { createPrivateKey, X509Certificate } from 'node:crypto'
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
    options.cert = certificatesOnly(
      await readPem(tls.clientCertFile, 'client certificate'),
      tls.clientCertFile,
      'client certificate',
    )
    options.key = privateKeyOnly(await readPem(tls.clientKeyFile, 'client key'), tls.clientKeyFile)
  }
  const cas: string[] = []
  if (tls.caFile) cas.push(certificatesOnly(await readPem(tls.caFile, 'CA file'), tls.caFile, 'CA file'))
  if (tls.caPath) cas.push(...(await readCaDirectory(tls.caPath)))
  if (cas.length > 0) options.ca = cas
  return options
}

const pemCertificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

function notPem(path: string, what: string): AppError {
  // The file's content is never quoted: a path set from a page must not become a way to read it.
  return new AppError('INVALID_ARGUMENT', `The ${what} ${path} is not a PEM file of that kind.`, {
    hint: 'Point the setting at a PEM file (-----BEGIN CERTIFICATE----- or a private key).',
  })
}

/**
 * Only the certificates of a PEM file, each parsed before use: whatever else the file holds is
 * dropped, and a file with none is refused. A client certificate is sent to the server, so an
 * arbitrary file named as one must never go out (docs/threat-model.md, "Browser mode").
 */
function certificatesOnly(text: string, path: string, what: string): string {
  const blocks = text.match(pemCertificate) ?? []
  try {
    for (const block of blocks) new X509Certificate(block)
  } catch {
    throw notPem(path, what)
  }
  if (blocks.length === 0) throw notPem(path, what)
  return blocks.join('\n') + '\n'
}

function privateKeyOnly(text: string, path: string): string {
  try {
    createPrivateKey(text)
  } catch {
    throw notPem(path, 'client key')
  }
  return text
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
    if (!text.includes('-----BEGIN CERTIFICATE-----')) continue
    try {
      certificates.push(certificatesOnly(text, join(dir, name), 'CA certificate'))
    } catch {
      continue // not a certificate after all
    }
  }
  if (certificates.length === 0) {
    throw new AppError('INVALID_ARGUMENT', `The CA directory ${dir} holds no PEM certificates.`, {
      hint: 'Point -ca-path at a directory of PEM files, or use -ca-file for a single bundle.',
    })
  }
  return certificates
}
