import { readFile, readdir } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { z } from 'zod'
import { AppError } from '../../../shared/app-error'
import type { ConsulConnection } from '../consul/consul-connection'
import { readConsulEnvironment } from '../consul/consul-environment'
import { validateFileNameTemplate } from '../consul/snapshot-file-name'
import {
  destinationEncryptionSection,
  encryptionSection,
  resolveAgentEncryption,
  resolveDestinationEncryption,
  type AgentEncryption,
  type DestinationEncryptionSection,
} from './agent-encryption'
import {
  drillSection,
  resolveAgentChecks,
  verifySection,
  type AgentChecksConfig,
} from './agent-checks-config'
import { parseGoDuration } from './go-duration'
import type { RetentionPolicy } from './retention'
import { parseSchedule, type Schedule } from './schedule'
import type { DestinationConfig, LocalDestinationConfig } from './destination-config'
import {
  isAwsStorageConfigured,
  resolveS3DestinationConfig,
  type AwsStorageSection,
} from './s3-destination-config'
import {
  isAzureBlobStorageConfigured,
  isGoogleStorageConfigured,
  resolveAzureBlobDestinationConfig,
  resolveGcsDestinationConfig,
  type AzureBlobStorageSection,
  type GoogleStorageSection,
} from './cloud-destination-config'

export type { DestinationConfig, LocalDestinationConfig } from './destination-config'

/**
 * The snapshot agent's configuration, read once from the Enterprise agent's JSON files, its
 * flags and the CONSUL_HTTP_* environment, and handed downstream as one typed value. Nothing
 * after `loadAgentConfig` looks at files, flags or the environment again.
 *
 * Precedence (documented in docs/agent.md): flags > config files (later files win) >
 * CONSUL_HTTP_* environment > defaults.
 */

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error'

export interface AgentConfig {
  /** Files that held a `snapshot_agent` object, in the order they were applied. */
  sources: string[]
  /** The Consul agent to talk to; `name` is the cluster label used by `{profile}` in templates. */
  connection: ConsulConnection
  /** An explicit datacenter (`?dc=`), or null for the agent's own. */
  datacenter: string | null
  log: { level: LogLevel; json: boolean }
  /** `interval` = 0 or `-once`: one cycle, no lock, no registration. */
  once: boolean
  /** The Enterprise `interval` in ms (0 = one-shot); still set when a cron schedule replaces it. */
  intervalMs: number
  schedule: Schedule
  stale: boolean
  service: string
  /** 0 = never deregister. */
  deregisterAfterMs: number
  lockKey: string
  maxFailures: number
  /** An explicit scratch folder; null: the first local destination (no copy), else the OS temp folder. */
  scratchPath: string | null
  /** `null`: the Enterprise name `consul-<unix ns>.snap`. */
  nameTemplate: string | null
  retention: RetentionPolicy
  leadership: { sessionTtlMs: number; lockDelayMs: number }
  /** Where snapshots go, in config order; a remote store in the single-store keys replaces local storage. */
  destinations: DestinationConfig[]
  /** The run journal (JSON lines); null keeps no journal file. */
  journalPath: string | null
  /** Client-side age encryption of every backup; null stores plain `.snap` files. */
  encryption: AgentEncryption | null
  /** The scheduled integrity re-check and restore drill (ours). */
  checks: AgentChecksConfig
}

/** Flag values as the CLI parsed them; only flags given on the command line are set. */
export interface AgentFlags {
  configFiles?: string[]
  configDirs?: string[]
  httpAddr?: string
  token?: string
  tokenFile?: string
  datacenter?: string
  caFile?: string
  caPath?: string
  clientCert?: string
  clientKey?: string
  tlsServerName?: string
  logLevel?: string
  logJson?: boolean
  interval?: string
  retain?: number
  stale?: boolean
  service?: string
  deregisterAfter?: string
  lockKey?: string
  maxFailures?: number
  localScratchPath?: string
  localPath?: string
  schedule?: string
  timeZone?: string
  jitter?: string
  once?: boolean
  /** `-aws-*` flags, under the file's key names (`-aws-s3-bucket` → `s3_bucket`). */
  awsStorage?: AwsStorageSection
  /** `-azure-blob-*` flags, under the file's key names (`-azure-blob-container-name` → `container_name`). */
  azureBlobStorage?: AzureBlobStorageSection
  /** `-gcs-*` flags, under the file's key names (`-gcs-bucket` → `bucket`). */
  googleStorage?: GoogleStorageSection
  encryptRecipients?: string[]
  verifyInterval?: string
  drillInterval?: string
  drillConsul?: string
}

