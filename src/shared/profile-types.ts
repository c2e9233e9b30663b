/**
 * Connection profiles as the renderer sees them. Secrets (the ACL token, the basic-auth password)
 * never appear here once saved: the view only says whether one is set.
 */

/** The badge colours; styles/app.css has one `env-<colour>` class for each. */
export const environmentColours = [
  'red',
  'orange',
  'yellow',
  'green',
  'teal',
  'blue',
  'purple',
  'grey',
] as const

export type EnvironmentColour = (typeof environmentColours)[number]

/**
 * How much a profile lets anyone change its cluster. `read-only`: no restore of any kind (saves,
 * inspection and diffs only). `normal`: restores behind the typed confirmation. `protected`
 * (production): restores also need a second confirmation that names what will be lost, and the
 * safety snapshot cannot be turned off. Enforced in the main process, not only shown.
 */
export const protectionLevels = ['read-only', 'normal', 'protected'] as const

export type ProtectionLevel = (typeof protectionLevels)[number]

export interface EnvironmentLabel {
  /** Free text such as "production" or "staging". */
  label: string
  colour: EnvironmentColour
}

/** TLS settings, named after the Consul CLI's variables (CONSUL_CACERT, CONSUL_CAPATH, ...). */
export interface TlsSettings {
  /** CONSUL_CACERT / -ca-file: a PEM bundle of trusted CAs. */
  caFile?: string
  /** CONSUL_CAPATH / -ca-path: a directory of PEM CA certificates. */
  caPath?: string
  /** CONSUL_CLIENT_CERT / -client-cert. Needs clientKeyFile too. */
  clientCertFile?: string
  /** CONSUL_CLIENT_KEY / -client-key. Needs clientCertFile too. */
  clientKeyFile?: string
  /** CONSUL_TLS_SERVER_NAME / -tls-server-name: SNI and verification name (a `:port` suffix is dropped). */
  serverName?: string
  /** CONSUL_HTTP_SSL_VERIFY=false. Dangerous: anyone on the path can read the snapshot and the token. */
  insecureSkipVerify: boolean
}

/** Everything needed to reach a Consul agent apart from secrets. */
export interface ConnectionSettings {
  /**
   * CONSUL_HTTP_ADDR / -http-addr, as the Consul CLI accepts it: `host:port`, `http://host:port[/prefix]`,
   * `https://host:port[/prefix]` or `unix:///path/to.sock`.
   */
  address: string
  /** CONSUL_HTTP_SSL: use https for an address written without a scheme. */
  useTls: boolean
  /** -datacenter; empty means the agent's own datacenter. */
  datacenter?: string
  /** CONSUL_HTTP_TOKEN_FILE / -token-file: read at every connection, wins over a saved token. */
  tokenFile?: string
  /** CONSUL_HTTP_AUTH user part; the password is a secret. */
  basicAuthUser?: string
  tls: TlsSettings
}

/** What the renderer receives for a profile. */
export interface ProfileView {
  id: string
  name: string
  environment: EnvironmentLabel
  protection: ProtectionLevel
  /** A cluster kept for restore drills: a drill may replace its whole state (see ProfileInput). */
  scratchCluster: boolean
  connection: ConnectionSettings
  tokenSet: boolean
  basicAuthPasswordSet: boolean
  /** Where secrets live; `plain-file` means a 0600 file, not encrypted: show a warning. */
  secretStorage: 'encrypted' | 'plain-file'
  createdAt: string
  updatedAt: string
}

/** How an edit treats a secret: keep what is stored, replace it, or remove it. */
export type SecretChange = { kind: 'keep' } | { kind: 'set'; value: string } | { kind: 'clear' }

export interface ProfileInput {
  name: string
  environment: EnvironmentLabel
  /** Left out: `normal` for a new profile, unchanged for an edit (a form that does not show it never lowers it). */
  protection?: ProtectionLevel
  /**
   * Marks a throw-away cluster that restore drills may overwrite without asking. Only such a
   * profile can be a drill target, and it must be `normal`: a read-only or protected cluster is
   * by definition not one whose state may be thrown away. Left out: false for a new profile,
   * unchanged for an edit.
   */
  scratchCluster?: boolean
  connection: ConnectionSettings
  token?: SecretChange
  basicAuthPassword?: SecretChange
}

/** A profile read from the Consul CLI's environment variables, not yet saved. */
export interface EnvProfileDraft {
  input: ProfileInput
  /** Variables that were present and used, e.g. ["CONSUL_HTTP_ADDR", "CONSUL_HTTP_TOKEN"]. */
  usedVariables: string[]
  warnings: string[]
}

/** The profile file could not be read; it was kept aside and an empty list started. */
export interface ProfileStoreNotice {
  kind: 'corrupt-file-kept-aside'
  keptAsidePath: string
  reason: string
}
