import type {
  KvPageWire,
  KvRowWire,
  KvValueWire,
  RecordKind,
  RecordPageWire,
  SearchHitWire,
  CatalogueSummary,
} from '../../shared/browse-wire-types'
import type {
  ConnectionTestResult,
  RestorePreflight,
  RestoreProgress,
  RestoreResult,
  SaveManyEntry,
  SaveProgress,
} from '../../shared/consul-types'
import type { EnvProfileDraft, ProfileInput, ProfileView } from '../../shared/profile-types'
import type {
  IntegrityWire,
  RecentFile,
  SnapshotInspectionWire,
  SnapshotSourceRef,
  VerifyResultWire,
} from '../../shared/snapshot-wire-types'

/**
 * Everything the screens ask of the outside world. Stores depend on this interface only, so
 * component and store tests pass a plain fake, and the wiring to the typed contract client
 * (src/renderer/api) lives in exactly one adapter (api-port.ts). The value types are the
 * contract's own wire types, so nothing is translated twice.
 */

export type {
  KvPageWire,
  KvRowWire,
  KvValueWire,
  RecordKind,
  RecordPageWire,
  SearchHitWire,
  CatalogueSummary,
}
export type {
  ConnectionTestResult,
  RestorePreflight,
  RestoreProgress,
  RestoreResult,
  SaveManyEntry,
  SaveProgress,
}
export type { EnvProfileDraft, ProfileInput, ProfileView }
export type { IntegrityWire, RecentFile, SnapshotInspectionWire, SnapshotSourceRef, VerifyResultWire }

/** Bytes read so far, for any long operation. */
export interface ByteProgress {
  bytes: number
  total: number | null
  /** bytes per second, when the operation measures it */
  rate?: number
}

export interface Operation<P = ByteProgress> {
  onProgress?: (progress: P) => void
  signal?: AbortSignal
}

export interface InspectOptions {
  kvDetails: boolean
  kvDepth: number
  kvFilter: string
}

export interface SaveRequest {
  profileIds: string[]
  stale: boolean
  /** Empty: each profile's own datacenter. */
  datacenter: string
  folder: string
  fileNameTemplate: string
}

export interface RestoreRequest {
  profileId: string
  source: SnapshotSourceRef
  safetySnapshot: boolean
  /** The profile name as typed by the operator; the service checks it again. */
  confirmation: string
}

export interface FileCapabilities {
  /** Electron: the OS file and folder pickers. */
  nativeDialogs: boolean
  /** Browser mode: the file's bytes are uploaded to the host. */
  upload: boolean
}

export type MenuCommand = 'open-snapshot' | 'new-profile' | 'save-snapshot'

export interface StudioPort {
  capabilities: FileCapabilities
  profiles: {
    list(): Promise<ProfileView[]>
    create(input: ProfileInput): Promise<ProfileView>
    update(id: string, input: ProfileInput): Promise<ProfileView>
    duplicate(id: string): Promise<ProfileView>
    remove(id: string): Promise<void>
    test(id: string): Promise<ConnectionTestResult>
    /** Tests settings before they are saved (the token typed in the form included). */
    testDraft(input: ProfileInput): Promise<ConnectionTestResult>
    importFromEnvironment(): Promise<EnvProfileDraft>
  }
  files: {
    /** Electron's open dialog; null when cancelled. */
    chooseSnapshot(): Promise<SnapshotSourceRef | null>
    chooseFolder(): Promise<string | null>
    /** A dropped or picked File: its path in Electron, an upload in browser mode. */
    fromFile(file: File, op?: Operation): Promise<SnapshotSourceRef>
    /** A path typed by the operator, on the host that runs the services. */
    fromHostPath(path: string): SnapshotSourceRef
    recent(): Promise<RecentFile[]>
    sample(): Promise<SnapshotSourceRef>
    defaultSaveFolder(): Promise<string>
  }
  snapshots: {
    inspect(
      source: SnapshotSourceRef,
      options: InspectOptions,
      op?: Operation,
    ): Promise<SnapshotInspectionWire>
    openCatalogue(source: SnapshotSourceRef, op?: Operation): Promise<CatalogueSummary>
    closeCatalogue(catalogueId: string): Promise<void>
    kvChildren(catalogueId: string, prefix: string, offset: number, limit: number): Promise<KvPageWire>
    kvValue(catalogueId: string, key: string): Promise<KvValueWire>
    records(catalogueId: string, kind: RecordKind, offset: number, limit: number): Promise<RecordPageWire>
    revealSecret(catalogueId: string, kind: RecordKind, id: string, field: string): Promise<string>
    search(catalogueId: string, query: string, limit: number): Promise<SearchHitWire[]>
  }
  save: {
    run(
      request: SaveRequest,
      onProgress: (profileId: string, progress: SaveProgress) => void,
      signal?: AbortSignal,
    ): Promise<SaveManyEntry[]>
  }
  restore: {
    preflight(profileId: string, source: SnapshotSourceRef): Promise<RestorePreflight>
    run(
      request: RestoreRequest,
      onProgress: (progress: RestoreProgress) => void,
      signal?: AbortSignal,
    ): Promise<RestoreResult>
  }
  onMenuCommand(listener: (command: MenuCommand) => void): () => void
  /** A file handed over by the OS (file association, second launch, command line). */
  onOpenFile(listener: (path: string) => void): () => void
}

let installed: StudioPort | undefined

/** Called once by main.tsx (and by tests) before anything renders. */
export function installStudioPort(port: StudioPort): void {
  installed = port
}

export function studioPort(): StudioPort {
  if (installed === undefined)
    throw new Error('studio port not installed: main.tsx installs it before rendering')
  return installed
}
