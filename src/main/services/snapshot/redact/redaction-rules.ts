// What a redacted copy replaces, record type by record type. The secret list is the one the
// catalogue masks (catalogue/secret-fields.ts, docs/snapshot-format.md §10); here each secret gets
// a replacement that Consul still restores: secret IDs become fresh random UUIDs (tokens are
// indexed by SecretID, so they must stay unique and well formed), keys and tokens become empty.
import { randomUUID } from 'node:crypto'
import { MessageType } from '../message-types'
import { decodeMsgpackValue } from '../msgpack-decode'
import {
  applySplices,
  encodeGoString,
  findField,
  findStrings,
  mapFields,
  stringPayload,
  type Splice,
  type ValueSpan,
} from './msgpack-splice'

export const redactionKinds = [
  'acl-token-secret',
  'server-management-token',
  'prepared-query-token',
  'federation-state-token',
  'ca-signing-key',
  'ca-provider-private-key',
  'ca-config-secret',
  'auth-method-secret',
  'config-entry-private-key',
  'peering-secret',
  'private-key',
  'check-header',
  'kv-value',
] as const
export type RedactionKind = (typeof redactionKinds)[number]

export interface RedactionRuleOptions {
  /** KV keys under any of these prefixes get an empty value. */
  kvPrefixes: readonly string[]
}

export interface RecordRedaction {
  /** The record's value (without its type byte), changed or the very bytes given. */
  value: Buffer
  blanked: RedactionKind[]
}

// Record types with secrets (docs/snapshot-format.md §9).
const TYPE = {
  Register: MessageType.Register,
  KVS: MessageType.KVS,
  Tombstone: MessageType.Tombstone,
  PreparedQuery: 7,
  ConnectCA: 13,
  ConnectCAProviderState: 14,
  ConnectCAConfig: 15,
  ACLToken: 17,
  ConfigEntry: 22,
  ACLAuthMethod: 27,
  FederationState: 30,
  SystemMetadata: 31,
  PeeringSecret: 40,
} as const

const EMPTY = encodeGoString(new Uint8Array(0))
const PEM_PRIVATE_KEY = Buffer.from('PRIVATE KEY-----')
// Config map keys whose values are credentials (Vault/AWS CA providers, OIDC and JWT auth methods):
// `PrivateKeyType`/`PrivateKeyBits` are settings, not keys, and stay.
const SECRET_CONFIG_KEY = /(privatekey$|token|secret|password|credential|serviceaccountjwt)/i
// Consul's anonymous token has the well-known SecretID "anonymous": not a secret, and restore
// expects it.
const ANONYMOUS_SECRET = 'anonymous'

const nonEmptyString = (buf: Uint8Array, span: ValueSpan | null): span is ValueSpan => {
  if (span === null) return false
  const payload = stringPayload(buf, span.start)
  return payload !== null && payload.end > payload.start
}
const textAt = (buf: Uint8Array, span: ValueSpan): string => {
  const payload = stringPayload(buf, span.start)
  return payload === null ? '' : Buffer.from(buf.subarray(payload.start, payload.end)).toString('utf8')
}
const view = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
const startsLikeMap = (payload: Uint8Array): boolean => {
  const b = payload[0] ?? 0
  return (b >= 0x80 && b <= 0x8f) || b === 0xde || b === 0xdf
}
const freshUuid = (): Buffer => encodeGoString(Buffer.from(randomUUID()))

class SpliceList {
  readonly splices: Splice[] = []
  readonly blanked: RedactionKind[] = []
  add(span: ValueSpan, bytes: Uint8Array, kind: RedactionKind): void {
    if (this.splices.some((s) => s.start < span.end && span.start < s.end)) return
    this.splices.push({ ...span, bytes })
    this.blanked.push(kind)
  }
  /** Blanks the named top-level field when it holds a non-empty string. */
  blankField(buf: Uint8Array, name: string, kind: RedactionKind, bytes: Uint8Array = EMPTY): void {
    const span = findField(buf, 0, name)
    if (nonEmptyString(buf, span)) this.add(span, bytes, kind)
  }
  /** Blanks the credential-named string entries of a map field (a provider's or method's Config). */
  blankSecretConfig(buf: Uint8Array, name: string, kind: RedactionKind): void {
    const config = findField(buf, 0, name)
    if (config === null) return
    for (const entry of mapFields(buf, config.start))
      if (SECRET_CONFIG_KEY.test(entry.name) && nonEmptyString(buf, entry.value))
        this.add(entry.value, EMPTY, kind)
  }
  /**
   * HTTP checks send `Definition.Header` with every probe, and it often carries an Authorization
   * or API token: every header value is emptied (the names stay, so the check keeps its shape).
   */
  blankCheckHeaders(buf: Uint8Array): void {
    const check = findField(buf, 0, 'Check')
    const definition = check === null ? null : findField(buf, check.start, 'Definition')
    const header = definition === null ? null : findField(buf, definition.start, 'Header')
    if (header === null) return
    for (const entry of mapFields(buf, header.start))
      for (const span of findStrings(buf, entry.value.start, (payload) => payload.length > 0))
        this.add(span, EMPTY, 'check-header')
  }
  /** Blanks every string anywhere in the value that holds a PEM private key. */
  blankPemKeys(buf: Uint8Array, kind: RedactionKind): void {
    if (view(buf).indexOf(PEM_PRIVATE_KEY) < 0) return
    // A string that is itself msgpack (a self-marshalled config entry body) is not the key: its
    // whole body would go. Such nesting is left for the config entry path.
    const spans = findStrings(
      buf,
      0,
      (payload) => !startsLikeMap(payload) && view(payload).indexOf(PEM_PRIVATE_KEY) >= 0,
    )
    for (const span of spans) this.add(span, EMPTY, kind)
  }
}

