/**
 * The one definition of the API between the renderer and the host. Each method names its request
 * schema (zod, checked on the host before any service runs), its response type, where it is
 * available and whether it is a long operation (progress events, cancellation). Events name
 * their payload schema. Both transports and the client derive everything from these two tables;
 * no channel string is written anywhere else.
 *
 * Failures are not listed per method: any call can answer any AppErrorCode, and the window
 * presents every one the same way (the error center: message and what to do). Per-method lists
 * were kept here once; nothing read them and they had drifted from what the services throw.
 */
import { z } from 'zod'
import type {
  CatalogueSummary,
  KvPageWire,
  KvValueWire,
  RecordPageWire,
  SearchHitWire,
} from './browse-wire-types'
import { recordKinds } from './browse-wire-types'
import type {
  ConnectionTestResult,
  RestorePreflight,
  RestoreProgress,
  RestoreResult,
  SaveManyEntry,
  SaveProgress,
} from './consul-types'
import { restorePhases, savePhases } from './consul-types'
import { datacenterSchema } from './consul-names'
import { DEFAULT_AGENT_LOCK_KEY, DEFAULT_AGENT_SERVICE, type FleetStatus } from './fleet-types'
import type { GrowthProgress, GrowthReport } from './growth-types'
import { DEFAULT_KV_DEPTH, MAX_KV_DEPTH } from './kv-details-options'
import { profileInputSchema } from './profile-schema'
import {
  planDestinationSchema,
  planInputSchema,
  planLimits,
  planOptionsSchema,
  planScheduleSchema,
  retentionPolicySchema,
} from './backup-plan-schema'
import type {
  ExportedFile,
  PlanRunFinished,
  PlanRunView,
  PlanStoreNotice,
  PlanView,
  RetentionPreviewOutcome,
  ScheduledRunView,
} from './backup-plan-types'
import type { EnvProfileDraft, ProfileStoreNotice, ProfileView } from './profile-types'
import type { KvRestorePlanWire, KvRestoreResultWire } from './selective-restore-types'
import type { RecentFile, SnapshotInspectionWire, UploadedFile } from './snapshot-wire-types'
import { drillPhases, type DrillResultWire, type RedactedCopyWire } from './snapshot-tools-types'
import type { ByteProgress } from './progress'
import type {
  ChangePageWire,
  ComparisonSummaryWire,
  CompareProgress,
  KvValuePairWire,
} from './diff-wire-types'
import { comparePhases, diffKinds } from './diff-wire-types'
import type {
  StoredBackupDownload,
  StoredBackupList,
  StoredBackupVerifyReport,
  StoredVerifyProgress,
} from './stored-backup-types'

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Where a method exists: everywhere, or only in the desktop app (native dialogs). */
export type Availability = 'any' | 'electron'

export interface MethodDefinition<Request extends z.ZodType, Response, Operation extends boolean> {
  request: Request
  availability: Availability
  /** Long operations carry an `operationId`, report progress and can be cancelled. */
  operation: Operation
  /** Type-only marker; never set at run time. */
  readonly response?: Response
}

/** `method<Response>()({ request, ... })`: the response is a type, the request a schema. */
function method<Response>() {
  return <Request extends z.ZodType, Operation extends boolean = false>(definition: {
    request: Request
    availability?: Availability
    operation?: Operation
  }): MethodDefinition<Request, Response, Operation> => ({
    request: definition.request,
    availability: definition.availability ?? 'any',
    operation: (definition.operation ?? false) as Operation,
  })
}

const noInput = z.strictObject({})

/** Client-chosen id of a long operation: progress events carry it and `operations.cancel` takes it. */
export const operationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'an operation id is 8 to 64 letters, digits, - or _')

const idSchema = z.string().min(1).max(200)

/** A file path on the host. Methods that take one only read it as a snapshot, never return its bytes. */
const hostPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => !value.includes('\0'), 'a path cannot contain a NUL character')

export const uploadIdSchema = z.string().regex(/^[a-f0-9]{32}$/, 'an upload id is 32 hexadecimal characters')

/** Not strict: the client's SnapshotSourceRef also carries a display name, which is dropped here. */
/** The key for an age-encrypted source, from the app's prompt; bounded, never stored by the host. */
const sourceDecryptionSchema = z
  .strictObject({ identitySecret: z.string().max(65_536), passphrase: z.string().max(4096) })
  .partial()

