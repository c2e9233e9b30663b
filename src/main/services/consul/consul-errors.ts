import { AppError } from '../../../shared/app-error'
import { redactUrlCredentials } from '../../logging/redact'

/** What the failing request was doing, so hints can name the permission it needs. */
export type ConsulOperation = 'read' | 'kv-write' | 'snapshot-save' | 'snapshot-restore'

export type TlsFailureReason =
  'unknown-ca' | 'hostname-mismatch' | 'expired' | 'client-cert-required' | 'not-tls' | 'other'

const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
])
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'])
const CLIENT_CERT = new Set([
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
])
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'EPROTO'])

interface ErrorLike {
  name?: string
  code?: string
  message?: string
  reason?: string
  cause?: unknown
  errors?: unknown[]
}

/** Every error in a cause chain (undici wraps socket errors, AggregateError wraps dial attempts). */
function chain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = []
  const queue: unknown[] = [error]
  while (queue.length > 0 && out.length < 16) {
    const next = queue.shift()
    if (typeof next !== 'object' || next === null) continue
    const item = next as ErrorLike
    out.push(item)
    if (item.cause !== undefined) queue.push(item.cause)
    if (Array.isArray(item.errors)) queue.push(...item.errors)
  }
  return out
}

/**
 * Turns a transport failure (undici, net, tls) into an AppError that says what to do.
 * `where` names the endpoint, never credentials.
 */