export const AGENT_DEFAULTS = {
  httpAddr: '127.0.0.1:8500',
  interval: '1h',
  retain: 30,
  service: 'consul-snapshot',
  deregisterAfter: '72h',
  lockKey: 'consul-snapshot/lock',
  maxFailures: 3,
  localPath: '.',
  logLevel: 'info' as LogLevel,
  sessionTtl: '15s',
  lockDelay: '15s',
  cluster: 'consul',
}

// --- the file format ----------------------------------------------------------------------

// Go zero values: the documented example writes "" for everything unset, so "" means unset.
const text = z.string()
const count = z.number().int().nonnegative()
const duration = z.union([z.string(), z.literal(0)])
const flag = z.boolean()

const awsStorage = z.strictObject({
  access_key_id: text,
  secret_access_key: text,
  session_token: text,
  iam_endpoint: text,
  role_arn: text,
  role_session_name: text,
  web_identity_token_file: text,
  sts_endpoint: text,
  s3_region: text,
  s3_bucket: text,
  s3_key_prefix: text,
  s3_endpoint: text,
  s3_server_side_encryption: flag,
  s3_enable_kms: flag,
  s3_kms_key: text,
  s3_static_snapshot_name: text,
  s3_force_path_style: flag,
  /** Ours: extra CA certificates for a self-signed endpoint. */
  s3_ca_file: text,
})
const azureStorage = z.strictObject({
  account_name: text,
  account_key: text,
  container_name: text,
  environment: text,
  service_principal_id: text,
  service_principal_secret: text,
  tenant_id: text,
  // ours: the other ways Azure signs in, emulators and private endpoints, a blob prefix
  sas_token: text,
  connection_string: text,
  endpoint: text,
  prefix: text,
})
const googleStorage = z.strictObject({
  bucket: text,
  // ours: a key file instead of Application Default Credentials, emulators, an object prefix
  prefix: text,
  credentials_file: text,
  endpoint: text,
  project_id: text,
})
const localStorage = z.strictObject({ path: text })

const agentSection = z
  .strictObject({
    http_addr: text,
    token: text,
    /** Ours: the Enterprise agent takes a token file only as a flag or CONSUL_HTTP_TOKEN_FILE. */
    token_file: text,
    datacenter: text,
    ca_file: text,
    ca_path: text,
    cert_file: text,
    key_file: text,
    tls_server_name: text,
    license_path: text,
    login: z
      .strictObject({
        auth_method: text,
        bearer_token: text,
        bearer_token_file: text,
        meta: z.record(z.string(), z.string()),
      })
      .partial(),
    log: z.strictObject({ level: text, enable_syslog: flag, syslog_facility: text, json: flag }).partial(),
    snapshot: z
      .strictObject({
        interval: duration,
        retain: count,
        stale: flag,
        service: text,
        deregister_after: duration,
        lock_key: text,
        max_failures: count,
        local_scratch_path: text,
        // our additions
        schedule: text,
        time_zone: text,
        jitter: duration,
        name_template: text,
        cluster: text,
      })
      .partial(),
    retention: z
      .strictObject({
        max_age: duration,
        hourly: count,
        daily: count,
        weekly: count,
        monthly: count,
        yearly: count,
        time_zone: text,
      })
      .partial(),
    leadership: z.strictObject({ session_ttl: duration, lock_delay: duration }).partial(),
    run_journal: z.strictObject({ path: text }).partial(),
    encryption: encryptionSection,
    verify: verifySection,
    drill: drillSection,
    local_storage: localStorage.partial(),
    aws_storage: awsStorage.partial(),
    azure_blob_storage: azureStorage.partial(),
    google_storage: googleStorage.partial(),
    // Ours in each entry: `encryption` with the destination's own recipients.
    backup_destinations: z
      .strictObject({
        local_storage: z.array(
          localStorage.partial().extend({ encryption: destinationEncryptionSection.optional() }),
        ),
        aws_storage: z.array(
          awsStorage.partial().extend({ encryption: destinationEncryptionSection.optional() }),
        ),
        azure_blob_storage: z.array(
          azureStorage.partial().extend({ encryption: destinationEncryptionSection.optional() }),
        ),
        google_storage: z.array(
          googleStorage.partial().extend({ encryption: destinationEncryptionSection.optional() }),
        ),
      })
      .partial(),
  })
  .partial()

