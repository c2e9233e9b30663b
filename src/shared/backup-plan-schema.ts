/**
 * The one definition of what a backup plan may hold. The contract checks requests with it, the
 * plan store checks again (with the checks only the host can make: cron syntax, profiles that
 * exist) and reads its file with it, and the Backups editor takes its limits from it.
 *
 * Durations are milliseconds here; the export for servers writes them as Go durations.
 */
import { z } from 'zod'
import { datacenterSchema } from './consul-names'

export const planLimits = {
  name: 80,
  profiles: 20,
  destinations: 8,
  path: 4096,
  /** Below a minute a plan would spend its life saving; the agent on a server can go lower. */
  minIntervalMs: 60_000,
  maxIntervalMs: 366 * 24 * 3_600_000,
  maxJitterMs: 24 * 3_600_000,
  keep: 10_000,
  nameTemplate: 400,
  secret: 8192,
} as const

const jitterMs = z.int().min(0).max(planLimits.maxJitterMs)

export const planScheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('interval'),
    intervalMs: z
      .int()
      .min(planLimits.minIntervalMs, 'the interval is at least one minute')
      .max(planLimits.maxIntervalMs, 'the interval is at most a year'),
    jitterMs,
  }),
  z.strictObject({
    kind: z.literal('cron'),
    expression: z.string().trim().min(1, 'a cron expression is needed').max(200),
    timeZone: z.string().trim().min(1).max(100),
    jitterMs,
  }),
])

const pathField = (empty: string) =>
  z
    .string()
    .trim()
    .min(1, empty)
    .max(planLimits.path)
    .refine((value) => !value.includes('\0'), 'a path cannot contain a NUL character')

/** An http(s) address without credentials or a query (those go in the secret, never in a URL). */
const endpointField = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value)
      return (
        (url.protocol === 'http:' || url.protocol === 'https:') &&
        url.username === '' &&
        url.password === '' &&
        url.search === ''
      )
    } catch {
      return false
    }
  }, 'the endpoint is an http:// or https:// address without credentials or a query, e.g. https://minio.example.com:9000')
  .nullable()

/** Folder names separated by single slashes; '' stores at the top of the bucket or container. */
const prefixField = z
  .string()
  .trim()
  .max(1024)
  .refine((value) => {
    const inner = value.replace(/^\/+|\/+$/g, '')
    return inner === '' || inner.split('/').every((part) => part !== '' && part !== '.' && part !== '..')
  }, 'the prefix is folder names separated by single slashes, e.g. consul/prod')

/**
 * How an edit treats a destination's secret (S3 secret key, Azure key, SAS, connection string or
 * client secret): keep the stored one, replace it, or remove it. Only ever sent to the host; the
 * host keeps the value in the SecretStore and answers with `secretSet`.
 */
export const planSecretChangeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('keep') }),
  z.strictObject({ kind: z.literal('set'), value: z.string().min(1).max(planLimits.secret) }),
  z.strictObject({ kind: z.literal('clear') }),
])

/**
 * What every remote destination carries beside its settings. `id` is the host's name for the
 * destination's secret (stable while the list is edited); `secret` travels only towards the host;
 * `secretSet` only back (the host decides it, whatever a request says).
 */
const remoteFields = {
  id: z.string().min(1).max(100).optional(),
  secret: planSecretChangeSchema.optional(),
  secretSet: z.boolean().optional(),
}

export const s3ServerSideEncryptionSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('none') }),
  z.strictObject({ mode: z.literal('AES256') }),
  z.strictObject({ mode: z.literal('aws:kms'), keyId: z.string().trim().min(1).max(2048).nullable() }),
])

export const s3DestinationSchema = z.strictObject({
  kind: z.literal('s3'),
  region: z.string().trim().min(1, 'a region is needed (any value for most S3-compatible stores)').max(100),
  bucket: z
    .string()
    .trim()
    .min(1, 'a bucket is needed')
    .max(255)
    .refine((value) => !value.includes('/'), 'a bucket name has no slash; put the folder part in the prefix'),
  prefix: prefixField,
  endpoint: endpointField,
  forcePathStyle: z.boolean(),
  serverSideEncryption: s3ServerSideEncryptionSchema,
  /** Extra CA certificates (PEM) for a store with a self-signed certificate. */
  caFile: pathField('a CA file path is needed').nullable(),
  /** chain: the standard AWS credential chain; static: this key id, with the secret key as the secret. */
  credentials: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('chain') }),
    z.strictObject({
      kind: z.literal('static'),
      accessKeyId: z.string().trim().min(1, 'an access key id is needed').max(256),
    }),
  ]),
  ...remoteFields,
})

