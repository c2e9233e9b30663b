/**
 * Redaction: what must never reach a log line or an error message. Two layers, because secrets
 * arrive two ways. Structured fields are masked by name (a field called token, SecretID,
 * password, PrivateKey... whatever its value); free text (messages, error texts, URLs, a whole
 * serialised line) is masked by shape (URL credentials, Authorization and X-Consul-Token
 * headers, `token=` pairs). The second pass runs on every finished log line, so a secret that
 * slipped into some unexpected field is still caught before the sink.
 */

export const REDACTED = '[redacted]'

/**
 * Field names that carry secrets in this app and in Consul's records: ACL tokens (SecretID,
 * token, X-Consul-Token), passwords, basic auth, Connect CA and TLS private keys, gossip keys,
 * cookies. `tokenFile` and similar paths are not secrets and stay readable.
 */
const SECRET_NAME =
  /^(?:.*(?:token|secret|secret[-_]?id|passw(?:or)?d|passphrase|authorization|cookie|credentials?|private[-_]?key|signing[-_]?key|encrypt(?:ion)?[-_]?key|key[-_]?pem|key[-_]?material|keyring)|encrypt|auth)$/i

/** A KV entry's `Key` is a name, not key material, so a bare "key" is not on the list. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name)
}

/**
 * `scheme://user:password@host` and `user:password@host`: the part before `@` goes. Only the
 * authority counts (no `/` before the `@`), so paths and e-mail-like text in a path survive.
 */
// Greedy up to the last `@` of the authority, as URL parsers read it: a password may hold an `@`.
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>]*@/gi
const BARE_CREDENTIALS = /(^|[\s"'(=,[])[^\s/?#@"'<>:(=,[]+:[^\s/?#"'<>]*@(?=[^\s@]*[a-z0-9\]])/gi

/** Masks credentials written into addresses; what error messages must do with any address they show. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1${REDACTED}@`).replace(BARE_CREDENTIALS, `$1${REDACTED}@`)
}

const HEADER_SECRET =
  /\b(authorization|proxy-authorization|x-consul-token|cookie|set-cookie)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic)\s+)?[^\s"',;}]+/gi
// `token=...`, `"SecretID":"..."`, `password: ...`: a secret-looking name, then = or :, then a value.
const PAIR_SECRET =
  /(["']?)([\w-]*(?:token|secret|passw(?:or)?d|passphrase|private[-_]?key)[\w-]*)\1(\s*[:=]\s*)(?!"?\[redacted\])("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"',;&}\]]+)/gi

/** Masks secrets recognisable by shape in free text. For log lines; error messages use redactUrlCredentials. */
export function redactText(text: string, home?: string): string {
  let out = redactUrlCredentials(text)
    .replace(HEADER_SECRET, (_all, name: string, separator: string) => `${name}${separator}${REDACTED}`)
    .replace(PAIR_SECRET, (all, quote: string, name: string, separator: string, value: string) =>
      isSecretName(name)
        ? `${quote}${name}${quote}${separator}${value.startsWith('"') ? `"${REDACTED}"` : REDACTED}`
        : all,
    )
  if (home !== undefined && home.length > 1) out = replaceHome(out, home)
  return out
}

/** The user's home folder becomes `~`: log files get shared in bug reports. */
function replaceHome(text: string, home: string): string {
  const forms = new Set([home, JSON.stringify(home).slice(1, -1)])
  let out = text
  for (const form of forms) out = out.split(form).join('~')
  return out
}

interface ErrorFields {
  type: string
  message: string
  code?: string
  details?: unknown
  stack?: string
}

/**
 * A copy of a value fit for a log: secret-named fields masked at any depth, errors reduced to
 * their type, code and (redacted) message, strings redacted by shape, cycles and depth bounded.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value !== 'object' || value === null) return value
  if (seen.has(value)) return '[circular]'
  if (depth > 8) return '[nested too deep]'
  seen.add(value)
  if (value instanceof Error) return redactError(value, depth, seen)
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`
  if (Array.isArray(value)) return value.slice(0, 100).map((item) => redactValue(item, depth + 1, seen))
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    out[key] =
      isSecretName(key) && field !== undefined && field !== null
        ? REDACTED
        : redactValue(field, depth + 1, seen)
  }
  return out
}

function redactError(error: Error, depth: number, seen: WeakSet<object>): ErrorFields {
  const withCode = error as Error & { code?: unknown; details?: unknown }
  const fields: ErrorFields = { type: error.name, message: redactText(error.message) }
  if (typeof withCode.code === 'string') fields.code = withCode.code
  if (withCode.details !== undefined) fields.details = redactValue(withCode.details, depth + 1, seen)
  // An AppError's message is the whole story; an unexpected error needs its stack to be fixed.
  if (error.name !== 'AppError' && error.stack !== undefined) fields.stack = redactText(error.stack)
  return fields
}
