/**
 * The one definition of the API between the renderer and the host. Each method names its request
 * schema (zod, checked on the host before any service runs), its response type, the error codes
 * it can answer with, where it is available and whether it is a long operation (progress events,
 * cancellation). Events name their payload schema. Both transports and the client derive
 * everything from these two tables; no channel string is written anywhere else.
 */
import { z } from 'zod'
import type { AppErrorCode } from './app-error'
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
import { datacenterSchema } from './consul-names'
import { DEFAULT_KV_DEPTH, MAX_KV_DEPTH } from './kv-details-options'
import { profileInputSchema } from './profile-schema'
import type { EnvProfileDraft, ProfileStoreNotice, ProfileView } from './profile-types'
import type { InspectProgress, RecentFile, SnapshotInspectionWire } from './snapshot-wire-types'

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Where a method exists: everywhere, or only in the desktop app (native dialogs). */
export type Availability = 'any' | 'electron'

export interface MethodDefinition<Request extends z.ZodType, Response, Operation extends boolean> {
  request: Request
  errors: readonly AppErrorCode[]
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
    errors?: readonly AppErrorCode[]
    availability?: Availability
    operation?: Operation
  }): MethodDefinition<Request, Response, Operation> => ({
    request: definition.request,
    errors: definition.errors ?? [],
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
export const snapshotSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: hostPathSchema }),
  z.object({ kind: z.literal('upload'), uploadId: uploadIdSchema }),
])

const kvOptions = {
  kvDetails: z.boolean().default(false),
  kvDepth: z.int().min(0).max(MAX_KV_DEPTH).default(DEFAULT_KV_DEPTH),
  kvFilter: z.string().max(4096).default(''),
}

const catalogueIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)
const pageSchema = {
  offset: z.int().min(0).default(0),
  limit: z.int().min(1).max(1000).default(200),
}

const httpsUrlSchema = z.string().min(1).max(2048)

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

export interface SampleSnapshot {
  path: string
  name: string
}

// ---------------------------------------------------------------------------------------------
// The methods

const sourceErrors = [
  'FILE_NOT_FOUND',
  'FILE_UNREADABLE',
  'INVALID_ARGUMENT',
] as const satisfies readonly AppErrorCode[]
const snapshotErrors = [
  ...sourceErrors,
  'SNAPSHOT_EMPTY',
  'SNAPSHOT_NOT_GZIP',
  'SNAPSHOT_GZIP_CORRUPT',
  'SNAPSHOT_TRUNCATED',
  'SNAPSHOT_NOT_TAR',
  'SNAPSHOT_UNEXPECTED_ENTRY',
  'SNAPSHOT_TRAILING_BYTES',
  'SNAPSHOT_CHECKSUM_MISMATCH',
  'SNAPSHOT_CHECKSUM_LIST_INVALID',
  'SNAPSHOT_MISSING_ENTRY',
  'SNAPSHOT_META_INVALID',
  'SNAPSHOT_SIZE_MISMATCH',
  'SNAPSHOT_STATE_INVALID',
  'CANCELLED',
] as const satisfies readonly AppErrorCode[]
const consulErrors = [
  'PROFILE_NOT_FOUND',
  'CONSUL_UNREACHABLE',
  'CONSUL_REFUSED',
  'CONSUL_TLS',
  'CONSUL_ACL_DENIED',
  'CONSUL_NO_LEADER',
  'CONSUL_RATE_LIMITED',
  'CONSUL_TIMEOUT',
  'CONSUL_HTTP',
] as const satisfies readonly AppErrorCode[]

