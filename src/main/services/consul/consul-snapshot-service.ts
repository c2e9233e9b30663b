import { AppError } from '../../../shared/app-error'
import type {
  ConnectionTestResult,
  RestorePreflight,
  RestoreProgress,
  RestoreResult,
  SaveManyEntry,
  SaveProgress,
  SaveResult,
} from '../../../shared/consul-types'
import type { ProfileInput } from '../../../shared/profile-types'
import type { ProfileService } from '../profiles/profile-service'
import type { ConsulConnection } from './consul-connection'
import type { DispatcherFactory } from './consul-dispatcher'
import { assertNotReadOnly } from './restore-protection'
import { preflightRestore, restoreSnapshot, type RestoreDependencies } from './restore-snapshot'
import { saveMany } from './save-many'
import { saveSnapshot, type SaveDependencies, type SaveSnapshotOptions } from './save-snapshot'
import type { VerifySnapshot, VerifySnapshotStream, VerifyWrittenFile } from './snapshot-engine'
import { testConnection } from './test-connection'
import { VerifiedFiles } from './verified-files'

export interface ConsulSnapshotServiceDependencies {
  /** Saved profiles; without them only connections given by the caller work (the CLI's flags). */
  profiles?: Pick<ProfileService, 'connectionFor'>
  verify: VerifySnapshot
  /**
   * Given, restores of a file not verified before verify while they upload, instead of reading
   * the file a second time.
   */
  verifyStream?: VerifySnapshotStream
  /** Given, saves verify while they download (reading the file behind the writes). */
  verifyWrittenFile?: VerifyWrittenFile
  /** Files verified in this process (previews, inspections); the service keeps its own otherwise. */
  verified?: VerifiedFiles
  dispatcherFactory?: DispatcherFactory
  now?: () => number
  clock?: () => Date
  restoreHealth?: RestoreDependencies['health']
  /** Browser mode: profiles' and drafts' paths came from a page (see ConsulConnection). */
  untrustedPaths?: boolean
}

/** A saved profile by id, or a connection built by the caller (CLI flags, a draft). */
export type ConnectionRef = { profileId: string } | { connection: ConsulConnection }

/**
 * The Consul operations the desktop app and the CLI call, addressed by profile id: test,
 * save, save many, restore preflight, restore. Secrets are looked up here, in the main process,
 * and never returned.
 */
export class ConsulSnapshotService {
  private readonly verified: VerifiedFiles

  constructor(private readonly deps: ConsulSnapshotServiceDependencies) {
    this.verified = deps.verified ?? new VerifiedFiles()
  }

  async testConnection(
    target: ConnectionRef | { input: ProfileInput },
    signal?: AbortSignal,
  ): Promise<ConnectionTestResult> {
    const connection =
      'input' in target ? this.marked(connectionFromInput(target.input)) : await this.connection(target)
    return testConnection(connection, {
      signal,
      dispatcherFactory: this.deps.dispatcherFactory,
      now: this.deps.now,
    })
  }

  async saveSnapshot(options: ConnectionRef & Omit<SaveSnapshotOptions, 'connection'>): Promise<SaveResult> {
    return saveSnapshot({ ...options, connection: await this.connection(options) }, this.saveDeps())
  }

  async saveMany(options: {
    profileIds: string[]
    destinationDir: string
    template?: string
    overwrite?: boolean
    stale?: boolean
    /** Another datacenter than each profile's own (the agents forward the request). */
    datacenter?: string
    concurrency?: number
    signal?: AbortSignal
    onProgress?: (profileId: string, progress: SaveProgress) => void
    onResult?: (entry: SaveManyEntry) => void
  }): Promise<SaveManyEntry[]> {
    const targets = await Promise.all(
      options.profileIds.map(async (profileId) => ({
        profileId,
        connection: await this.connection({ profileId }),
      })),
    )
    return saveMany({ ...options, targets }, this.saveDeps())
  }

  async preflightRestore(
    options: ConnectionRef & {
      path: string
      signal?: AbortSignal
      onProgress?: (progress: RestoreProgress) => void
    },
  ): Promise<RestorePreflight> {
    const connection = await this.connection(options)
    assertNotReadOnly(connection, 'restore')
    return preflightRestore({ ...options, connection }, this.restoreDeps())
  }

  /**
   * Destructive. With a profile, `confirmation` must equal the profile's name exactly (the
   * operator typed it); the CLI confirms on its own terminal and passes a connection.
   */
  async restoreSnapshot(
    options: ConnectionRef & {
      path: string
      confirmation?: string
      safetySnapshot: { enabled: false } | { enabled: true; destinationDir: string; template?: string }
      signal?: AbortSignal
      onProgress?: (progress: RestoreProgress) => void
      onPreflight?: (preflight: RestorePreflight) => void
      lossAcknowledged?: boolean
    },
  ): Promise<RestoreResult> {
    const connection = await this.connection(options)
    if ('profileId' in options && options.confirmation !== connection.name) {
      throw new AppError(
        'RESTORE_REFUSED',
        'The restore was not confirmed: the typed name does not match the profile.',
        {
          hint: `Type the profile name "${connection.name}" exactly to confirm.`,
        },
      )
    }
    return restoreSnapshot({ ...options, connection }, this.restoreDeps())
  }

  private async connection(ref: ConnectionRef): Promise<ConsulConnection> {
    if ('connection' in ref) return ref.connection
    if (!this.deps.profiles)
      throw new AppError('UNSUPPORTED', 'Saved connection profiles are not available here.', {
        hint: 'Give the connection directly (address, token) instead of a profile.',
      })
    return this.marked(await this.deps.profiles.connectionFor(ref.profileId))
  }

  private marked(connection: ConsulConnection): ConsulConnection {
    return this.deps.untrustedPaths ? { ...connection, untrustedPaths: true } : connection
  }

  private saveDeps(): SaveDependencies {
    return {
      verify: this.deps.verify,
      verifyWrittenFile: this.deps.verifyWrittenFile,
      dispatcherFactory: this.deps.dispatcherFactory,
      now: this.deps.now,
      clock: this.deps.clock,
    }
  }

  private restoreDeps(): RestoreDependencies {
    return {
      ...this.saveDeps(),
      verifyStream: this.deps.verifyStream,
      health: this.deps.restoreHealth,
      verified: this.verified,
    }
  }
}

/** A connection from an unsaved draft, e.g. to test it before saving. */
export function connectionFromInput(input: ProfileInput): ConsulConnection {
  const connection: ConsulConnection = { name: input.name, settings: input.connection }
  if (input.token?.kind === 'set') connection.token = input.token.value
  if (input.basicAuthPassword?.kind === 'set') connection.basicAuthPassword = input.basicAuthPassword.value
  return connection
}
