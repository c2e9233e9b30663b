import type { ConsulClient } from '../consul/consul-client'
import type { AgentConfig } from './agent-config'
import { ConsulKvStatusStore, statusKeyFor, type AgentStatus } from './agent-status-store'
import { encodeKey } from './agent-status-store'
import { ALIVE_CHECK_NAME, SAVING_CHECK_NAME } from './agent-registration'
import { expectedGapMs, nextRuns } from './schedule'

/**
 * What `snapshot-studio agent status` reports, read from Consul only (any machine can ask): the
 * instance holding the lock, the other registered instances, the last success and failure from
 * the status key, the next run, and whether the last good backup is too old.
 */
export interface AgentInstance {
  serviceId: string
  node: string
  alive: string
  saving: string | null
}

export interface AgentStatusReport {
  leader: { serviceId: string | null; session: string } | null
  instances: AgentInstance[]
  status: AgentStatus | null
  nextRun: Date | null
  /** 2 × the expected gap between runs. */
  staleAfterMs: number | null
  /** The last good backup is older than staleAfterMs (or there is none). */
  stale: boolean
}

export async function readAgentStatus(
  client: ConsulClient,
  config: AgentConfig,
  now: Date,
): Promise<AgentStatusReport> {
  const signal = AbortSignal.timeout(15_000)
  const lock = await client.getJson(`/v1/kv/${encodeKey(config.lockKey)}`, { accept: [404], signal })
  let leader: AgentStatusReport['leader'] = null
  const pair = Array.isArray(lock.value)
    ? (lock.value[0] as { Session?: string; Value?: string | null })
    : null
  if (pair?.Session) {
    let serviceId: string | null = null
    try {
      const holder = JSON.parse(Buffer.from(pair.Value ?? '', 'base64').toString('utf8')) as {
        serviceId?: unknown
      }
      if (typeof holder.serviceId === 'string') serviceId = holder.serviceId
    } catch {
      // Held by another lock user (HashiCorp's agent stores no value): still a leader.
    }
    leader = { serviceId, session: pair.Session }
  }
  const health = await client.getJson(`/v1/health/checks/${encodeURIComponent(config.service)}`, { signal })
  const byService = new Map<string, AgentInstance>()
  for (const check of Array.isArray(health.value) ? (health.value as Record<string, unknown>[]) : []) {
    const serviceId = String(check.ServiceID ?? '')
    if (serviceId === '') continue
    const instance = byService.get(serviceId) ?? {
      serviceId,
      node: String(check.Node ?? ''),
      alive: 'unknown',
      saving: null,
    }
    if (check.Name === ALIVE_CHECK_NAME) instance.alive = String(check.Status)
    if (check.Name === SAVING_CHECK_NAME) instance.saving = String(check.Status)
    byService.set(serviceId, instance)
  }
  const status = await new ConsulKvStatusStore(client, statusKeyFor(config.lockKey)).read(signal)
  const gap = config.once ? (status?.expectedGapMs ?? null) : expectedGapMs(config.schedule, now)
  const staleAfterMs = gap === null || gap === 0 ? null : 2 * gap
  const lastGood = status?.lastSuccess ? new Date(status.lastSuccess.startedAt) : null
  const stale =
    staleAfterMs !== null && (lastGood === null || now.getTime() - lastGood.getTime() > staleAfterMs)
  let nextRun: Date | null = null
  if (!config.once) {
    const from = lastGood ?? now
    nextRun = nextRuns(config.schedule, 1, { after: now, from, seed: leader?.serviceId ?? '' })[0]?.at ?? null
  }
  return {
    leader,
    instances: [...byService.values()].sort((a, b) => a.serviceId.localeCompare(b.serviceId)),
    status,
    nextRun,
    staleAfterMs,
    stale,
  }
}