type AgentSection = z.infer<typeof agentSection>

export class AgentConfigError extends AppError {
  constructor(where: string, key: string, why: string, hint?: string) {
    super('INVALID_ARGUMENT', `${where}: ${key}: ${why}`, {
      hint: hint ?? 'See docs/agent.md for the configuration keys.',
      details: { file: where, key },
    })
  }
}

// --- loading --------------------------------------------------------------------------------

export interface LoadAgentConfigInput {
  flags: AgentFlags
  env: Record<string, string | undefined>
  cwd: string
}

/** Reads every config file, validates each against the schema, merges them, applies precedence. */
export async function loadAgentConfig(input: LoadAgentConfigInput): Promise<AgentConfig> {
  const { flags, env, cwd } = input
  const files = await listConfigFiles(flags, cwd)
  const sections: { file: string; section: AgentSection }[] = []
  for (const file of files) {
    const section = await readAgentSection(
      file,
      (flags.configFiles ?? []).map((f) => resolve(cwd, f)),
    )
    if (section) sections.push({ file, section })
  }
  if (files.length > 0 && sections.length === 0) {
    throw new AgentConfigError(
      files.map((f) => basename(f)).join(', '),
      'snapshot_agent',
      'no config file has a top-level "snapshot_agent" object',
      'Put the agent settings under {"snapshot_agent": {...}} as the Enterprise snapshot agent expects.',
    )
  }
  const merged = sections.reduce<Record<string, unknown>>(
    (acc, { section }) => deepMerge(acc, section as Record<string, unknown>),
    {},
  )
  // Which file a key came from, for errors found after merging (bad durations, unsupported stores).
  const origin = (path: string[]): string => {
    for (let i = sections.length - 1; i >= 0; i--) {
      if (hasPath(sections[i]!.section, path)) return basename(sections[i]!.file)
    }
    return 'flags'
  }
  const file = merged as AgentSection
  const resolved = resolveConfig(file, { flags, env, cwd, origin, sources: sections.map((s) => s.file) })
  return {
    ...resolved,
    destinations: await withDestinationEncryption(resolved.destinations, file, cwd, origin),
    encryption: await resolveAgentEncryption(file.encryption, flags.encryptRecipients, { cwd, origin }),
  }
}

/**
 * Each `backup_destinations` entry's own recipients, checked like the agent-wide ones before any
 * store is contacted. destinationsOf lists the entries in this same order (local, S3, Azure, GCS).
 */
async function withDestinationEncryption(
  destinations: DestinationConfig[],
  file: AgentSection,
  cwd: string,
  origin: (path: string[]) => string,
): Promise<DestinationConfig[]> {
  const listed = file.backup_destinations
  if (listed === undefined) return destinations
  const stores = ['local_storage', 'aws_storage', 'azure_blob_storage', 'google_storage'] as const
  const sections: { path: string; encryption: DestinationEncryptionSection | undefined }[] = []
  for (const store of stores)
    (listed[store] ?? []).forEach((entry, index) =>
      sections.push({ path: `backup_destinations.${store}[${index}]`, encryption: entry.encryption }),
    )
  const out: DestinationConfig[] = []
  for (const [index, destination] of destinations.entries()) {
    const section = sections[index]
    const encryption =
      section === undefined
        ? null
        : await resolveDestinationEncryption(section.encryption, section.path, {
            cwd,
            where: origin(['backup_destinations']),
          })
    out.push(encryption === null ? destination : { ...destination, encryption })
  }
  return out
}