const startsWithAny = (buf: Uint8Array, span: ValueSpan, prefixes: readonly string[]): boolean => {
  const key = textAt(buf, span)
  return prefixes.some((prefix) => key.startsWith(prefix))
}

/** Redacts one record's value; records without secrets come back as the same buffer. */
export function redactRecord(type: number, value: Buffer, options: RedactionRuleOptions): RecordRedaction {
  const list = new SpliceList()
  switch (type) {
    case TYPE.KVS: {
      if (options.kvPrefixes.length === 0) break
      const key = findField(value, 0, 'Key')
      if (key !== null && startsWithAny(value, key, options.kvPrefixes))
        list.blankField(value, 'Value', 'kv-value')
      // A KV value is the operator's data, never swept for keys unless its prefix was chosen.
      return finish(value, list)
    }
    case TYPE.Tombstone:
      return finish(value, list)
    case TYPE.ACLToken: {
      const secret = findField(value, 0, 'SecretID')
      if (nonEmptyString(value, secret) && textAt(value, secret) !== ANONYMOUS_SECRET)
        list.add(secret, freshUuid(), 'acl-token-secret')
      break
    }
    case TYPE.SystemMetadata: {
      const key = findField(value, 0, 'Key')
      if (key !== null && textAt(value, key) === 'server-management-token')
        list.blankField(value, 'Value', 'server-management-token', freshUuid())
      break
    }
    case TYPE.Register:
      list.blankCheckHeaders(value)
      break
    case TYPE.PreparedQuery:
      list.blankField(value, 'Token', 'prepared-query-token')
      break
    case TYPE.FederationState:
      list.blankField(value, 'Token', 'federation-state-token')
      break
    case TYPE.ConnectCA:
      list.blankField(value, 'SigningKey', 'ca-signing-key')
      break
    case TYPE.ConnectCAProviderState:
      list.blankField(value, 'PrivateKey', 'ca-provider-private-key')
      break
    case TYPE.ConnectCAConfig:
      list.blankSecretConfig(value, 'Config', 'ca-config-secret')
      list.blankSecretConfig(value, 'State', 'ca-config-secret')
      break
    case TYPE.ACLAuthMethod:
      list.blankSecretConfig(value, 'Config', 'auth-method-secret')
      break
    case TYPE.ConfigEntry:
      return redactConfigEntry(value)
    case TYPE.PeeringSecret:
      return redactPeeringSecret(value)
    default:
      break
  }
  list.blankPemKeys(value, 'private-key')
  return finish(value, list)
}

function finish(value: Buffer, list: SpliceList): RecordRedaction {
  return {
    value: list.splices.length === 0 ? value : applySplices(value, list.splices),
    blanked: list.blanked,
  }
}

/**
 * A config entry is a raw string holding the kind and then the request map (docs/snapshot-format.md
 * §8): the edit is made inside that string, which is then written again with its new length.
 */
function redactConfigEntry(value: Buffer): RecordRedaction {
  const outer = stringPayload(value, 0)
  if (outer === null) return { value, blanked: [] }
  const inner = value.subarray(outer.start, outer.end)
  const kindEnd = decodeMsgpackValue(inner, 0).end
  const request = inner.subarray(kindEnd)
  const list = new SpliceList()
  const entry = findField(request, 0, 'Entry')
  if (entry !== null) {
    for (const field of mapFields(request, entry.start))
      if (field.name === 'PrivateKey' && nonEmptyString(request, field.value))
        list.add(field.value, EMPTY, 'config-entry-private-key')
  }
  list.blankField(request, 'Token', 'config-entry-private-key')
  list.blankPemKeys(request, 'config-entry-private-key')
  if (list.splices.length === 0) return { value, blanked: [] }
  const rebuilt = Buffer.concat([inner.subarray(0, kindEnd), applySplices(request, list.splices)])
  return {
    value: encodeGoString(rebuilt),
    blanked: list.blanked,
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

/**
 * Peering secrets are protobuf in a raw string (docs/snapshot-format.md §8): the peer's ID (field
 * 1), then the establishment and stream secrets, all UUIDs. Each secret UUID becomes a fresh one of
 * the same length, so every protobuf length stays right; the peer ID that ties it to its peering
 * stays.
 */
function redactPeeringSecret(value: Buffer): RecordRedaction {
  const outer = stringPayload(value, 0)
  if (outer === null) return { value, blanked: [] }
  const proto = Buffer.from(value.subarray(outer.start, outer.end))
  let from = 0
  if (proto[0] === 0x0a && proto.length > 1) from = 2 + (proto[1] as number)
  const text = proto.toString('latin1', from)
  const blanked: RedactionKind[] = []
  const replaced = text.replace(UUID, () => {
    blanked.push('peering-secret')
    return randomUUID()
  })
  if (blanked.length === 0) return { value, blanked }
  proto.write(replaced, from, 'latin1')
  const out = Buffer.from(value)
  proto.copy(out, outer.start)
  return { value: out, blanked }
}