export const snapshotSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: hostPathSchema, decryption: sourceDecryptionSchema.optional() }),
  z.object({
    kind: z.literal('upload'),
    uploadId: uploadIdSchema,
    decryption: sourceDecryptionSchema.optional(),
  }),
])

const kvOptions = {
  kvDetails: z.boolean().default(false),
  kvDepth: z.int().min(0).max(MAX_KV_DEPTH).default(DEFAULT_KV_DEPTH),
  kvFilter: z.string().max(4096).default(''),
}

/** A backup in a plan's destination: the plan, which of its destinations, and the object's name there. */
const storedBackupNameSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (name) => !/[/\\\0]/.test(name) && !name.startsWith('.'),
    'a backup name has no slash, backslash or NUL and does not start with a dot',
  )
const storedDestinationSchema = {
  planId: idSchema,
  destinationIndex: z.int().min(0).max(63),
}

const catalogueIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)
const pageSchema = {
  offset: z.int().min(0).default(0),
  limit: z.int().min(1).max(1000).default(200),
}

// ---------------------------------------------------------------------------------------------
// Responses that exist only on the wire

export interface AppCapabilities {
  kind: 'electron' | 'browser'
  nativeDialogs: boolean
  fileUpload: boolean
}

export interface AppInfo {
  name: string
  version: string
  capabilities: AppCapabilities
  /** Where saves go unless the operator picks another folder. */
  defaultSaveFolder: string
  platform: string
}

export interface ProfileList {
  profiles: ProfileView[]
  /** Set once when the profile file was unreadable and kept aside. */
  notice: ProfileStoreNotice | null
}

/**
 * Folders the save wizard offers, so browser mode (which has no folder picker) need not ask for
 * a typed host path: the default save folder and the folders snapshots were recently saved to,
 * as far as they still exist. Deliberately nothing else: no listing of any folder.
 */
export interface FolderSuggestions {
  defaultFolder: string
  recentFolders: string[]
}

/** A match inside a value, with the text around it (secret fields are never searched). */
export interface ValueSearchResultWire {
  hits: Array<{
    kind: 'kv' | 'service-meta' | 'config-entry'
    name: string
    field: string
    excerpt: string
    binary: boolean
  }>
  total: number
  truncated: boolean
  valuesSearched: number
}

export interface SampleSnapshot {
  path: string
  name: string
}

// ---------------------------------------------------------------------------------------------
// The methods