export const azureAuthKinds = ['shared-key', 'sas', 'connection-string', 'service-principal'] as const
export const azureEnvironments = [
  'AzurePublicCloud',
  'AzureUSGovernmentCloud',
  'AzureChinaCloud',
  'AzureGermanCloud',
] as const

export const azureBlobDestinationSchema = z.strictObject({
  kind: z.literal('azure-blob'),
  /** shared-key: the account key is the secret; sas: the SAS token; connection-string: the string; service-principal: the client secret. */
  auth: z.enum(azureAuthKinds),
  /** Not used with a connection string (it names the account itself). */
  accountName: z.string().trim().max(24),
  container: z
    .string()
    .trim()
    .refine(
      (value) => value === '$root' || /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(value),
      'a container name is 3-63 lowercase letters, digits and single hyphens',
    ),
  prefix: prefixField,
  endpoint: endpointField,
  environment: z.enum(azureEnvironments),
  /** Service principal only. */
  tenantId: z.string().trim().max(100).nullable(),
  clientId: z.string().trim().max(100).nullable(),
  ...remoteFields,
})

export const gcsDestinationSchema = z.strictObject({
  kind: z.literal('gcs'),
  bucket: z
    .string()
    .trim()
    .refine(
      (value) =>
        /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(value) &&
        value.split('.').every((part) => part.length <= 63) &&
        !value.startsWith('goog'),
      'a bucket name is 3-63 lowercase letters, digits, hyphens, underscores and dots',
    ),
  prefix: prefixField,
  /** The JSON API's address, for emulators and private endpoints. */
  endpoint: endpointField,
  projectId: z.string().trim().min(1).max(100).nullable(),
  /** A service-account key file on the host; null: Application Default Credentials. */
  keyFile: pathField('a key file path is needed').nullable(),
  ...remoteFields,
})

/**
 * Where a plan's backups go: a local folder, S3 (or an S3-compatible store), Azure Blob or GCS.
 * A store's secret never sits in the plan file: the plan store keeps it in the SecretStore, as
 * profiles keep tokens, and views say only `secretSet`.
 */
export const planDestinationSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('local'),
    path: pathField('a folder is needed'),
  }),
  s3DestinationSchema,
  azureBlobDestinationSchema,
  gcsDestinationSchema,
])

const keep = z.int().min(0).max(planLimits.keep)

/** The engine's RetentionPolicy, field for field. */
export const retentionPolicySchema = z.strictObject({
  retain: keep,
  maxAgeMs: z.int().min(3_600_000, 'the maximum age is at least an hour').nullable(),
  hourly: keep,
  daily: keep,
  weekly: keep,
  monthly: keep,
  yearly: keep,
  timeZone: z.string().trim().min(1).max(100),
})

export const planOptionsSchema = z.strictObject({
  stale: z.boolean(),
  datacenter: datacenterSchema.nullable(),
  /** null: the Enterprise agent's `consul-<unix ns>.snap`. */
  nameTemplate: z.string().trim().min(1).max(planLimits.nameTemplate).nullable(),
})

export const planInputSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'a plan needs a name').max(planLimits.name),
    profileIds: z
      .array(z.string().min(1).max(200))
      .min(1, 'choose at least one connection')
      .max(planLimits.profiles),
    schedule: planScheduleSchema,
    destinations: z
      .array(planDestinationSchema)
      .min(1, 'choose where the backups go')
      .max(planLimits.destinations),
    retention: retentionPolicySchema,
    options: planOptionsSchema,
    paused: z.boolean(),
  })
  .superRefine((plan, context) => {
    // Retention tells clusters apart only by name: several clusters in one folder need {profile}.
    if (plan.profileIds.length > 1 && !(plan.options.nameTemplate ?? '').includes('{profile}'))
      context.addIssue({
        code: 'custom',
        path: ['options', 'nameTemplate'],
        message:
          'several connections share the destination, so the name template must contain {profile} (retention keeps each cluster apart by it)',
      })
    if (plan.options.nameTemplate !== null && !plan.options.nameTemplate.includes('{time}'))
      context.addIssue({
        code: 'custom',
        path: ['options', 'nameTemplate'],
        message: 'the name template must contain {time} (retention orders backups by it)',
      })
    if (new Set(plan.profileIds).size !== plan.profileIds.length)
      context.addIssue({ code: 'custom', path: ['profileIds'], message: 'a connection is listed twice' })
    for (const [index, destination] of plan.destinations.entries())
      for (const issue of destinationIssues(destination))
        context.addIssue({
          code: 'custom',
          path: ['destinations', index, ...issue.path],
          message: issue.message,
        })
  })

