/**
 * What the Fleet view shows per connection profile: the snapshot agents that run on the cluster
 * itself, read from what they register in Consul (the `consul-snapshot` service, its "Alive" and
 * "Saving Snapshots" checks, and our agent's status key beside the lock). HashiCorp's Enterprise
 * agent registers the same service and checks, so it shows here too; only its status key is
 * missing, and the view then says "unknown" instead of guessing.
 */
import type { AppErrorPayload } from './app-error'

export const DEFAULT_AGENT_SERVICE = 'consul-snapshot'
export const DEFAULT_AGENT_LOCK_KEY = 'consul-snapshot/lock'

/** Consul's check states, plus `unknown` for anything else an agent reports. */
export const checkStates = ['passing', 'warning', 'critical', 'maintenance', 'unknown'] as const
export type CheckState = (typeof checkStates)[number]

export interface FleetInstance {
  serviceId: string
  node: string
  /** The service's address, else the node's. */
  address: string
  /** The leader holds a passing Saving check (or, while it has none yet, the lock). */
  role: 'leader' | 'standby'
  /** The "Consul Snapshot Agent Alive" check; null when the instance has none. */
  alive: CheckState | null
  /** The "Saving Snapshots" check, which only a leader adds; null when it has none. */
  saving: CheckState | null
  /** The Saving check's last note (e.g. the snapshot it saved), empty when none. */
  savingOutput: string
}

export interface FleetRun {
  /** When the cycle started (ISO 8601). */
  at: string
  /** The stored object's name, when it got that far. */
  name: string | null
  size: number | null
  error: string | null
}

/** Whether the cluster has backups on a schedule, and by what. */
export type FleetCoverage = 'agent' | 'plan' | 'none'

export interface FleetClusterOk {
  state: 'ok'
  profileId: string
  profileName: string
  service: string
  instances: FleetInstance[]
  /** The leader's service ID, null when no instance leads. */
  leader: string | null
  /** The leader's Saving check; 'none' without a leader. */
  saving: CheckState | 'none'
  /**
   * From our agent's status key: `known` false when the key is absent (HashiCorp's agent writes
   * none, or ours has not finished a cycle yet), which the view shows as "unknown".
   */
  statusKnown: boolean
  /** Why the status key could not be read (a token without key read), null otherwise. */
  statusError: string | null
  lastSuccess: FleetRun | null
  lastFailure: FleetRun | null
  /** Plans of this app that back the profile up; null when this host has no plans service. */
  plans: number | null
  coverage: FleetCoverage
  /** "no scheduled backups": no agent instance registered and no plan of this app. */
  warning: 'no-scheduled-backups' | null
}

export interface FleetClusterError {
  state: 'error'
  profileId: string
  profileName: string
  error: AppErrorPayload
}

export type FleetCluster = FleetClusterOk | FleetClusterError

export interface FleetStatus {
  clusters: FleetCluster[]
  /** When the host read it (ISO 8601). */
  readAt: string
}
