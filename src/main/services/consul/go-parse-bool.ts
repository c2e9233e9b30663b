/**
 * Go's strconv.ParseBool, which the Consul CLI uses for CONSUL_HTTP_SSL and
 * CONSUL_HTTP_SSL_VERIFY: exactly these spellings, anything else is an error.
 */
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True'])
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False'])

export function goParseBool(value: string): boolean | undefined {
  if (TRUE.has(value)) return true
  if (FALSE.has(value)) return false
  return undefined
}