export function mapTransportError(error: unknown, where: string): AppError {
  if (error instanceof AppError) return error
  const errors = chain(error)
  const codes = errors.map((e) => e.code).filter((c): c is string => typeof c === 'string')
  const has = (set: Set<string> | string[]) =>
    codes.some((c) => (Array.isArray(set) ? set.includes(c) : set.has(c)))
  const first = errors[0]
  // Socket and proxy errors may quote the URL they dialled; credentials in it never go further.
  const detail = redactUrlCredentials(
    errors.map((e) => e.message).find((m) => typeof m === 'string' && m !== '') ?? String(error),
  )

  if (errors.some((e) => e.name === 'AbortError') || has(['ABORT_ERR', 'UND_ERR_ABORTED'])) {
    return new AppError('CANCELLED', 'The operation was cancelled.', { cause: error })
  }
  if (has(UNKNOWN_CA)) return tlsError('unknown-ca', where, detail, error)
  if (has(['ERR_TLS_CERT_ALTNAME_INVALID'])) return tlsError('hostname-mismatch', where, detail, error)
  if (has(EXPIRED)) return tlsError('expired', where, detail, error)
  if (has(CLIENT_CERT) || /certificate required|bad certificate|alert handshake failure/i.test(detail)) {
    return tlsError('client-cert-required', where, detail, error)
  }
  if (has(NOT_TLS) || /wrong version number/i.test(detail)) return tlsError('not-tls', where, detail, error)
  if (codes.some((c) => c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_')))
    return tlsError('other', where, detail, error)
  if (has(['ECONNREFUSED'])) {
    return new AppError('CONSUL_REFUSED', `Nothing accepts connections at ${where}.`, {
      hint: 'Check the address and port (the HTTP API is 8500, HTTPS usually 8501) and that the Consul agent is running.',
      details: { endpoint: where },
      cause: error,
    })
  }
  if (has(['UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT'])) {
    return new AppError('CONSUL_TIMEOUT', `Connecting to ${where} timed out.`, {
      hint: 'The host did not answer: check the address, VPN and firewall rules.',
      details: { endpoint: where, stage: 'connect' },
      cause: error,
    })
  }
  if (has(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])) {
    return new AppError('CONSUL_TIMEOUT', `Consul at ${where} stopped answering.`, {
      hint: 'The agent accepted the connection but did not reply in time; check its health and load, then retry.',
      details: { endpoint: where, stage: 'response' },
      cause: error,
    })
  }
  if (has(['ENOTFOUND', 'EAI_AGAIN'])) {
    return new AppError('CONSUL_UNREACHABLE', `The host name in ${where} could not be resolved.`, {
      hint: 'Check the spelling of the address and your DNS or VPN.',
      details: { endpoint: where },
      cause: error,
    })
  }
  if (has(['ENOENT', 'EACCES']) && where.startsWith('unix://')) {
    return new AppError(
      'CONSUL_UNREACHABLE',
      `The socket ${where} cannot be opened (${codes.find((c) => c === 'ENOENT' || c === 'EACCES')}).`,
      {
        hint: 'Check that the agent listens on this unix socket and that this user may open it.',
        details: { endpoint: where },
        cause: error,
      },
    )
  }
  if (
    has([
      'ECONNRESET',
      'EPIPE',
      'UND_ERR_SOCKET',
      'UND_ERR_CLOSED',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'EHOSTDOWN',
    ])
  ) {
    return new AppError('CONSUL_UNREACHABLE', `The connection to ${where} broke (${detail}).`, {
      hint: 'The agent closed the connection or became unreachable (stopped, restarted, or a network/proxy problem). Nothing was kept; retry when it is back.',
      details: { endpoint: where },
      cause: error,
    })
  }
  return new AppError('CONSUL_UNREACHABLE', `Consul at ${where} could not be reached: ${detail}.`, {
    hint: 'Check the address, the network and the TLS settings of the connection.',
    details: { endpoint: where, ...(first?.code ? { code: first.code } : {}) },
    cause: error,
  })
}

function tlsError(reason: TlsFailureReason, where: string, detail: string, cause: unknown): AppError {
  const text: Record<TlsFailureReason, [string, string]> = {
    'unknown-ca': [
      `The TLS certificate of ${where} is signed by a CA this connection does not trust.`,
      'Set the CA file (-ca-file / CONSUL_CACERT) or CA directory to the CA that signed the Consul servers\u2019 certificates.',
    ],
    'hostname-mismatch': [
      `The TLS certificate of ${where} is not valid for this host name.`,
      'Set the TLS server name (-tls-server-name / CONSUL_TLS_SERVER_NAME) to a name in the certificate, e.g. server.<datacenter>.consul for certificates from `consul tls cert create -server`.',
    ],
    expired: [
      `The TLS certificate of ${where} has expired or is not valid yet.`,
      'Renew the agent\u2019s certificate, or check this computer\u2019s clock.',
    ],
    'client-cert-required': [
      `${where} requires a client certificate that it accepts.`,
      'The agent verifies incoming connections (verify_incoming): set a client certificate and key signed by the cluster\u2019s CA.',
    ],
    'not-tls': [
      `${where} does not speak TLS on this port.`,
      'Use http:// for this port, or the agent\u2019s HTTPS port (usually 8501) for https://.',
    ],
    other: [
      `The TLS handshake with ${where} failed: ${detail}.`,
      'Check the TLS settings of the connection (CA, client certificate, server name).',
    ],
  }
  const [message, hint] = text[reason]
  return new AppError('CONSUL_TLS', message, { hint, details: { endpoint: where, reason, detail }, cause })
}

/**
 * Consul's HTTP API answers errors in plain text and never serves a web page under /v1/ (its UI
 * lives under /ui/). A page, or a 404 for an endpoint every agent has, means the address points
 * at some other web server (a dashboard, a proxy's default site, the wrong port).
 */
export function looksLikeWebPage(body: string, contentType: string | undefined): boolean {
  if (contentType !== undefined && /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType))
    return true
  return /^\s*(<!doctype html|<html|<head|<body|<\?xml)/i.test(body)
}

/** The answer came from a web server that is not a Consul agent: say so, and never echo its page. */
export function notConsulError(where: string, status: number, path: string): AppError {
  return new AppError(
    'CONSUL_HTTP',
    `${where} does not look like a Consul HTTP API: it answered ${path} with HTTP ${status} and a web page, not a Consul reply.`,
    {
      hint: 'Check the address and port: a Consul agent serves its HTTP API on port 8500 (HTTPS usually on 8501) unless its `ports` setting says otherwise, e.g. http://127.0.0.1:8500.',
      details: { endpoint: where, status, path, reason: 'not-consul' },
    },
  )
}

