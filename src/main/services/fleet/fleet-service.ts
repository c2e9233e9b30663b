import { AppError, type AppErrorPayload } from '../../../shared/app-error'
import type { FleetCluster, FleetCoverage, FleetStatus } from '../../../shared/fleet-types'
import type { ProfileView } from '../../../shared/profile-types'
import { ConsulClient } from '../consul/consul-client'
import type { ConsulConnection } from '../consul/consul-connection'
import type { DispatcherFactory } from '../consul/consul-dispatcher'
import { readClusterAgents } from './read-cluster-agents'

/**
 * How many of this app's backup plans cover each profile. The plans service answers it; a host
 * without one passes nothing, and the view then knows only about agents on the clusters.
 */
export interface PlanCoverage {
  plansByProfile(): Promise<ReadonlyMap<string, number>>
}

export interface FleetDependencies {
  profiles: {
    list(): ProfileView[]
    connectionFor(id: string): Promise<ConsulConnection>
  }
  plans?: PlanCoverage
  dispatcherFactory?: DispatcherFactory
  /** Browser mode: profiles' paths came from a page (see ConsulConnection). */
  untrustedPaths?: boolean
  clock?: () => Date
}

export interface FleetRequest {
  /** Absent: every profile. */
  profileIds?: string[]
  service: string
  lockKey: string
}

/**
 * The Fleet view's data: every profile's cluster asked at the same time, each answer or failure
 * on its own, so one unreachable cluster or refused token never hides the others.
 */
export class FleetService {
  constructor(private readonly deps: FleetDependencies) {}

  async status(request: FleetRequest, signal?: AbortSignal): Promise<FleetStatus> {
    const all = this.deps.profiles.list()
    const wanted = request.profileIds ? new Set(request.profileIds) : null
    const profiles = wanted ? all.filter((profile) => wanted.has(profile.id)) : all
    const missing = request.profileIds?.filter((id) => !all.some((profile) => profile.id === id)) ?? []
    if (missing.length > 0)
      throw new AppError('PROFILE_NOT_FOUND', `No connection profile has the id "${missing[0]}".`, {
        hint: 'It may have been removed; reload the list.',
      })
    const plans = await this.plans()
    const clusters = await Promise.all(
      profiles.map((profile) => this.cluster(profile, request, plans, signal)),
    )
    if (signal?.aborted) throw new AppError('CANCELLED', 'Reading the fleet was cancelled.')
    return { clusters, readAt: (this.deps.clock?.() ?? new Date()).toISOString() }
  }

  private async cluster(
    profile: ProfileView,
    request: FleetRequest,
    plans: ReadonlyMap<string, number> | null,
    signal: AbortSignal | undefined,
  ): Promise<FleetCluster> {
    try {
      const connection = await this.deps.profiles.connectionFor(profile.id)
      const client = await ConsulClient.open(
        this.deps.untrustedPaths ? { ...connection, untrustedPaths: true } : connection,
        this.deps.dispatcherFactory,
      )
      try {
        const agents = await readClusterAgents(client, {
          service: request.service,
          lockKey: request.lockKey,
          signal,
        })
        const planCount = plans === null ? null : (plans.get(profile.id) ?? 0)
        const coverage: FleetCoverage =
          agents.instances.length > 0 ? 'agent' : planCount !== null && planCount > 0 ? 'plan' : 'none'
        return {
          state: 'ok',
          profileId: profile.id,
          profileName: profile.name,
          service: request.service,
          ...agents,
          plans: planCount,
          coverage,
          warning: coverage === 'none' ? 'no-scheduled-backups' : null,
        }
      } finally {
        await client.close()
      }
    } catch (error) {
      return { state: 'error', profileId: profile.id, profileName: profile.name, error: payloadOf(error) }
    }
  }

  private async plans(): Promise<ReadonlyMap<string, number> | null> {
    if (!this.deps.plans) return null
    // A plan store that cannot be read must not hide the clusters: the view says "plans unknown".
    return this.deps.plans.plansByProfile().catch(() => null)
  }
}

function payloadOf(error: unknown): AppErrorPayload {
  if (error instanceof AppError) return error.toPayload()
  return {
    code: 'INTERNAL',
    message: 'The cluster could not be read for an unexpected reason.',
    hint: 'Try again; if it persists, the log has the details.',
  }
}
