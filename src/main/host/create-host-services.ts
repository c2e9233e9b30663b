/**
 * The real wiring behind the API, shared by the desktop app and the browser-mode host: profiles
 * and Consul operations (with secrets from the given store), snapshot scans through the given
 * runner, catalogues, recent files, uploads. What differs per host comes in as parameters.
 */
import { access } from 'node:fs/promises'
import type { AppInfo, ProfileList } from '../../shared/api-contract'
import { AppError } from '../../shared/app-error'
import type { ProfileStoreNotice } from '../../shared/profile-types'
import { ProfileService, type SecretStore } from '../services/profiles'
import { sweepStaleSpillFiles } from '../services/snapshot/catalogue'
import { FleetService } from '../services/fleet/fleet-service'
import { createGrowthPort } from './growth-port'
import { composeConsulService } from './consul-service'
import { createCataloguePort } from './workers/catalogue-port'
import { createComparePort } from './compare-port'
import type { HostKind } from '../api/dispatcher'
import type { CataloguePort, DialogsPort, HostServices, InspectRunner } from './host-services'
import { createRecentFilesStore } from './recent-files-store'
import { createSelectiveRestorePort } from './selective-restore-port'
import { createRecentFoldersStore } from './recent-folders-store'
import { createDecryptedSources } from './decrypted-sources'
import { createSourceResolver } from './source-resolver'
import { createUploadFolder, createUploadStore, type UploadStore } from './upload-store'
import { StoredBackupsService } from '../services/stored-backups/stored-backups-service'
import { silentLogger, type Logger } from '../logging/logger'
import { withOperationLog } from './operation-log'
import { planCoverageFrom } from '../services/fleet/plan-coverage'
import { composePlans, type PlansComposition, type PlansOptions } from './plans-port'

export interface HostEnvironment {
  kind: HostKind
  version: string
  platform: string
  dataDir: string
  /** The environment CONSUL_* variables are imported from. */
  env: Record<string, string | undefined>
  defaultSaveFolder: string
  secrets: SecretStore
  inspect: InspectRunner
  uploads?: UploadStore
  dialogs?: DialogsPort
  /** A small snapshot shipped with the app, for a first look without a cluster. */
  sampleSnapshotPath?: string
  /** Browsing catalogues (a worker-thread port in the apps); in-process when absent. */
  catalogue?: CataloguePort & { closeAll(): Promise<void> }
  /** Folder for catalogues' decompressed working copies (in-process catalogues). */
  spillDir?: string
  /** Where operations are logged; nowhere when absent. */
  log?: Logger
  /** Backup plans' clock, timers and lock identity (tests); real ones when absent. */
  plans?: Pick<PlansOptions, 'clock' | 'timers' | 'lockEnvironment' | 'save'>
}

export interface HostServicesHandle {
  services: HostServices
  /** A backup plan's run ended: the hosts broadcast it to the windows (and notify on the desktop). */
  onPlanRunFinished: PlansComposition['onRunFinished']
  dispose(): Promise<void>
}