export const apiMethods = {
  'app.info': method<AppInfo>()({ request: noInput }),

  'profiles.list': method<ProfileList>()({ request: noInput }),
  'profiles.create': method<ProfileView>()({
    request: z.strictObject({ input: profileInputSchema }),
  }),
  'profiles.update': method<ProfileView>()({
    request: z.strictObject({ id: idSchema, input: profileInputSchema }),
  }),
  'profiles.duplicate': method<ProfileView>()({
    request: z.strictObject({ id: idSchema }),
  }),
  'profiles.remove': method<{ id: string }>()({
    request: z.strictObject({ id: idSchema }),
  }),
  /** Reads the host's CONSUL_* variables into an unsaved draft; null when none is set. */
  'profiles.importFromEnv': method<{ draft: EnvProfileDraft | null }>()({
    request: noInput,
  }),
  /** Tests a saved profile, or a draft before it is saved. */
  'profiles.test': method<ConnectionTestResult>()({
    request: z.union([z.strictObject({ id: idSchema }), z.strictObject({ input: profileInputSchema })]),
  }),

  'snapshot.inspect': method<SnapshotInspectionWire>()({
    request: z.strictObject({ operationId: operationIdSchema, source: snapshotSourceSchema, ...kvOptions }),
    operation: true,
  }),
  /** The KV breakdown again with another depth or filter (a fresh scan of the file). */
  'snapshot.kvDetails': method<SnapshotInspectionWire>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      source: snapshotSourceSchema,
      kvDepth: kvOptions.kvDepth,
      kvFilter: kvOptions.kvFilter,
    }),
    operation: true,
  }),

  'snapshot.browse.open': method<CatalogueSummary>()({
    request: z.strictObject({ operationId: operationIdSchema, source: snapshotSourceSchema }),
    operation: true,
  }),
  'snapshot.browse.close': method<{ closed: boolean }>()({
    request: z.strictObject({ catalogueId: catalogueIdSchema }),
  }),
  /** The direct children of a folder (prefix '' is the root), folders first, then keys by name. */
  'snapshot.browse.kvList': method<KvPageWire>()({
    request: z.strictObject({
      catalogueId: catalogueIdSchema,
      prefix: z.string().max(8192).default(''),
      ...pageSchema,
    }),
  }),
  'snapshot.browse.kvValue': method<KvValueWire>()({
    request: z.strictObject({
      catalogueId: catalogueIdSchema,
      key: z.string().max(8192),
      maxBytes: z
        .int()
        .min(0)
        .max(64 * 1024 * 1024)
        .default(1024 * 1024),
    }),
  }),
  /** Nodes, services, checks, sessions, prepared queries, ACL objects (secrets masked), config entries. */
  'snapshot.browse.records': method<RecordPageWire>()({
    request: z.strictObject({ catalogueId: catalogueIdSchema, kind: z.enum(recordKinds), ...pageSchema }),
  }),
  /** One masked secret in clear, because the operator asked for that one. */
  'snapshot.browse.revealSecret': method<{ value: string }>()({
    request: z.strictObject({
      catalogueId: catalogueIdSchema,
      kind: z.enum(recordKinds),
      id: z.string().max(1024),
      field: z.string().max(200),
    }),
  }),
  'snapshot.browse.search': method<{ hits: SearchHitWire[]; truncated: boolean }>()({
    request: z.strictObject({
      catalogueId: catalogueIdSchema,
      query: z.string().min(1).max(1024),
      limit: z.int().min(1).max(1000).default(100),
    }),
  }),

  /** Searches inside the values of a snapshot (KV, service metadata, config entries), streamed. */
  'snapshot.searchValues': method<ValueSearchResultWire>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      source: snapshotSourceSchema,
      pattern: z.string().min(1).max(1024),
      regex: z.boolean().default(false),
      caseSensitive: z.boolean().default(false),
      prefix: z.string().max(8192).optional(),
      limit: z.int().min(1).max(1000).default(200),
    }),
    operation: true,
  }),

  /**
   * A copy with its secrets replaced, written where the host chooses (the default save folder,
   * a new file): the request names no output path (docs/threat-model.md).
   */
  'snapshot.redact': method<RedactedCopyWire>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      source: snapshotSourceSchema,
      kvPrefixes: z.array(z.string().max(8192)).max(100).default([]),
    }),
    operation: true,
  }),
  /**
   * Restores the file into a throw-away Consul and compares: a dev agent the host starts with its
   * own binary, or a saved profile marked as a scratch cluster (any other profile is refused).
   */
  'snapshot.drill': method<DrillResultWire>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      source: snapshotSourceSchema,
      target: z
        .discriminatedUnion('kind', [
          z.strictObject({ kind: z.literal('dev-agent') }),
          z.strictObject({ kind: z.literal('scratch-profile'), profileId: idSchema }),
        ])
        .default({ kind: 'dev-agent' }),
    }),
    operation: true,
  }),

  /** Saves from one or many profiles into a folder; each profile succeeds or fails on its own. */
  'save.start': method<{ entries: SaveManyEntry[] }>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      profileIds: z.array(idSchema).min(1).max(100),
      folder: hostPathSchema.optional(),
      fileNameTemplate: z.string().min(1).max(400).optional(),
      stale: z.boolean().default(false),
      /** Overrides every selected profile's datacenter; Consul forwards the request there. */
      datacenter: datacenterSchema.optional(),
    }),
    operation: true,
  }),

  /** Full verification (gzip, tar, SHA256SUMS, sizes, every record); answers what inspect answers. */
  'restore.verify': method<SnapshotInspectionWire>()({
    request: z.strictObject({ operationId: operationIdSchema, source: snapshotSourceSchema }),
    operation: true,
  }),
  'restore.preflight': method<RestorePreflight>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      source: snapshotSourceSchema,
      profileId: idSchema,
    }),
    operation: true,
  }),
  /** Destructive. The service refuses unless `confirmation` equals the profile's name. */
  'restore.start': method<RestoreResult>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      source: snapshotSourceSchema,
      profileId: idSchema,
      confirmation: z.string().max(200),
      safetySnapshot: z.boolean(),
      safetySnapshotFolder: hostPathSchema.optional(),
      /** A protected profile's second confirmation of what will be lost; refused without it. */
      acknowledgeLoss: z.boolean().default(false),
    }),
    operation: true,
  }),

  /** Per profile, the snapshot agents registered on the cluster; a cluster that fails stands alone. */
  'fleet.status': method<FleetStatus>()({
    request: z.strictObject({
      /** Absent: every saved profile. */
      profileIds: z.array(idSchema).min(1).max(100).optional(),
      service: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'a service name is letters, digits, -, _ or .')
        .default(DEFAULT_AGENT_SERVICE),
      lockKey: z
        .string()
        .min(1)
        .max(512)
        .refine((key) => !key.startsWith('/') && !key.includes('\0'), 'a KV key has no leading / and no NUL')
        .default(DEFAULT_AGENT_LOCK_KEY),
    }),
  }),

  /** Inspect statistics of every backup in a folder (cached per file content), and how they grew. */
  'growth.analyse': method<GrowthReport>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      folder: hostPathSchema,
      kvDepth: z.int().min(1).max(MAX_KV_DEPTH).default(DEFAULT_KV_DEPTH),
      /** How many KV prefixes and movers to report. */
      top: z.int().min(1).max(50).default(8),
    }),
    operation: true,
  }),

  /**
   * The dry run of a selective restore: chosen KV keys of an opened snapshot against a profile's
   * live cluster. Changes nothing; the host keeps the plan for `selectiveRestore.apply`.
   */
  'selectiveRestore.plan': method<KvRestorePlanWire>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      catalogueId: catalogueIdSchema,
      profileId: idSchema,
      prefixes: z.array(z.string().max(8192)).max(1000).default([]),
      keys: z.array(z.string().max(8192)).max(10_000).default([]),
      rewrite: z.strictObject({ from: z.string().max(8192), to: z.string().max(8192) }).optional(),
      deleteMissing: z.boolean().default(false),
    }),
    operation: true,
  }),
  /** Destructive. Applies exactly that dry run; refused unless `confirmation` equals the profile's name. */
  'selectiveRestore.apply': method<KvRestoreResultWire>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      planId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
      confirmation: z.string().max(200),
      acknowledgeLoss: z.boolean().default(false),
    }),
    operation: true,
  }),

  'recentFiles.list': method<{ files: RecentFile[] }>()({ request: noInput }),
  'folders.suggestions': method<FolderSuggestions>()({ request: noInput }),

  'dialogs.openSnapshot': method<{ path: string | null }>()({
    request: noInput,
    availability: 'electron',
  }),
  'dialogs.chooseFolder': method<{ path: string | null }>()({
    request: z.strictObject({ title: z.string().max(200).optional() }),
    availability: 'electron',
  }),

  'sample.open': method<SampleSnapshot>()({ request: noInput }),

  // Backup plans (docs/backups.md): run by the host while it is open, with the agent's engine.
  'plans.list': method<{ plans: PlanView[]; notice: PlanStoreNotice | null }>()({ request: noInput }),
  'plans.create': method<PlanView>()({ request: z.strictObject({ input: planInputSchema }) }),
  'plans.update': method<PlanView>()({ request: z.strictObject({ id: idSchema, input: planInputSchema }) }),
  'plans.delete': method<{ id: string }>()({ request: z.strictObject({ id: idSchema }) }),
  /** Runs the plan now and answers when the run has ended (its result is in the history too). */
  'plans.runNow': method<PlanRunView>()({ request: z.strictObject({ id: idSchema }) }),
  'plans.pause': method<PlanView>()({ request: z.strictObject({ id: idSchema }) }),
  'plans.resume': method<PlanView>()({ request: z.strictObject({ id: idSchema }) }),
  /** Newest first. */
  'plans.history': method<{ runs: PlanRunView[] }>()({
    request: z.strictObject({ id: idSchema, limit: z.int().min(1).max(1000).default(50) }),
  }),
  /** The plan as the server agent's config file, systemd unit and ACL policy, for one profile. */
  'plans.export': method<{ files: ExportedFile[] }>()({
    request: z.strictObject({ id: idSchema, profileId: idSchema.optional() }),
  }),
  /** The next runs of a schedule being edited. */
  'schedule.preview': method<{ runs: ScheduledRunView[] }>()({
    request: z.strictObject({
      schedule: planScheduleSchema,
      count: z.int().min(1).max(50).default(5),
      seed: z.string().max(200).default(''),
    }),
  }),
  /**
   * What a policy would keep and delete now in each of a plan's destinations (each its own
   * listing, in the order given): the engine's own plan, nothing deleted.
   */
  'retention.preview': method<{ previews: RetentionPreviewOutcome[] }>()({
    request: z.strictObject({
      destinations: z.array(planDestinationSchema).min(1).max(planLimits.destinations),
      retention: retentionPolicySchema,
      nameTemplate: planOptionsSchema.shape.nameTemplate,
      /** The connection whose name fills {profile} in the template. */
      profileId: idSchema.optional(),
    }),
  }),

  // Backups in a plan's destination (folder, S3, Azure Blob, GCS): read where they are stored.
  /** Every backup in the destination (all pages), newest first, with what its sidecar or name tells. */
  'storedBackups.list': method<StoredBackupList>()({
    request: z.strictObject({ ...storedDestinationSchema }),
  }),
  /** Inspect streamed from the store: nothing is downloaded first, nothing written. */
  'storedBackups.inspect': method<SnapshotInspectionWire>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      ...storedDestinationSchema,
      name: storedBackupNameSchema,
      decryption: sourceDecryptionSchema.optional(),
      ...kvOptions,
    }),
    operation: true,
  }),
  /**
   * A verified copy (encrypted ones stay encrypted) in a host folder: the default save folder, or
   * one the operator picked. Never replaces a file; nothing is left behind when it fails.
   */
  'storedBackups.download': method<StoredBackupDownload>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      ...storedDestinationSchema,
      name: storedBackupNameSchema,
      folder: hostPathSchema.optional(),
      decryption: sourceDecryptionSchema.optional(),
    }),
    operation: true,
  }),
  /** Destructive. Refused unless `confirmation` equals the backup's name. */
  'storedBackups.delete': method<{ name: string }>()({
    request: z.strictObject({
      ...storedDestinationSchema,
      name: storedBackupNameSchema,
      confirmation: z.string().max(1024),
    }),
  }),
  /** Streams each backup (all when `names` is absent) through full verification; writes nothing. */
  'storedBackups.verify': method<StoredBackupVerifyReport>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      ...storedDestinationSchema,
      names: z.array(storedBackupNameSchema).min(1).max(10_000).optional(),
      decryption: sourceDecryptionSchema.optional(),
    }),
    operation: true,
  }),
  /**
   * Downloads and verifies a backup (decrypted) into the host's upload area; the restore wizard
   * then takes it as `{ kind: 'upload', uploadId }`, with its own checks.
   */
  'storedBackups.prepareRestore': method<UploadedFile>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      ...storedDestinationSchema,
      name: storedBackupNameSchema,
      decryption: sourceDecryptionSchema.optional(),
    }),
    operation: true,
  }),
  /**
   * Opens a stored backup in the content browser: a catalogue like snapshot.browse.open's, built
   * from a verified copy that is removed as soon as the catalogue holds its own working copy.
   */
  'storedBackups.browse': method<CatalogueSummary>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      ...storedDestinationSchema,
      name: storedBackupNameSchema,
      decryption: sourceDecryptionSchema.optional(),
    }),
    operation: true,
  }),
  /** Removes a copy made by prepareRestore once the wizard is done with it. */
  'storedBackups.discardPrepared': method<{ removed: boolean }>()({
    request: z.strictObject({ uploadId: uploadIdSchema }),
  }),

  /**
   * Compares a snapshot (before) with another snapshot or a fresh snapshot of a profile's cluster
   * (after). The host keeps both open for `compare.changes` and `compare.kvValues` until closed.
   */
  'compare.open': method<ComparisonSummaryWire>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      left: snapshotSourceSchema,
      right: z.discriminatedUnion('kind', [
        ...snapshotSourceSchema.options,
        z.object({ kind: z.literal('profile'), profileId: idSchema }),
      ]),
      prefix: z.string().max(8192).default(''),
    }),
    operation: true,
  }),
  'compare.changes': method<ChangePageWire>()({
    request: z.strictObject({ comparisonId: catalogueIdSchema, kind: z.enum(diffKinds), ...pageSchema }),
  }),
  /** One key's two values, for the side-by-side view. */
  'compare.kvValues': method<KvValuePairWire>()({
    request: z.strictObject({
      comparisonId: catalogueIdSchema,
      key: z.string().max(8192),
      maxBytes: z
        .int()
        .min(0)
        .max(16 * 1024 * 1024)
        .default(1024 * 1024),
    }),
  }),
  'compare.close': method<{ closed: boolean }>()({
    request: z.strictObject({ comparisonId: catalogueIdSchema }),
  }),

  /** Cancels a running operation started by the same client; false when it had already ended. */
  'operations.cancel': method<{ cancelled: boolean }>()({
    request: z.strictObject({ operationId: operationIdSchema }),
  }),
} as const