/** Maps a non-2xx answer of the Consul HTTP API (docs/consul-api.md §2-§4) to an AppError. */
export function mapHttpError(
  status: number,
  body: string,
  where: string,
  operation: ConsulOperation,
  answer: { contentType?: string; path?: string } = {},
): AppError {
  const path = answer.path ?? 'the request'
  // Every endpoint this app calls exists on any agent, so a 404 is never Consul's own answer.
  if (looksLikeWebPage(body, answer.contentType) || status === 404) return notConsulError(where, status, path)
  const text = body.trim().slice(0, 500)
  const details = { endpoint: where, status, body: text }
  if (status === 403 || status === 401) {
    if (/ACL not found/i.test(text)) {
      return new AppError('CONSUL_ACL_DENIED', `Consul at ${where} does not know this ACL token.`, {
        hint: 'The token was deleted or mistyped, or belongs to another cluster: set a valid token on the connection.',
        details,
      })
    }
    if (status === 401 && !/acl/i.test(text)) {
      return new AppError('CONSUL_ACL_DENIED', `${where} asked for credentials (HTTP 401).`, {
        hint: 'A proxy in front of Consul wants HTTP basic auth: set the user and password on the connection (CONSUL_HTTP_AUTH).',
        details,
      })
    }
    const hint =
      operation === 'read'
        ? 'The token lacks a permission this read needs; use a token with the right policy.'
        : operation === 'kv-write'
          ? 'Writing keys needs a token whose policy grants key_prefix (or key) "write" on them.'
          : 'Snapshots need a token whose policy grants acl = "write" (a management token has it).'
    return new AppError(
      'CONSUL_ACL_DENIED',
      `Consul at ${where} denied the request: ${text || 'Permission denied'}.`,
      { hint, details },
    )
  }
  if (status === 429) {
    return new AppError('CONSUL_RATE_LIMITED', `Consul at ${where} is rate limiting requests (HTTP 429).`, {
      hint: 'Wait a little and retry; if it persists, raise the agent\u2019s http/rpc rate limits or use a less busy agent.',
      details,
    })
  }
  if (/no cluster leader/i.test(text)) {
    return new AppError('CONSUL_NO_LEADER', `The cluster behind ${where} has no leader.`, {
      hint:
        operation === 'snapshot-save'
          ? 'Wait for an election, or save in stale mode (-stale), which lets any server answer from its own, possibly slightly old, state.'
          : 'Wait until the servers elect a leader; check `consul operator raft list-peers` and the servers\u2019 logs.',
      details,
    })
  }
  if (/no path to datacenter/i.test(text)) {
    return new AppError('CONSUL_HTTP', `Consul at ${where} knows no datacenter by that name.`, {
      hint: 'Check the datacenter setting (-datacenter); leave it empty to use the agent\u2019s own datacenter.',
      details,
    })
  }
  if (status === 400 && /HTTP request to an HTTPS server/i.test(text)) {
    return new AppError('CONSUL_TLS', `${where} expects HTTPS.`, {
      hint: 'Use https:// in the address (or CONSUL_HTTP_SSL=true) and set the CA.',
      details: { ...details, reason: 'not-tls' },
    })
  }
  const what =
    operation === 'snapshot-restore'
      ? 'refused the snapshot'
      : operation === 'snapshot-save'
        ? 'could not produce a snapshot'
        : 'answered with an error'
  return new AppError(
    'CONSUL_HTTP',
    `Consul at ${where} ${what}: Unexpected response code: ${status} (${text}).`,
    {
      hint:
        operation === 'snapshot-restore'
          ? 'Nothing was restored. Read Consul\u2019s message above; the servers\u2019 logs hold the details.'
          : 'Read Consul\u2019s message above; the agent\u2019s logs hold the details.',
      details,
    },
  )
}