/** Rules between a destination's fields (which the variants' own schemas cannot see together). */
function destinationIssues(
  destination: z.output<typeof planDestinationSchema>,
): { path: string[]; message: string }[] {
  if (destination.kind === 'azure-blob') {
    const issues: { path: string[]; message: string }[] = []
    if (destination.auth !== 'connection-string' && !/^[a-z0-9]{3,24}$/.test(destination.accountName))
      issues.push({ path: ['accountName'], message: 'an account name is 3-24 lowercase letters and digits' })
    if (destination.auth === 'connection-string' && destination.endpoint !== null)
      issues.push({
        path: ['endpoint'],
        message: 'a connection string names its own endpoint (BlobEndpoint=)',
      })
    if (destination.auth === 'service-principal') {
      if (!destination.tenantId) issues.push({ path: ['tenantId'], message: 'a tenant ID is needed' })
      if (!destination.clientId) issues.push({ path: ['clientId'], message: 'a client ID is needed' })
    }
    return issues
  }
  return []
}

/** Whether a destination signs in with a secret the user enters (S3 static keys, every Azure way). */
export function destinationNeedsSecret(destination: z.output<typeof planDestinationSchema>): boolean {
  if (destination.kind === 's3') return destination.credentials.kind === 'static'
  return destination.kind === 'azure-blob'
}

export type PlanInput = z.output<typeof planInputSchema>
export type PlanSchedule = z.output<typeof planScheduleSchema>
export type PlanDestination = z.output<typeof planDestinationSchema>
export type PlanSecretChange = z.output<typeof planSecretChangeSchema>
export type S3PlanDestination = z.output<typeof s3DestinationSchema>
export type AzureBlobPlanDestination = z.output<typeof azureBlobDestinationSchema>
export type GcsPlanDestination = z.output<typeof gcsDestinationSchema>
export type RemotePlanDestination = S3PlanDestination | AzureBlobPlanDestination | GcsPlanDestination
export type PlanRetention = z.output<typeof retentionPolicySchema>
export type PlanOptions = z.output<typeof planOptionsSchema>

/** What a new plan starts with in the editor: hourly, the Enterprise agent's retain 30. */
export function defaultPlanInput(profileIds: string[] = [], folder = ''): PlanInput {
  return {
    name: '',
    profileIds,
    schedule: { kind: 'interval', intervalMs: 3_600_000, jitterMs: 0 },
    destinations: [{ kind: 'local', path: folder }],
    retention: {
      retain: 30,
      maxAgeMs: null,
      hourly: 0,
      daily: 0,
      weekly: 0,
      monthly: 0,
      yearly: 0,
      timeZone: 'UTC',
    },
    options: { stale: false, datacenter: null, nameTemplate: null },
    paused: false,
  }
}

/** How the editor and the errors name the secret a destination signs in with. */
export function destinationSecretName(destination: PlanDestination): string {
  if (destination.kind === 's3') return 'the secret access key'
  if (destination.kind !== 'azure-blob') return 'the secret'
  switch (destination.auth) {
    case 'shared-key':
      return 'the account key'
    case 'sas':
      return 'the SAS token'
    case 'connection-string':
      return 'the connection string'
    case 'service-principal':
      return 'the client secret'
  }
}

/** What a destination of each kind starts with in the editor. */
export function newPlanDestination(kind: PlanDestination['kind']): PlanDestination {
  switch (kind) {
    case 'local':
      return { kind: 'local', path: '' }
    case 's3':
      return {
        kind: 's3',
        region: 'us-east-1',
        bucket: '',
        // The Enterprise agent's default prefix, so both write to the same place.
        prefix: 'consul-snapshot',
        endpoint: null,
        forcePathStyle: false,
        serverSideEncryption: { mode: 'none' },
        caFile: null,
        credentials: { kind: 'chain' },
      }
    case 'azure-blob':
      return {
        kind: 'azure-blob',
        auth: 'shared-key',
        accountName: '',
        container: '',
        prefix: '',
        endpoint: null,
        environment: 'AzurePublicCloud',
        tenantId: null,
        clientId: null,
      }
    case 'gcs':
      return { kind: 'gcs', bucket: '', prefix: '', endpoint: null, projectId: null, keyFile: null }
  }
}