export async function createHostServices(environment: HostEnvironment): Promise<HostServicesHandle> {
  // Working copies left by a crashed run hold KV values and ACL secrets: remove them first.
  sweepStaleSpillFiles(environment.spillDir)
  const opened = await ProfileService.open({ dataDir: environment.dataDir, secrets: environment.secrets })
  const profiles = opened.service
  // The notice about a damaged profile file is shown once, with the first list.
  let pendingNotice: ProfileStoreNotice | null = opened.notice ?? null
  const { consul, inspect } = composeConsulService({
    profiles,
    inspect: environment.inspect,
    untrustedPaths: environment.kind === 'browser',
  })
  const catalogue = environment.catalogue ?? createCataloguePort({ spillDir: environment.spillDir })
  const compare = createComparePort({
    spillDir: environment.spillDir,
    profileName: (id) => profiles.get(id).name,
    snapshotProfile: (profileId) => async (folder, work) =>
      (
        await consul.saveSnapshot({
          profileId,
          destinationDir: folder,
          fileName: 'live.snap',
          signal: work.signal,
          onProgress: (p) => work.onProgress?.(p.bytes),
        })
      ).path,
  })
  const plans = await composePlans({
    dataDir: environment.dataDir,
    profiles,
    secrets: environment.secrets,
    logger: (environment.log ?? silentLogger).child('plans'),
    untrustedPaths: environment.kind === 'browser',
    ...environment.plans,
  })

  const appInfo: AppInfo = {
    name: 'Snapshot Studio for Consul',
    version: environment.version,
    capabilities: {
      kind: environment.kind,
      nativeDialogs: environment.dialogs !== undefined,
      fileUpload: environment.uploads !== undefined,
    },
    defaultSaveFolder: environment.defaultSaveFolder,
    platform: environment.platform,
  }

  const decrypted = createDecryptedSources()
  // Stored backups fetched for a restore go where uploads go (the desktop app gets a private area
  // of its own), so the restore wizard reads them as uploads, with all of its checks.
  const uploads = environment.uploads ?? createUploadStore(await createUploadFolder(environment.spillDir))
  const services: HostServices = {
    appInfo: () => appInfo,
    sources: createSourceResolver({ uploads, decrypted }),
    inspect,
    catalogue,
    compare,
    recentFiles: createRecentFilesStore({ dataDir: environment.dataDir }),
    recentFolders: createRecentFoldersStore({ dataDir: environment.dataDir }),
    dialogs: environment.dialogs,

    profiles: {
      async list(): Promise<ProfileList> {
        const notice = pendingNotice
        pendingNotice = null
        return { profiles: profiles.list(), notice }
      },
      create: (input) => profiles.create(input),
      update: (id, input) => profiles.update(id, input),
      duplicate: (id) => profiles.duplicate(id),
      remove: (id) => profiles.remove(id),
      async importFromEnv() {
        const draft = profiles.importFromEnv(environment.env)
        return draft.usedVariables.length === 0 ? null : draft
      },
      test: (target, signal) =>
        consul.testConnection(
          'id' in target ? { profileId: target.id } : { input: profiles.resolveDraft(target.input) },
          signal,
        ),
    },

    save: {
      saveMany: (request, work) =>
        consul.saveMany({
          profileIds: request.profileIds,
          destinationDir: request.folder ?? environment.defaultSaveFolder,
          template: request.fileNameTemplate,
          stale: request.stale,
          datacenter: request.datacenter,
          signal: work.signal,
          onProgress: (profileId, progress) => work.onProgress({ profileId, progress }),
        }),
    },

    restore: {
      preflight: (path, profileId, work) =>
        consul.preflightRestore({ profileId, path, signal: work.signal, onProgress: work.onProgress }),
      restore: (request, work) =>
        consul.restoreSnapshot({
          profileId: request.profileId,
          path: request.path,
          confirmation: request.confirmation,
          safetySnapshot: request.safetySnapshot
            ? { enabled: true, destinationDir: request.safetySnapshotFolder ?? environment.defaultSaveFolder }
            : { enabled: false },
          lossAcknowledged: request.acknowledgeLoss ?? false,
          signal: work.signal,
          onProgress: (progress) => work.onProgress(progress),
        }),
    },

    fleet: new FleetService({
      profiles,
      untrustedPaths: environment.kind === 'browser',
      plans: planCoverageFrom(async () => ({ plans: plans.inputs() })),
    }),
    growth: createGrowthPort({ dataDir: environment.dataDir, inspect: environment.inspect }),
    plans: plans.port,
    storedBackups: new StoredBackupsService({
      open: (ref) => plans.openDestination(ref),
      scratch: uploads,
      defaultFolder: environment.defaultSaveFolder,
    }),

    drillTargets: {
      connectionFor: async (profileId) => {
        const connection = await profiles.connectionFor(profileId)
        return environment.kind === 'browser' ? { ...connection, untrustedPaths: true } : connection
      },
    },

    selectiveRestore: createSelectiveRestorePort({
      connectionFor: async (profileId) => {
        const connection = await profiles.connectionFor(profileId)
        // Browser mode: the profile's paths came from a page (see ConsulConnection.untrustedPaths).
        return environment.kind === 'browser' ? { ...connection, untrustedPaths: true } : connection
      },
      catalogue,
      undoFolder: environment.defaultSaveFolder,
    }),

    sample: {
      async open() {
        const path = environment.sampleSnapshotPath
        if (
          path === undefined ||
          !(await access(path).then(
            () => true,
            () => false,
          ))
        ) {
          throw new AppError('FILE_UNREADABLE', 'The sample snapshot is missing from this installation.', {
            hint: 'Reinstall Snapshot Studio, or open one of your own snapshots.',
          })
        }
        return { path, name: 'sample.snap' }
      },
    },
  }

  // Runs missed while the app was closed are caught up now, in the background.
  void plans
    .start()
    .catch((error: unknown) =>
      (environment.log ?? silentLogger).error('Backup plans could not start', { err: error }),
    )
  return {
    services: withOperationLog(services, (environment.log ?? silentLogger).child('host')),
    onPlanRunFinished: plans.onRunFinished,
    async dispose() {
      await decrypted.dispose()
      await plans.dispose()
      await catalogue.closeAll()
      await compare.closeAll()
      await uploads.dispose()
    },
  }
}
