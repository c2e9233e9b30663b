/**
 * Serialisable results and progress events of the Consul services (test connection, save,
 * restore). Pure types: the renderer and both transports share them.
 */
import type { TransferProgress } from './progress'
import type { AppErrorPayload } from './app-error'

export interface AgentInfo {
  version: string
  datacenter: string
  nodeName: string
  server: boolean
}

/** Whether the connection's token may take and restore snapshots (needs `acl = "write"`). */
export interface SnapshotPermission {
  answer: 'yes' | 'no' | 'unknown'
  /** One sentence: how we know, e.g. "ACLs are disabled on this cluster". */
  reason: string
}

export interface ConnectionTestResult {
  /** The URL actually used, without credentials. */
  endpoint: string
  /** Raft address of the leader, or null when the cluster has none. */
  leader: string | null
  raftPeers: string[]
  /** Null when the token may not read /v1/agent/self (agent:read); see agentError. */
  agent: AgentInfo | null
  agentError?: AppErrorPayload
  snapshotPermission: SnapshotPermission
  /** TLS verification is switched off for this connection. */
  insecureTls: boolean
  latencyMs: number
}

export type { TransferProgress }

export const savePhases = ['requesting', 'downloading', 'verifying', 'finishing'] as const
export type SavePhase = (typeof savePhases)[number]

export interface SaveProgress extends TransferProgress {
  phase: SavePhase
}

export interface SaveResult {
  path: string
  /** The sidecar JSON written next to the snapshot (origin version, datacenter, checksum). */
  sidecarPath: string
  size: number
  sha256: string
  /** X-Consul-Index, equal to meta.json Index. */
  index: number
  term: number
  /** Consul version of the agent that answered, when it could be read. */
  consulVersion: string | null
  datacenter: string | null
  knownLeader: boolean | null
  lastContactMs: number | null
  durationMs: number
}

export type SaveManyEntry =
  | { profileId: string; profileName: string; ok: true; result: SaveResult }
  | { profileId: string; profileName: string; ok: false; error: AppErrorPayload }

export interface SaveManyProgress {
  profileId: string
  progress: SaveProgress
}

/** One row of the file's statistics, as `consul snapshot inspect` lists them. */
export interface SnapshotTypeStat {
  name: string
  count: number
  size: number
}

export interface SnapshotFileSummary {
  path: string
  size: number
  id: string
  index: number
  term: number
  /** meta.json Version (the snapshot format), not the Consul version. */
  formatVersion: number
  stats: SnapshotTypeStat[]
  totalSize: number
  enterpriseTypes: number[]
  /**
   * Consul version that wrote the file, and how we learnt it: from the servers registered in the
   * file itself, its sidecar, or its name.
   */
  consulVersion: string | null
  consulVersionSource: 'snapshot' | 'sidecar' | 'file-name' | 'unknown'
  datacenter: string | null
}

export interface RestoreTarget {
  endpoint: string
  leader: string | null
  consulVersion: string | null
  datacenter: string | null
  nodeName: string | null
  /** X-Consul-Index of a cheap read: the cluster's current raft index. */
  currentIndex: number | null
}

export interface RestoreIssue {
  code:
    | 'VERSION_NEWER_THAN_TARGET'
    | 'VERSION_OLDER_THAN_TARGET'
    | 'VERSION_UNKNOWN'
    | 'DATACENTER_DIFFERS'
    | 'ENTERPRISE_RECORDS_ON_CE'
    | 'NO_LEADER'
    | 'TARGET_INDEX_AHEAD'
  message: string
}

export interface RestorePreflight {
  file: SnapshotFileSummary
  target: RestoreTarget
  /** Things the operator should read before confirming. */
  warnings: RestoreIssue[]
  /** Things that make the restore impossible; restoreSnapshot refuses when any is present. */
  blockers: RestoreIssue[]
}

export const restorePhases = ['verifying', 'safety-snapshot', 'uploading', 'waiting-for-cluster'] as const
export type RestorePhase = (typeof restorePhases)[number]

export interface RestoreProgress extends TransferProgress {
  phase: RestorePhase
}

export interface ClusterHealthAfterRestore {
  leader: string | null
  /** autopilot health when the token may read it, else null. */
  autopilotHealthy: boolean | null
  /** A read after the restore succeeded (X-Consul-Index it answered with). */
  readIndex: number | null
  waitedMs: number
  healthy: boolean
  /** One sentence for the operator. */
  summary: string
}

export interface RestoreResult {
  path: string
  bytes: number
  durationMs: number
  safetySnapshot: SaveResult | null
  health: ClusterHealthAfterRestore
}