// ---------------------------------------------------------------------------------------------
// Events (host → renderer)

// Inner objects are not strict: a field a newer host adds is dropped, not a reason to lose the event.
const byteProgressSchema = z.object({
  bytes: z.number().min(0),
  totalBytes: z.number().min(0).nullable(),
}) satisfies z.ZodType<ByteProgress>
const transferProgressSchema = byteProgressSchema.extend({
  bytesPerSecond: z.number().min(0),
  elapsedMs: z.number().min(0),
})

const progressSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('inspect'), progress: byteProgressSchema }),
  z.strictObject({
    kind: z.literal('save'),
    profileId: idSchema,
    progress: transferProgressSchema.extend({ phase: z.enum(savePhases) }) satisfies z.ZodType<SaveProgress>,
  }),
  z.strictObject({
    kind: z.literal('growth'),
    progress: z.object({
      filesDone: z.int().min(0),
      totalFiles: z.int().min(0),
      file: z.string(),
      bytes: z.number().min(0),
      totalBytes: z.number().min(0).nullable(),
    }) satisfies z.ZodType<GrowthProgress>,
  }),
  z.strictObject({
    kind: z.literal('restore'),
    progress: transferProgressSchema.extend({
      phase: z.enum(restorePhases),
    }) satisfies z.ZodType<RestoreProgress>,
  }),
  z.strictObject({
    kind: z.literal('compare'),
    progress: z.object({
      phase: z.enum(comparePhases),
      done: z.number().min(0),
      total: z.number().min(0).nullable(),
    }) satisfies z.ZodType<CompareProgress>,
  }),
  z.strictObject({ kind: z.literal('drill'), phase: z.enum(drillPhases) }),
  z.strictObject({
    kind: z.literal('stored-verify'),
    progress: z.object({
      done: z.int().min(0),
      total: z.int().min(0),
      name: z.string(),
      bytes: z.number().min(0),
      totalBytes: z.number().min(0).nullable(),
    }) satisfies z.ZodType<StoredVerifyProgress>,
  }),
])

