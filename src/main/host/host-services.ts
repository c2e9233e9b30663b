/**
 * What the API handlers need from the rest of the host, as narrow ports. The real wiring
 * (create-host-services.ts) adapts the snapshot, catalogue and Consul services to these; tests
 * pass plain fakes. Every port takes an AbortSignal where the work can be long.
 */
import type { AppInfo, OperationProgress, ProfileList, SampleSnapshot } from '../../shared/api-contract'
import type {
  CatalogueSummary,
  KvPageWire,
  KvValueWire,
  RecordKind,
  RecordPageWire,
  SearchHitWire,
} from '../../shared/browse-wire-types'
import type {
  ConnectionTestResult,
  RestorePreflight,
  RestoreProgress,
  RestoreResult,
  SaveManyEntry,
  SaveProgress,
} from '../../shared/consul-types'
import type { KvRestorePlanWire, KvRestoreResultWire } from '../../shared/selective-restore-types'
import type { EnvProfileDraft, ProfileInput, ProfileView } from '../../shared/profile-types'
import type { RecentFile, SnapshotInspectionWire, SnapshotSource } from '../../shared/snapshot-wire-types'
import type { ByteProgress } from '../../shared/progress'
import type { ConsulConnection } from '../services/consul/consul-connection'
import type {
  ChangePageWire,
  ComparisonSummaryWire,
  CompareProgress,
  DiffKind,
  KvValuePairWire,
} from '../../shared/diff-wire-types'
import type { FleetStatus } from '../../shared/fleet-types'
import type { GrowthProgress, GrowthReport } from '../../shared/growth-types'
import type { PlanDestination, PlanInput, PlanRetention, PlanSchedule } from '../../shared/backup-plan-schema'
import type {
  ExportedFile,
  PlanRunView,
  PlanStoreNotice,
  PlanView,
  RetentionPreviewOutcome,
  ScheduledRunView,
} from '../../shared/backup-plan-types'
import type { StoredBackupsPort } from '../services/stored-backups/stored-backups-service'

export interface Work<P> {
  signal: AbortSignal
  onProgress(progress: P): void
}

export interface InspectOptions {
  kvDetails: boolean
  kvDepth: number
  kvFilter: string
}

/** Runs snapshot scans; the Electron main process gets one that uses a worker thread. */
export interface InspectRunner {
  inspect(path: string, options: InspectOptions, work: Work<ByteProgress>): Promise<SnapshotInspectionWire>
  verify(path: string, work: Work<ByteProgress>): Promise<SnapshotInspectionWire>
}

/** Turns a wire source into a readable file path; refuses unknown uploads and missing files. */
export interface SourceResolver {
  resolve(source: SnapshotSource): Promise<string>
}

export interface ProfilesPort {
  list(): Promise<ProfileList>
  create(input: ProfileInput): Promise<ProfileView>
  update(id: string, input: ProfileInput): Promise<ProfileView>
  duplicate(id: string): Promise<ProfileView>
  remove(id: string): Promise<void>
  importFromEnv(): Promise<EnvProfileDraft | null>
  test(target: { id: string } | { input: ProfileInput }, signal: AbortSignal): Promise<ConnectionTestResult>
}

export interface CataloguePort {
  open(path: string, work: Work<ByteProgress>): Promise<CatalogueSummary>
  close(catalogueId: string): Promise<boolean>
  kvList(catalogueId: string, prefix: string, offset: number, limit: number): Promise<KvPageWire>
  kvValue(catalogueId: string, key: string, maxBytes: number): Promise<KvValueWire>
  records(catalogueId: string, kind: RecordKind, offset: number, limit: number): Promise<RecordPageWire>
  revealSecret(catalogueId: string, kind: RecordKind, id: string, field: string): Promise<string>
  search(
    catalogueId: string,
    query: string,
    limit: number,
  ): Promise<{ hits: SearchHitWire[]; truncated: boolean }>
}

export interface SaveRequest {
  profileIds: string[]
  folder?: string
  fileNameTemplate?: string
  stale: boolean
  datacenter?: string
}

export interface SavePort {
  saveMany(
    request: SaveRequest,
    work: Work<{ profileId: string; progress: SaveProgress }>,
  ): Promise<SaveManyEntry[]>
}

export interface RestoreRequest {
  path: string
  profileId: string
  confirmation: string
  safetySnapshot: boolean
  safetySnapshotFolder?: string
  acknowledgeLoss?: boolean
}