export const apiMethods = {
  'app.info': method<AppInfo>()({ request: noInput }),
  /**
   * Snapshot files the app was started with (command line, "open with", a file dropped on the
   * dock) before the window could listen; later ones arrive as `app.openFile` events. Each file
   * is handed out once.
   */
  'app.takeLaunchFiles': method<{ paths: string[] }>()({ request: noInput }),

  'profiles.list': method<ProfileList>()({ request: noInput, errors: ['SETTINGS_CORRUPT'] }),
  'profiles.create': method<ProfileView>()({
    request: z.strictObject({ input: profileInputSchema }),
    errors: ['PROFILE_INVALID'],
  }),
  'profiles.update': method<ProfileView>()({
    request: z.strictObject({ id: idSchema, input: profileInputSchema }),
    errors: ['PROFILE_INVALID', 'PROFILE_NOT_FOUND'],
  }),
  'profiles.duplicate': method<ProfileView>()({
    request: z.strictObject({ id: idSchema }),
    errors: ['PROFILE_NOT_FOUND'],
  }),
  'profiles.remove': method<{ id: string }>()({
    request: z.strictObject({ id: idSchema }),
    errors: ['PROFILE_NOT_FOUND'],
  }),
  /** Reads the host's CONSUL_* variables into an unsaved draft; null when none is set. */
  'profiles.importFromEnv': method<{ draft: EnvProfileDraft | null }>()({
    request: noInput,
    errors: ['PROFILE_INVALID'],
  }),
  /** Tests a saved profile, or a draft before it is saved. */
  'profiles.test': method<ConnectionTestResult>()({
    request: z.union([z.strictObject({ id: idSchema }), z.strictObject({ input: profileInputSchema })]),
    errors: [...consulErrors, 'PROFILE_INVALID'],
  }),

  'snapshot.inspect': method<SnapshotInspectionWire>()({
    request: z.strictObject({ operationId: operationIdSchema, source: snapshotSourceSchema, ...kvOptions }),
    errors: snapshotErrors,
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
    errors: snapshotErrors,
    operation: true,
  }),

  'snapshot.browse.open': method<CatalogueSummary>()({
    request: z.strictObject({ operationId: operationIdSchema, source: snapshotSourceSchema }),
    errors: snapshotErrors,
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
    errors: ['FILE_NOT_FOUND', 'INVALID_ARGUMENT'],
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
    errors: ['FILE_NOT_FOUND', 'INVALID_ARGUMENT'],
  }),
  /** Nodes, services, checks, sessions, prepared queries, ACL objects (secrets masked), config entries. */
  'snapshot.browse.records': method<RecordPageWire>()({
    request: z.strictObject({ catalogueId: catalogueIdSchema, kind: z.enum(recordKinds), ...pageSchema }),
    errors: ['FILE_NOT_FOUND', 'INVALID_ARGUMENT'],
  }),
  /** One masked secret in clear, because the operator asked for that one. */
  'snapshot.browse.revealSecret': method<{ value: string }>()({
    request: z.strictObject({
      catalogueId: catalogueIdSchema,
      kind: z.enum(recordKinds),
      id: z.string().max(1024),
      field: z.string().max(200),
    }),
    errors: ['FILE_NOT_FOUND', 'INVALID_ARGUMENT'],
  }),
  'snapshot.browse.search': method<{ hits: SearchHitWire[]; truncated: boolean }>()({
    request: z.strictObject({
      catalogueId: catalogueIdSchema,
      query: z.string().min(1).max(1024),
      limit: z.int().min(1).max(1000).default(100),
    }),
    errors: ['FILE_NOT_FOUND', 'INVALID_ARGUMENT'],
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
    errors: [...consulErrors, 'FILE_EXISTS', 'FILE_UNREADABLE', 'CANCELLED'],
    operation: true,
  }),

  /** Full verification (gzip, tar, SHA256SUMS, sizes, every record); answers what inspect answers. */
  'restore.verify': method<SnapshotInspectionWire>()({
    request: z.strictObject({ operationId: operationIdSchema, source: snapshotSourceSchema }),
    errors: snapshotErrors,
    operation: true,
  }),
  'restore.preflight': method<RestorePreflight>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      source: snapshotSourceSchema,
      profileId: idSchema,
    }),
    errors: [...snapshotErrors, ...consulErrors],
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
    }),
    errors: [...snapshotErrors, ...consulErrors, 'RESTORE_REFUSED'],
    operation: true,
  }),

  'recentFiles.list': method<{ files: RecentFile[] }>()({ request: noInput }),
  'folders.suggestions': method<FolderSuggestions>()({ request: noInput }),

  'dialogs.openSnapshot': method<{ path: string | null }>()({
    request: noInput,
    availability: 'electron',
    errors: ['UNSUPPORTED'],
  }),
  'dialogs.chooseFolder': method<{ path: string | null }>()({
    request: z.strictObject({ title: z.string().max(200).optional() }),
    availability: 'electron',
    errors: ['UNSUPPORTED'],
  }),

  'sample.open': method<SampleSnapshot>()({ request: noInput, errors: ['FILE_UNREADABLE'] }),

  /**
   * Opens an https link from the allowlist in the system browser; refuses anything else. Browser
   * mode checks the link the same way but answers opened: false (the page opens it itself).
   */
  'shell.openExternal': method<{ opened: boolean }>()({
    request: z.strictObject({ url: httpsUrlSchema }),
    errors: ['URL_NOT_ALLOWED'],
  }),

  /** Cancels a running operation started by the same client; false when it had already ended. */
  'operations.cancel': method<{ cancelled: boolean }>()({
    request: z.strictObject({ operationId: operationIdSchema }),
  }),
} as const

// ---------------------------------------------------------------------------------------------
// Events (host → renderer)

const progressSchema = z.custom<OperationProgress>((value) => typeof value === 'object' && value !== null)

export type OperationProgress =
  | { kind: 'inspect'; progress: InspectProgress }
  | { kind: 'save'; profileId: string; progress: SaveProgress }
  | { kind: 'restore'; progress: RestoreProgress }

export const menuCommands = ['open-snapshot', 'new-profile', 'save-snapshot'] as const
export type MenuCommand = (typeof menuCommands)[number]

export const apiEvents = {
  /** Progress of a long operation, delivered only to the client that started it. */
  'operation.progress': z.strictObject({ operationId: operationIdSchema, progress: progressSchema }),
  /** A snapshot to open in Inspect: file association, "open with", a second launch, the command line. */
  'app.openFile': z.strictObject({ path: hostPathSchema }),
  'menu.command': z.strictObject({ command: z.enum(menuCommands) }),
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
export const eventNames = Object.keys(apiEvents) as EventName[]

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(apiMethods, value)
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(apiEvents, value)
}
