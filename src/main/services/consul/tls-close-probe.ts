import type { ConsulEndpoint } from './consul-address'
import { loadTlsOptions } from './tls-options'
import type { TlsSettings } from '../../../shared/profile-types'

/**
 * With TLS 1.3 a server that rejects our client certificate (or its absence) does so after the
 * handshake, with an alert that undici reports only as "other side closed". When a TLS request
 * dies that way before any answer, we open one bare TLS socket with the same settings and
 * send a request, to read the alert's code and tell the operator the real reason.
 */
export async function probeTlsClose(
  endpoint: ConsulEndpoint,
  tls: TlsSettings,
  timeoutMs = 3000,
): Promise<string | null> {
  if (endpoint.kind !== 'tcp' || endpoint.scheme !== 'https') return null
  const options = await loadTlsOptions(tls)
  // Loaded here, for the rare failure it explains: node:tls costs every CLI start 10-15 ms, and
  // undici loads it itself only for an https address.
  const { connect } = await import('node:tls')
  return new Promise((resolve) => {
    let settled = false
    const finish = (code: string | null) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(code)
    }
    const socket = connect({
      ...options,
      host: endpoint.host,
      port: endpoint.port,
      servername: options.servername ?? (isIp(endpoint.host) ? undefined : endpoint.host),
    })
    const timer = setTimeout(() => finish(null), timeoutMs)
    socket.on('secureConnect', () =>
      socket.write(`GET /v1/status/leader HTTP/1.1\r\nHost: ${endpoint.host}\r\nConnection: close\r\n\r\n`),
    )
    socket.on('data', () => finish(null))
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? null))
    socket.on('close', () => finish(null))
  })
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':')
}
