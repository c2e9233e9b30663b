// The one place that decides what in a snapshot is secret (docs/snapshot-format.md §10) and how it is hidden.
// Every catalogue response that can carry a secret passes through `maskSecrets`; a caller sees a
// real value only when it asked for `reveal` in that same request.
//
// KV values are user data and may be secret too; the catalogue never puts them in listings or
// search results, and hands one out only when the operator opens that key (`kvGet`), which is
// the explicit, per-key reveal.
import type { JsonView, MaskedSecret } from './catalogue-types'

export const MASK_TEXT = '••••••••'

export const maskedSecret = (): MaskedSecret => ({ masked: true, text: MASK_TEXT })

export interface SecretRule {
  /** field path in the record's JSON view; '*' matches every key of a map or item of an array */
  path: readonly string[]
  /** the rule applies only to records for which this holds */
  when?: (record: { [key: string]: JsonView }) => boolean
}

/** Secret fields by state.bin message type (spec section 4 numbers). */
export const RECORD_SECRET_RULES: Readonly<Record<number, readonly SecretRule[]>> = {
  // Register: a health check's HTTP headers may carry credentials (Authorization…); the request
  // Token is always empty in snapshots but is an ACL secret by nature.
  0: [{ path: ['Check', 'Definition', 'Header', '*'] }, { path: ['Token'] }],
  // PreparedQuery: the token stored with the query.
  7: [{ path: ['Token'] }],
  // ConnectCA root: its signing key.
  13: [{ path: ['SigningKey'] }],
  // ConnectCAProviderState: the provider's private key.
  14: [{ path: ['PrivateKey'] }],
  // ConnectCAConfig: provider config holds private keys or a Vault token; keys stay visible.
  15: [{ path: ['Config', '*'] }],
  // ACLToken: the bearer secret itself.
  17: [{ path: ['SecretID'] }],
  // ACLAuthMethod: free-form config (OIDC client secrets, Kubernetes service-account JWTs…).
  27: [{ path: ['Config', '*'] }],
  // FederationState request token.
  30: [{ path: ['Token'] }],
  // SystemMetadata: the server management token.
  31: [{ path: ['Value'], when: (record) => record['Key'] === 'server-management-token' }],
  // PeeringSecret: the whole record is secret material.
  40: [{ path: [] }],
}

/** Secret fields inside a config entry (the `Entry` of a type-22 record), by kind. */
export const CONFIG_ENTRY_SECRET_RULES: Readonly<Record<string, readonly SecretRule[]>> = {
  'inline-certificate': [{ path: ['PrivateKey'] }],
}

const isObject = (v: JsonView | undefined): v is { [key: string]: JsonView } =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Nothing to hide in an absent or empty value; showing it as empty tells the operator so. */
const isEmpty = (v: JsonView | undefined): boolean => v === undefined || v === null || v === ''

function maskAt(node: JsonView, path: readonly string[], depth: number): JsonView {
  if (depth === path.length) return isEmpty(node) ? node : maskedSecret()
  const step = path[depth] as string
  if (Array.isArray(node)) {
    if (step !== '*') return node
    return node.map((item) => maskAt(item, path, depth + 1))
  }
  if (!isObject(node)) return node
  if (step === '*') {
    const out: { [key: string]: JsonView } = {}
    for (const [k, v] of Object.entries(node)) out[k] = maskAt(v, path, depth + 1)
    return out
  }
  if (!(step in node)) return node
  return { ...node, [step]: maskAt(node[step] as JsonView, path, depth + 1) }
}

/** The record with every secret replaced by a MaskedSecret, unless `reveal` is set. */
export function maskSecrets(
  record: JsonView,
  rules: readonly SecretRule[] | undefined,
  reveal: boolean,
): JsonView {
  if (reveal || rules === undefined || rules.length === 0) return record
  let out = record
  for (const rule of rules) {
    if (rule.when !== undefined && !(isObject(out) && rule.when(out))) continue
    out = maskAt(out, rule.path, 0)
  }
  return out
}

export const maskRecord = (type: number, record: JsonView, reveal: boolean): JsonView =>
  maskSecrets(record, RECORD_SECRET_RULES[type], reveal)

export const maskConfigEntry = (kind: string, entry: JsonView, reveal: boolean): JsonView =>
  maskSecrets(entry, CONFIG_ENTRY_SECRET_RULES[kind], reveal)

const isMaskedSecret = (v: JsonView): boolean =>
  isObject(v) && v['masked'] === true && v['text'] === MASK_TEXT && Object.keys(v).length === 2

/** Where a masked view holds MaskedSecrets, as field paths from its root. */
export function findMaskedPaths(view: JsonView, prefix: string[] = [], out: string[][] = []): string[][] {
  if (isMaskedSecret(view)) out.push(prefix)
  else if (Array.isArray(view)) view.forEach((item, i) => findMaskedPaths(item, [...prefix, String(i)], out))
  else if (isObject(view)) for (const [k, v] of Object.entries(view)) findMaskedPaths(v, [...prefix, k], out)
  return out
}
