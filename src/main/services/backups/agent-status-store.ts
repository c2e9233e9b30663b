import { z } from 'zod'
import type { ConsulClient } from '../consul/consul-client'
import { fixedLengthBody } from './fixed-length-body'
import type { CycleReport } from './snapshot-cycle'

/**
 * The last success and the last failure, kept in Consul KV next to the lock key so that any
 * instance, `snapshot-studio agent status` and the app can read them without this machine's
 * journal.
 */
const cycleSummary = z.object({
  id: z.string(),
  name: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string(),
  durationMs: z.number(),
  size: z.number().nullable(),
  index: z.number().nullable(),
  error: z.string().nullable(),
  serviceId: z.string().nullable(),
})

/**
 * The last scheduled integrity re-check or restore drill (ours): its verdict as the health check
 * shows it, so a new leader starts from where the old one left off and the schedule is the
 * cluster's, not one process's.
 */
const checkSummary = z.object({
  startedAt: z.string(),
  endedAt: z.string(),
  severity: z.enum(['passing', 'warning', 'critical']),
  summary: z.string(),
  serviceId: z.string().nullable(),
})

export const agentStatusSchema = z.object({
  kind: z.literal('snapshot-studio/agent-status'),
  version: z.literal(1),
  lastSuccess: cycleSummary.nullable(),
  lastFailure: cycleSummary.nullable(),
  /** The expected gap between runs (interval or cron), so readers can judge staleness. */
  expectedGapMs: z.number().nullable(),
  /** Optional: written only by agents that run these steps; older readers ignore them. */
  lastVerify: checkSummary.optional(),
  lastDrill: checkSummary.optional(),
  updatedAt: z.string(),
})

export type AgentStatus = z.infer<typeof agentStatusSchema>
export type CycleSummary = z.infer<typeof cycleSummary>
export type CheckSummary = z.infer<typeof checkSummary>

export function statusKeyFor(lockKey: string): string {
  return `${lockKey.replace(/\/+$/, '')}-status`
}

export function summarise(report: CycleReport, serviceId: string | null): CycleSummary {
  return {
    id: report.id,
    name: report.name,
    startedAt: report.startedAt,
    endedAt: report.endedAt,
    durationMs: report.durationMs,
    size: report.size,
    index: report.index,
    error: report.error ? report.error.message : null,
    serviceId,
  }
}

export interface StatusStore {
  read(signal?: AbortSignal): Promise<AgentStatus | null>
  write(status: AgentStatus, signal?: AbortSignal): Promise<void>
}

export class ConsulKvStatusStore implements StatusStore {
  constructor(
    private readonly client: Pick<ConsulClient, 'send' | 'getJson'>,
    readonly key: string,
  ) {}

  async read(signal?: AbortSignal): Promise<AgentStatus | null> {
    const { status, value } = await this.client.getJson(`/v1/kv/${encodeKey(this.key)}`, {
      query: { raw: true },
      signal,
      accept: [404],
    })
    if (status === 404 || value === null) return null
    const parsed = agentStatusSchema.safeParse(value)
    return parsed.success ? parsed.data : null
  }

  async write(status: AgentStatus, signal?: AbortSignal): Promise<void> {
    const response = await this.client.send({
      method: 'PUT',
      path: `/v1/kv/${encodeKey(this.key)}`,
      ...fixedLengthBody(JSON.stringify(status)),
      signal,
    })
    await response.body.dump()
  }
}

/** Each path segment encoded, slashes kept. */
export function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/')
}

export function nextStatus(
  previous: AgentStatus | null,
  report: CycleReport,
  serviceId: string | null,
  expectedGapMs: number | null,
  now: Date,
): AgentStatus {
  const summary = summarise(report, serviceId)
  return {
    kind: 'snapshot-studio/agent-status',
    version: 1,
    // A partial cycle is both: the backup exists (freshness), and something failed (alerting).
    lastSuccess: report.ok || report.partial ? summary : (previous?.lastSuccess ?? null),
    lastFailure: report.ok ? (previous?.lastFailure ?? null) : summary,
    expectedGapMs,
    ...(previous?.lastVerify ? { lastVerify: previous.lastVerify } : {}),
    ...(previous?.lastDrill ? { lastDrill: previous.lastDrill } : {}),
    updatedAt: now.toISOString(),
  }
}

/** The status with one check's verdict replaced; everything else as it was. */
export function withCheck(
  previous: AgentStatus | null,
  kind: 'verify' | 'drill',
  summary: CheckSummary,
  now: Date,
): AgentStatus {
  return {
    kind: 'snapshot-studio/agent-status',
    version: 1,
    lastSuccess: previous?.lastSuccess ?? null,
    lastFailure: previous?.lastFailure ?? null,
    expectedGapMs: previous?.expectedGapMs ?? null,
    ...(previous?.lastVerify ? { lastVerify: previous.lastVerify } : {}),
    ...(previous?.lastDrill ? { lastDrill: previous.lastDrill } : {}),
    [kind === 'verify' ? 'lastVerify' : 'lastDrill']: summary,
    updatedAt: now.toISOString(),
  }
}
