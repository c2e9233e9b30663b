import type { AgentInfo } from '../../../shared/consul-types'
import { assertObject, type ConsulClient } from './consul-client'

export interface AgentSelf extends AgentInfo {
  /** "ent" in Enterprise builds (Config.VersionMetadata). */
  enterprise: boolean
  /** Raft's last log index when the agent is a server (Stats.raft.last_log_index). */
  raftLastIndex: number | null
}

/** GET /v1/agent/self (needs agent:read): the agent's version, datacenter and node. */
export async function readAgentSelf(client: ConsulClient, signal?: AbortSignal): Promise<AgentSelf> {
  const { value } = await client.getJson('/v1/agent/self', { signal })
  const self = assertObject(value, '/v1/agent/self', client.where)
  const config = assertObject(self.Config, '/v1/agent/self Config', client.where)
  const stats =
    typeof self.Stats === 'object' && self.Stats !== null ? (self.Stats as Record<string, unknown>) : {}
  const raft =
    typeof stats.raft === 'object' && stats.raft !== null ? (stats.raft as Record<string, unknown>) : {}
  const lastIndex =
    typeof raft.last_log_index === 'string' && /^\d+$/.test(raft.last_log_index)
      ? Number(raft.last_log_index)
      : null
  const metadata = typeof config.VersionMetadata === 'string' ? config.VersionMetadata : ''
  return {
    version: String(config.Version ?? ''),
    datacenter: String(config.Datacenter ?? ''),
    nodeName: String(config.NodeName ?? ''),
    server: config.Server === true,
    enterprise: /\bent\b/.test(metadata) || /\+ent/.test(String(config.Version ?? '')),
    raftLastIndex: lastIndex,
  }
}

/** GET /v1/status/leader: the leader's raft address, or null when there is none. */
export async function readLeader(client: ConsulClient, signal?: AbortSignal): Promise<string | null> {
  const { value } = await client.getJson('/v1/status/leader', { signal, useDatacenter: true })
  return typeof value === 'string' && value !== '' ? value : null
}

export async function readRaftPeers(client: ConsulClient, signal?: AbortSignal): Promise<string[]> {
  const { value } = await client.getJson('/v1/status/peers', { signal, useDatacenter: true })
  return Array.isArray(value) ? value.filter((peer): peer is string => typeof peer === 'string') : []
}