/** What a long operation reports: reading a file, a save per profile, a restore, or a growth analysis. */
export type OperationProgress = z.output<typeof progressSchema>

export const menuCommands = ['open-snapshot', 'new-profile', 'save-snapshot'] as const
export type MenuCommand = (typeof menuCommands)[number]

export const apiEvents = {
  /** Progress of a long operation, delivered only to the client that started it. */
  'operation.progress': z.strictObject({ operationId: operationIdSchema, progress: progressSchema }),
  /** A snapshot to open in Inspect: file association, "open with", a second launch, the command line. */
  'app.openFile': z.strictObject({ path: hostPathSchema }),
  'menu.command': z.strictObject({ command: z.enum(menuCommands) }),
  /** A backup plan's run ended (scheduled, caught up or run now), on every client. */
  'plans.runFinished': z.strictObject({
    planId: idSchema,
    planName: z.string(),
    ok: z.boolean(),
    trigger: z.enum(['schedule', 'catch-up', 'manual']),
    message: z.string().nullable(),
  }) satisfies z.ZodType<PlanRunFinished>,
} as const

// ---------------------------------------------------------------------------------------------
// Derived types

export type ApiMethods = typeof apiMethods
export type MethodName = keyof ApiMethods
export type ApiEvents = typeof apiEvents
export type EventName = keyof ApiEvents

/** What the caller passes (defaults may be left out). */
export type RequestInput<M extends MethodName> = z.input<ApiMethods[M]['request']>
/** What the host's handler receives after validation (defaults filled in). */
export type RequestOf<M extends MethodName> = z.output<ApiMethods[M]['request']>
export type ResponseOf<M extends MethodName> = NonNullable<ApiMethods[M]['response']>
export type EventPayload<E extends EventName> = z.output<ApiEvents[E]>

export type OperationMethodName = {
  [M in MethodName]: ApiMethods[M]['operation'] extends true ? M : never
}[MethodName]

export const methodNames = Object.keys(apiMethods) as MethodName[]

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(apiMethods, value)
}
