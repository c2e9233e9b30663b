import { AppError } from '../../../shared/app-error'
import type { FleetClusterOk, FleetRun } from '../../../shared/fleet-types'
import {
  agentStatusSchema,
  encodeKey,
  statusKeyFor,
  type AgentStatus,
  type CycleSummary,
} from '../backups/agent-status-store'
import { headerValue, type ConsulClient } from '../consul/consul-client'
import { chooseLeader, instancesFromHealth, withRoles, type LockHolder } from './agent-instances'

/** What one cluster says about the snapshot agents running on it: the agent part of its fleet row. */
export type ClusterAgents = Pick<
  FleetClusterOk,
  'instances' | 'leader' | 'saving' | 'statusKnown' | 'statusError' | 'lastSuccess' | 'lastFailure'
>

const READ_TIMEOUT_MS = 10_000

/**
 * Reads the service's instances with their checks, the lock key and the status key beside it.
 * Only the instance list is essential: a token that may not read the KV keys still shows who
 * runs, and says why the last runs are missing.
 */
export async function readClusterAgents(
  client: ConsulClient,
  options: { service: string; lockKey: string; signal?: AbortSignal },
): Promise<ClusterAgents> {
  const signal = AbortSignal.any([
    AbortSignal.timeout(READ_TIMEOUT_MS),
    ...(options.signal ? [options.signal] : []),
  ])
  const sightings = instancesFromHealth(await readServiceHealth(client, options.service, signal))
  const holder = await readLockHolder(client, options.lockKey, signal).catch(() => null)
  const leader = chooseLeader(sightings, holder)
  const instances = withRoles(sightings, leader)
  const leading = instances.find((instance) => instance.serviceId === leader)

  let statusKnown = false
  let statusError: string | null = null
  let lastSuccess: FleetRun | null = null
  let lastFailure: FleetRun | null = null
  try {
    const status = await readStatusKey(client, statusKeyFor(options.lockKey), signal)
    if (status !== null) {
      statusKnown = true
      lastSuccess = run(status.lastSuccess)
      lastFailure = run(status.lastFailure)
    }
  } catch (error) {
    if (options.signal?.aborted) throw error
    statusError = error instanceof AppError ? error.message : 'The status key could not be read.'
  }
  return {
    instances,
    leader,
    saving: leading?.saving ?? 'none',
    statusKnown,
    statusError,
    lastSuccess,
    lastFailure,
  }
}

async function readServiceHealth(
  client: ConsulClient,
  service: string,
  signal: AbortSignal,
): Promise<unknown> {
  // The client's bounded JSON read: a health answer is small, whatever the cluster's size.
  const { headers, value } = await client.sendJson({
    method: 'GET',
    path: `/v1/health/service/${encodeURIComponent(service)}`,
    useDatacenter: true,
    signal,
  })
  // Consul drops what the token may not read instead of refusing, and says so in this header
  // (1.13+): an empty list would otherwise read as "no agent here".
  if (headerValue(headers, 'x-consul-results-filtered-by-acls') === 'true') {
    throw new AppError(
      'CONSUL_ACL_DENIED',
      `${client.where}: the token may not read every instance of the "${service}" service, so the agents cannot be shown.`,
      {
        hint: `Give the profile's token service "${service}" read and node read (the snapshot agent's ACL policy in resources/agent/ has them).`,
      },
    )
  }
  if (value === null) return []
  if (typeof value === 'string')
    throw new AppError(
      'CONSUL_HTTP',
      `${client.where} answered the service health query with something other than JSON.`,
      {
        hint: 'Check that the profile points at a Consul agent.',
      },
    )
  return value
}

async function readLockHolder(
  client: ConsulClient,
  lockKey: string,
  signal: AbortSignal,
): Promise<LockHolder | null> {
  const lock = await client.getJson(`/v1/kv/${encodeKey(lockKey)}`, {
    useDatacenter: true,
    accept: [404],
    signal,
  })
  const pair = Array.isArray(lock.value) ? (lock.value[0] as { Session?: unknown; Value?: unknown }) : null
  if (!pair || typeof pair.Session !== 'string' || pair.Session === '') return null
  let serviceId: string | null = null
  try {
    const holder = JSON.parse(
      Buffer.from(typeof pair.Value === 'string' ? pair.Value : '', 'base64').toString('utf8'),
    ) as {
      serviceId?: unknown
    }
    if (typeof holder.serviceId === 'string') serviceId = holder.serviceId
  } catch {
    // HashiCorp's agent stores no value: the session's node tells where the holder runs.
  }
  let node: string | null = null
  if (serviceId === null) {
    const session = await client.getJson(`/v1/session/info/${encodeURIComponent(pair.Session)}`, {
      useDatacenter: true,
      signal,
    })
    const info = Array.isArray(session.value)
      ? (session.value[0] as { Node?: unknown } | undefined)
      : undefined
    if (typeof info?.Node === 'string') node = info.Node
  }
  return { serviceId, node }
}

/** Null when the key is absent or is not our agent's status (another tool's value is not ours to read). */
async function readStatusKey(
  client: ConsulClient,
  key: string,
  signal: AbortSignal,
): Promise<AgentStatus | null> {
  const { status, value } = await client.getJson(`/v1/kv/${encodeKey(key)}`, {
    query: { raw: true },
    useDatacenter: true,
    accept: [404],
    signal,
  })
  if (status === 404) return null
  const parsed = agentStatusSchema.safeParse(value)
  return parsed.success ? parsed.data : null
}

function run(summary: CycleSummary | null): FleetRun | null {
  if (summary === null) return null
  return { at: summary.startedAt, name: summary.name, size: summary.size, error: summary.error }
}