async function listConfigFiles(flags: AgentFlags, cwd: string): Promise<string[]> {
  const files: string[] = []
  for (const file of flags.configFiles ?? []) {
    const path = resolve(cwd, file)
    if (!path.endsWith('.json'))
      throw new AgentConfigError(
        basename(path),
        '-config-file',
        'config files must end in .json',
        'Rename the file or pass its folder with -config-dir.',
      )
    files.push(path)
  }
  for (const dir of flags.configDirs ?? []) {
    const path = resolve(cwd, dir)
    let entries
    try {
      entries = await readdir(path, { withFileTypes: true })
    } catch (error) {
      throw new AgentConfigError(
        dir,
        '-config-dir',
        `the folder cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        'Check the path and its permissions.',
      )
    }
    // As the Enterprise agent: *.json only, alphabetical, not recursive.
    const names = entries
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.json'))
      .map((e) => e.name)
      .sort()
    files.push(...names.map((name) => join(path, name)))
  }
  return files
}

async function readAgentSection(file: string, explicit: string[]): Promise<AgentSection | null> {
  const where = basename(file)
  let raw: string
  try {
    raw = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    throw new AgentConfigError(
      explicit.includes(file) ? file : where,
      '-config-file',
      `the file cannot be read (${code})`,
      'Check the path and its permissions.',
    )
  }
  let document: unknown
  try {
    document = JSON.parse(withoutTrailingCommas(raw))
  } catch (error) {
    throw new AgentConfigError(
      where,
      '(file)',
      `not valid JSON: ${(error as Error).message}`,
      'Fix the JSON syntax.',
    )
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw new AgentConfigError(
      where,
      '(file)',
      'the top level is not a JSON object',
      'Write {"snapshot_agent": {...}}.',
    )
  // Other top-level keys belong to a Consul agent sharing the folder: ignored, as the Enterprise agent does.
  if (!Object.hasOwn(document, 'snapshot_agent')) return null
  const section = (document as Record<string, unknown>).snapshot_agent
  const parsed = agentSection.safeParse(section)
  if (!parsed.success) throw issueError(where, parsed.error.issues[0])
  return parsed.data
}

function issueError(where: string, issue: z.core.$ZodIssue | undefined): AgentConfigError {
  if (issue === undefined) return new AgentConfigError(where, 'snapshot_agent', 'is not valid')
  const path = ['snapshot_agent', ...issue.path.map(String)]
  if (issue.code === 'unrecognized_keys') {
    const key = [...path, issue.keys[0] ?? '?'].join('.')
    return new AgentConfigError(
      where,
      key,
      'unknown key',
      'Check the spelling against docs/agent.md; unknown keys are refused so that a typo is not silently ignored.',
    )
  }
  const key = path.join('.')
  if (issue.code === 'invalid_type') {
    const expected =
      issue.expected === 'number'
        ? 'a whole number'
        : issue.expected === 'object'
          ? 'an object'
          : `a ${issue.expected}`
    return new AgentConfigError(where, key, `must be ${expected}`)
  }
  if (issue.code === 'too_small') return new AgentConfigError(where, key, 'must not be negative')
  return new AgentConfigError(where, key, issue.message)
}

/**
 * HashiCorp's own documented example has a trailing comma (`"meta": {},`) and the Enterprise agent
 * reads it with HCL's lenient JSON parser, so we drop commas that directly precede `}` or `]`
 * (outside strings) before JSON.parse. Nothing else is relaxed.
 */
export function withoutTrailingCommas(source: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!
    if (inString) {
      out += ch
      if (ch === '\\') out += source[++i] ?? ''
      else if (ch === '"') inString = false
      continue
    }
    if (ch === '"') inString = true
    if (ch === ',') {
      const next = /^\s*([}\]])/.exec(source.slice(i + 1))
      if (next) continue
    }
    out += ch
  }
  return out
}

// --- resolving: defaults, environment, files, flags ---------------------------------------

interface ResolveContext {
  flags: AgentFlags
  env: Record<string, string | undefined>
  cwd: string
  origin: (path: string[]) => string
  sources: string[]
}

function resolveConfig(file: AgentSection, ctx: ResolveContext): Omit<AgentConfig, 'encryption'> {
  const checks = resolveAgentChecks(
    {
      ...(file.verify ? { verify: file.verify } : {}),
      ...(file.drill ? { drill: file.drill } : {}),
      ...(file.encryption?.identity_file ? { identityFile: file.encryption.identity_file } : {}),
    },
    ctx.flags,
    {
      cwd: ctx.cwd,
      origin: ctx.origin,
      fail: (where, key, why, hint) => new AgentConfigError(where, key, why, hint),
    },
  )
  const { flags, cwd } = ctx
  const set = (value: string | undefined): string | undefined =>
    value === undefined || value === '' ? undefined : value
  const snap = file.snapshot ?? {}

  rejectUnsupported(file, ctx)

  // Connection: environment < file < flags.
  const environment = readConsulEnvironment(ctx.env)
  const settings = environment.settings
  const connection: ConsulConnection = {
    name: set(snap.cluster) ?? AGENT_DEFAULTS.cluster,
    settings,
  }
  if (environment.token) connection.token = environment.token
  if (environment.basicAuthPassword !== undefined)
    connection.basicAuthPassword = environment.basicAuthPassword
  const fileAddress = set(file.http_addr)
  if (fileAddress) settings.address = fileAddress
  if (flags.httpAddr !== undefined) settings.address = flags.httpAddr
  // A token and a token file from the same level: the file wins (Consul CLI rule); a higher level replaces both.
  applyToken(connection, set(file.token), set(file.token_file))
  applyToken(connection, set(flags.token), set(flags.tokenFile))
  const tls = { ...settings.tls }
  tls.caFile = set(flags.caFile) ?? set(file.ca_file) ?? tls.caFile
  tls.caPath = set(flags.caPath) ?? set(file.ca_path) ?? tls.caPath
  tls.clientCertFile = set(flags.clientCert) ?? set(file.cert_file) ?? tls.clientCertFile
  tls.clientKeyFile = set(flags.clientKey) ?? set(file.key_file) ?? tls.clientKeyFile
  tls.serverName = set(flags.tlsServerName) ?? set(file.tls_server_name) ?? tls.serverName
  for (const key of ['caFile', 'caPath', 'clientCertFile', 'clientKeyFile', 'serverName'] as const)
    if (tls[key] === undefined) delete tls[key]
  settings.tls = tls
  const datacenter = set(flags.datacenter) ?? set(file.datacenter) ?? null
  if (datacenter) settings.datacenter = datacenter

  const level = (set(flags.logLevel) ?? set(file.log?.level) ?? AGENT_DEFAULTS.logLevel).toLowerCase()
  if (!['trace', 'debug', 'info', 'warn', 'error'].includes(level))
    throw new AgentConfigError(
      flags.logLevel !== undefined ? 'flags' : ctx.origin(['log', 'level']),
      flags.logLevel !== undefined ? '-log-level' : 'snapshot_agent.log.level',
      `"${level}" is not a log level`,
      'Use trace, debug, info, warn or error.',
    )

  const durationOf = (
    flagValue: string | undefined,
    flagName: string,
    path: string[],
    fileValue: string | 0 | undefined,
    fallback: string,
  ): number => {
    const fromFlag = set(flagValue)
    const fromFile = fileValue === 0 ? '0' : set(fileValue)
    const textValue = fromFlag ?? fromFile ?? fallback
    const ms = parseGoDuration(textValue)
    if (ms === null || ms < 0) {
      const where = fromFlag !== undefined ? 'flags' : ctx.origin(path)
      const key = fromFlag !== undefined ? flagName : ['snapshot_agent', ...path].join('.')
      throw new AgentConfigError(
        where,
        key,
        `"${textValue}" is not a duration`,
        'Use a Go duration such as 30s, 5m, 1h or 1h30m (units ns, us, ms, s, m, h).',
      )
    }
    return ms
  }

  const intervalMs = durationOf(
    flags.interval,
    '-interval',
    ['snapshot', 'interval'],
    snap.interval,
    AGENT_DEFAULTS.interval,
  )
  const once = flags.once === true || intervalMs === 0
  const jitterMs = durationOf(flags.jitter, '-jitter', ['snapshot', 'jitter'], snap.jitter, '0')
  const cron = set(flags.schedule) ?? set(snap.schedule)
  const timeZone = set(flags.timeZone) ?? set(snap.time_zone) ?? 'UTC'
  let schedule: Schedule
  try {
    schedule = parseSchedule(cron !== undefined ? { cron, timeZone, jitterMs } : { intervalMs, jitterMs })
  } catch (error) {
    const fromFlag = flags.schedule !== undefined || flags.timeZone !== undefined
    const key = error instanceof AppError && error.details?.key === 'time_zone' ? 'time_zone' : 'schedule'
    throw new AgentConfigError(
      fromFlag ? 'flags' : ctx.origin(['snapshot', key]),
      fromFlag ? `-${key === 'time_zone' ? 'time-zone' : 'schedule'}` : `snapshot_agent.snapshot.${key}`,
      error instanceof Error ? error.message : String(error),
      'Use five cron fields (minute hour day month weekday) or @hourly, @daily, @weekly, @monthly, @yearly, and an IANA time zone such as Europe/Berlin.',
    )
  }

  const retain = flags.retain ?? snap.retain ?? AGENT_DEFAULTS.retain
  if (retain < 0) throw new AgentConfigError('flags', '-retain', 'must not be negative')
  const maxFailures = flags.maxFailures ?? snap.max_failures ?? AGENT_DEFAULTS.maxFailures
  if (maxFailures < 0) throw new AgentConfigError('flags', '-max-failures', 'must not be negative')
  const retentionSection = file.retention ?? {}
  const maxAgeMs = durationOf(undefined, '', ['retention', 'max_age'], retentionSection.max_age, '0')
  const retentionZone = set(retentionSection.time_zone) ?? timeZone
  if (!isTimeZone(retentionZone))
    throw new AgentConfigError(
      ctx.origin(['retention', 'time_zone']),
      'snapshot_agent.retention.time_zone',
      `"${retentionZone}" is not an IANA time zone`,
    )

  const nameTemplate = set(snap.name_template) ?? null
  if (nameTemplate !== null) {
    try {
      validateFileNameTemplate(nameTemplate)
    } catch (error) {
      throw new AgentConfigError(
        ctx.origin(['snapshot', 'name_template']),
        'snapshot_agent.snapshot.name_template',
        (error as Error).message,
      )
    }
    if (!nameTemplate.includes('{time}'))
      throw new AgentConfigError(
        ctx.origin(['snapshot', 'name_template']),
        'snapshot_agent.snapshot.name_template',
        'must contain {time}',
        'Retention orders and ages backups by the time in their name, e.g. {profile}-{dc}-{version}-{index}-{time}.snap.',
      )
  }

  const sessionTtlMs = durationOf(
    undefined,
    '',
    ['leadership', 'session_ttl'],
    file.leadership?.session_ttl,
    AGENT_DEFAULTS.sessionTtl,
  )
  const lockDelayMs = durationOf(
    undefined,
    '',
    ['leadership', 'lock_delay'],
    file.leadership?.lock_delay,
    AGENT_DEFAULTS.lockDelay,
  )
  if (sessionTtlMs < 1000)
    throw new AgentConfigError(
      ctx.origin(['leadership', 'session_ttl']),
      'snapshot_agent.leadership.session_ttl',
      'must be at least 1s',
      'Consul refuses shorter session TTLs (its own minimum is 10s unless session_ttl_min is lowered).',
    )

  const destinations = destinationsOf(file, ctx)
  const scratch = set(flags.localScratchPath) ?? set(snap.local_scratch_path)
  const scratchPath = scratch === undefined ? null : resolve(cwd, scratch)
  const journal = set(file.run_journal?.path)

  return {
    sources: ctx.sources,
    connection,
    datacenter,
    log: { level: level as LogLevel, json: flags.logJson ?? file.log?.json ?? false },
    once,
    intervalMs,
    schedule,
    stale: flags.stale ?? snap.stale ?? false,
    service: set(flags.service) ?? set(snap.service) ?? AGENT_DEFAULTS.service,
    deregisterAfterMs: durationOf(
      flags.deregisterAfter,
      '-deregister-after',
      ['snapshot', 'deregister_after'],
      snap.deregister_after,
      AGENT_DEFAULTS.deregisterAfter,
    ),
    lockKey: set(flags.lockKey) ?? set(snap.lock_key) ?? AGENT_DEFAULTS.lockKey,
    maxFailures,
    scratchPath,
    nameTemplate,
    retention: {
      retain,
      maxAgeMs: maxAgeMs === 0 ? null : maxAgeMs,
      hourly: retentionSection.hourly ?? 0,
      daily: retentionSection.daily ?? 0,
      weekly: retentionSection.weekly ?? 0,
      monthly: retentionSection.monthly ?? 0,
      yearly: retentionSection.yearly ?? 0,
      timeZone: retentionZone,
    },
    leadership: { sessionTtlMs, lockDelayMs },
    destinations,
    journalPath: journal === undefined ? null : resolve(cwd, journal),
    checks,
  }
}

function applyToken(
  connection: ConsulConnection,
  token: string | undefined,
  tokenFile: string | undefined,
): void {
  if (tokenFile !== undefined) {
    connection.settings.tokenFile = tokenFile
    delete connection.token
  } else if (token !== undefined) {
    delete connection.settings.tokenFile
    connection.token = token
  }
}

/**
 * The Enterprise agent's two forms: the single-store keys, where a remote store replaces local
 * storage (S3 > Azure > GCS > local), and `backup_destinations`, arrays of each store, where one
 * run writes to all of them. The per-store flags belong to the first form only.
 */
function destinationsOf(file: AgentSection, ctx: ResolveContext): DestinationConfig[] {
  const { flags, cwd } = ctx
  const listed = file.backup_destinations
  if (listed !== undefined) {
    const firstFlag = (prefix: string, section: object | undefined) =>
      section !== undefined && Object.keys(section).length > 0
        ? `${prefix}${Object.keys(section)[0]!.replaceAll('_', '-')}`
        : null
    const flagName =
      flags.localPath !== undefined
        ? '-local-path'
        : (firstFlag('-aws-', flags.awsStorage) ??
          firstFlag('-azure-blob-', flags.azureBlobStorage) ??
          firstFlag('-gcs-', flags.googleStorage))
    if (flagName !== null)
      throw new AgentConfigError(
        'flags',
        flagName,
        'cannot be combined with snapshot_agent.backup_destinations',
        'Use either backup_destinations or the per-store flags.',
      )
    if (isAwsStorageConfigured(file.aws_storage))
      throw new AgentConfigError(
        ctx.origin(['aws_storage', 's3_bucket']),
        'snapshot_agent.aws_storage',
        'cannot be combined with snapshot_agent.backup_destinations',
        'Move the store into backup_destinations.aws_storage.',
      )
    if (isAzureBlobStorageConfigured(file.azure_blob_storage))
      throw new AgentConfigError(
        ctx.origin(['azure_blob_storage', 'container_name']),
        'snapshot_agent.azure_blob_storage',
        'cannot be combined with snapshot_agent.backup_destinations',
        'Move the store into backup_destinations.azure_blob_storage.',
      )
    if (isGoogleStorageConfigured(file.google_storage))
      throw new AgentConfigError(
        ctx.origin(['google_storage', 'bucket']),
        'snapshot_agent.google_storage',
        'cannot be combined with snapshot_agent.backup_destinations',
        'Move the store into backup_destinations.google_storage.',
      )
    const out: DestinationConfig[] = (listed.local_storage ?? []).map(
      ({ encryption: _own, ...entry }): LocalDestinationConfig => ({
        kind: 'local',
        path: resolve(cwd, entry.path || '.'),
      }),
    )
    const where = ctx.origin(['backup_destinations', 'aws_storage'])
    ;(listed.aws_storage ?? []).forEach(({ encryption: _own, ...entry }, index) => {
      out.push(
        resolveS3DestinationConfig(
          entry,
          (key) => ({ where, key: `snapshot_agent.backup_destinations.aws_storage[${index}].${key}` }),
          cwd,
        ),
      )
    })
    const azureWhere = ctx.origin(['backup_destinations', 'azure_blob_storage'])
    ;(listed.azure_blob_storage ?? []).forEach(({ encryption: _own, ...entry }, index) => {
      out.push(
        resolveAzureBlobDestinationConfig(entry, (key) => ({
          where: azureWhere,
          key: `snapshot_agent.backup_destinations.azure_blob_storage[${index}].${key}`,
        })),
      )
    })
    const gcsWhere = ctx.origin(['backup_destinations', 'google_storage'])
    ;(listed.google_storage ?? []).forEach(({ encryption: _own, ...entry }, index) => {
      out.push(
        resolveGcsDestinationConfig(
          entry,
          (key) => ({
            where: gcsWhere,
            key: `snapshot_agent.backup_destinations.google_storage[${index}].${key}`,
          }),
          cwd,
        ),
      )
    })
    if (out.length === 0)
      throw new AgentConfigError(
        ctx.origin(['backup_destinations']),
        'snapshot_agent.backup_destinations',
        'lists no destination',
        'Add at least one local_storage, aws_storage, azure_blob_storage or google_storage entry, or remove backup_destinations.',
      )
    return out
  }
  const aws: AwsStorageSection = { ...file.aws_storage, ...flags.awsStorage }
  if (isAwsStorageConfigured(aws)) {
    // A missing key is blamed on the file that holds the store, else on the flags that named it.
    const locate = (key: keyof AwsStorageSection) => {
      const asFlag = { where: 'flags', key: `-aws-${key.replaceAll('_', '-')}` }
      if (flags.awsStorage?.[key] !== undefined) return asFlag
      const file = [ctx.origin(['aws_storage', key]), ctx.origin(['aws_storage'])].find((w) => w !== 'flags')
      return file === undefined ? asFlag : { where: file, key: `snapshot_agent.aws_storage.${key}` }
    }
    return [resolveS3DestinationConfig(aws, locate, cwd)]
  }
  const azure: AzureBlobStorageSection = { ...file.azure_blob_storage, ...flags.azureBlobStorage }
  if (isAzureBlobStorageConfigured(azure)) {
    const locate = (key: keyof AzureBlobStorageSection) => {
      const asFlag = { where: 'flags', key: `-azure-blob-${key.replaceAll('_', '-')}` }
      if (flags.azureBlobStorage?.[key] !== undefined) return asFlag
      const file = [ctx.origin(['azure_blob_storage', key]), ctx.origin(['azure_blob_storage'])].find(
        (w) => w !== 'flags',
      )
      return file === undefined ? asFlag : { where: file, key: `snapshot_agent.azure_blob_storage.${key}` }
    }
    return [resolveAzureBlobDestinationConfig(azure, locate)]
  }
  const google: GoogleStorageSection = { ...file.google_storage, ...flags.googleStorage }
  if (isGoogleStorageConfigured(google)) {
    const locate = (key: keyof GoogleStorageSection) => {
      const asFlag = { where: 'flags', key: `-gcs-${key.replaceAll('_', '-')}` }
      if (flags.googleStorage?.[key] !== undefined) return asFlag
      const file = [ctx.origin(['google_storage', key]), ctx.origin(['google_storage'])].find(
        (w) => w !== 'flags',
      )
      return file === undefined ? asFlag : { where: file, key: `snapshot_agent.google_storage.${key}` }
    }
    return [resolveGcsDestinationConfig(google, locate, cwd)]
  }
  const path = flags.localPath ?? (file.local_storage?.path || AGENT_DEFAULTS.localPath)
  return [{ kind: 'local', path: resolve(cwd, path) }]
}

/** Kubernetes login comes in its own issue: say so instead of ignoring it. */
function rejectUnsupported(file: AgentSection, ctx: ResolveContext): void {
  const refuse = (path: string[], what: string) => {
    throw new AgentConfigError(
      ctx.origin(path),
      ['snapshot_agent', ...path].join('.'),
      `${what} is not supported by this agent yet`,
      'Give the token with -token, -token-file or CONSUL_HTTP_TOKEN for now; auth-method login is planned.',
    )
  }
  if (file.login?.auth_method) refuse(['login', 'auth_method'], 'Logging in with an auth method')
}

export function isTimeZone(zone: string): boolean {
  // The default needs no asking: Intl accepts "UTC" everywhere, and asking loads the time-zone
  // data, which would stay in the memory of a daemon that never formats a date in a zone.
  if (zone === 'UTC') return true
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key]
    out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value
  }
  return out
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function hasPath(value: unknown, path: string[]): boolean {
  let cur: unknown = value
  for (const key of path) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, key)) return false
    cur = cur[key]
  }
  return true
}