export interface RestorePort {
  /** Reads the whole file again (progress in the 'verifying' phase) before it asks the target. */
  preflight(path: string, profileId: string, work: Work<RestoreProgress>): Promise<RestorePreflight>
  restore(request: RestoreRequest, work: Work<RestoreProgress>): Promise<RestoreResult>
}

export interface SelectiveRestorePlanRequest {
  catalogueId: string
  profileId: string
  prefixes: string[]
  keys: string[]
  rewrite?: { from: string; to: string }
  deleteMissing: boolean
}

export interface SelectiveRestorePort {
  plan(request: SelectiveRestorePlanRequest, work: Work<never>): Promise<KvRestorePlanWire>
  apply(
    request: { planId: string; confirmation: string; acknowledgeLoss: boolean },
    work: Work<never>,
  ): Promise<KvRestoreResultWire>
}

/** Folders recently saved into; `list` gives only those that still exist. */
export interface RecentFoldersPort {
  list(): Promise<string[]>
  add(folder: string): Promise<void>
}

export interface RecentFilesPort {
  list(): Promise<RecentFile[]>
  add(path: string): Promise<RecentFile[]>
}

/** Native pickers; only the desktop app has them. */
export interface DialogsPort {
  openSnapshot(): Promise<string | null>
  chooseFolder(title?: string): Promise<string | null>
}

export interface SamplePort {
  open(): Promise<SampleSnapshot>
}

export interface FleetPort {
  status(
    request: { profileIds?: string[]; service: string; lockKey: string },
    signal: AbortSignal,
  ): Promise<FleetStatus>
}

export interface GrowthPort {
  analyse(
    request: { folder: string; kvDepth: number; top: number },
    work: Work<GrowthProgress>,
  ): Promise<GrowthReport>
}

/** Backup plans and their runner (src/main/services/plans), composed in plans-port.ts. */
export interface PlansPort {
  list(): Promise<{ plans: PlanView[]; notice: PlanStoreNotice | null }>
  create(input: PlanInput): Promise<PlanView>
  update(id: string, input: PlanInput): Promise<PlanView>
  delete(id: string): Promise<void>
  runNow(id: string): Promise<PlanRunView>
  setPaused(id: string, paused: boolean): Promise<PlanView>
  history(id: string, limit: number): Promise<PlanRunView[]>
  exportForServers(id: string, profileId?: string): Promise<ExportedFile[]>
  previewSchedule(schedule: PlanSchedule, count: number, seed: string): ScheduledRunView[]
  /** Each destination's preview in the request's order; one that cannot be read is an outcome, not a throw. */
  previewRetention(request: {
    destinations: PlanDestination[]
    retention: PlanRetention
    nameTemplate: string | null
    profileId?: string
  }): Promise<RetentionPreviewOutcome[]>
}

/** What a comparison's after side is: a snapshot file, or a fresh snapshot of a profile's cluster. */
export type CompareTarget = { path: string } | { profileId: string }

/** Comparisons kept open by id, so the window can page through changes and open a key's values. */
export interface ComparePort {
  open(
    before: string,
    after: CompareTarget,
    prefix: string,
    work: Work<CompareProgress>,
  ): Promise<ComparisonSummaryWire>
  changes(comparisonId: string, kind: DiffKind, offset: number, limit: number): Promise<ChangePageWire>
  kvValues(comparisonId: string, key: string, maxBytes: number): Promise<KvValuePairWire>
  close(comparisonId: string): Promise<boolean>
}

/** The connection of a profile a drill may restore into; the drill engine refuses a non-scratch one. */
export interface DrillTargetsPort {
  connectionFor(profileId: string): Promise<ConsulConnection>
}

export interface HostServices {
  /** Backups where a plan stores them (src/main/services/stored-backups). */
  storedBackups?: StoredBackupsPort
  appInfo(): AppInfo
  sources: SourceResolver
  inspect: InspectRunner
  profiles?: ProfilesPort
  catalogue?: CataloguePort
  save?: SavePort
  restore?: RestorePort
  selectiveRestore?: SelectiveRestorePort
  drillTargets?: DrillTargetsPort
  compare?: ComparePort
  recentFiles?: RecentFilesPort
  recentFolders?: RecentFoldersPort
  dialogs?: DialogsPort
  sample?: SamplePort
  fleet?: FleetPort
  growth?: GrowthPort
  plans?: PlansPort
}

export type { OperationProgress }
