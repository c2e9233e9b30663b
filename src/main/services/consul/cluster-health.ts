import { setTimeout as delay } from 'node:timers/promises'
import { AppError } from '../../../shared/app-error'
import type { ClusterHealthAfterRestore } from '../../../shared/consul-types'
import { readLeader } from './agent-info'
import type { ConsulClient } from './consul-client'

export interface WaitForHealthOptions {
  timeoutMs?: number
  /** The longest pause between two looks; the first pauses are shorter (see FIRST_PAUSE_MS). */
  pollMs?: number
  signal?: AbortSignal
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

const PROBE_KEY = '/v1/kv/snapshot-studio/health-probe'
/**
 * The pause after the first look that found the cluster not ready, doubled after each further
 * look up to `pollMs`: a cluster is usually ready a moment after the restore is accepted, and a
 * fixed half second added that much to every restore that was not ready at the very first look.
 */
const FIRST_PAUSE_MS = 50

/**
 * After a restore the leader re-establishes its state, and followers install the new snapshot.
 * We poll until the cluster has a leader, autopilot calls it healthy (when the token may ask:
 * operator:read), and a consistent read through the leader answers. The restored ACLs may no
 * longer know our token, so a 403 on the read still proves the leader serves requests.
 */
export async function waitForHealthyCluster(
  client: ConsulClient,
  options: WaitForHealthOptions = {},
): Promise<ClusterHealthAfterRestore> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }))
  const timeoutMs = options.timeoutMs ?? 120_000
  const started = now()
  let leader: string | null = null
  let autopilotHealthy: boolean | null = null
  let readIndex: number | null = null
  let lastProblem = 'no answer yet'
  const longestPause = options.pollMs ?? 500
  let pause = Math.min(FIRST_PAUSE_MS, longestPause)
  for (;;) {
    options.signal?.throwIfAborted()
    try {
      const look = await lookOnce(client, options.signal)
      leader = look.leader
      if (look.leader === null) lastProblem = 'the cluster has no leader yet'
      else {
        autopilotHealthy = look.autopilotHealthy
        readIndex = look.readIndex
        if (autopilotHealthy === false) lastProblem = 'autopilot reports unhealthy servers'
        else {
          return {
            leader: look.leader,
            autopilotHealthy,
            readIndex,
            waitedMs: now() - started,
            healthy: true,
            summary: healthySummary(look.leader, autopilotHealthy),
          }
        }
      }
    } catch (error) {
      if (error instanceof AppError && error.code === 'CANCELLED') throw error
      if (options.signal?.aborted)
        throw new AppError('CANCELLED', 'Stopped waiting for the cluster.', { cause: error })
      lastProblem = error instanceof Error ? error.message : String(error)
    }
    const waited = now() - started
    if (waited >= timeoutMs) {
      return {
        leader,
        autopilotHealthy,
        readIndex,
        waitedMs: waited,
        healthy: false,
        summary: `The restore was accepted, but after ${Math.round(waited / 1000)} s the cluster is not healthy yet: ${lastProblem}. Check \`consul operator raft list-peers\` and the servers\u2019 logs.`,
      }
    }
    try {
      await sleep(Math.min(pause, timeoutMs - waited), options.signal)
      pause = Math.min(pause * 2, longestPause)
    } catch (error) {
      throw new AppError('CANCELLED', 'Stopped waiting for the cluster.', { cause: error })
    }
  }
}

type Look = { leader: null } | { leader: string; autopilotHealthy: boolean | null; readIndex: number | null }

/**
 * One look at the cluster: its leader, autopilot's health and a consistent read, asked at once
 * (one round trip instead of three; a restored cluster usually answers all of them at the first
 * look). Without a leader the other two are called off: Consul holds such requests while it
 * waits for a leader (consul-api.md §5), and their answers would not count anyway.
 */
async function lookOnce(client: ConsulClient, signal?: AbortSignal): Promise<Look> {
  const look = new AbortController()
  const stop = () => look.abort(signal?.reason)
  signal?.addEventListener('abort', stop, { once: true })
  const autopilot = readAutopilotHealth(client, look.signal)
  const read = client.getJson(PROBE_KEY, {
    query: { consistent: true },
    useDatacenter: true,
    accept: [403, 404],
    signal: look.signal,
  })
  autopilot.catch(() => undefined)
  read.catch(() => undefined)
  try {
    const leader = await readLeader(client, look.signal)
    if (!leader) return { leader: null }
    return { leader, autopilotHealthy: await autopilot, readIndex: (await read).index }
  } finally {
    signal?.removeEventListener('abort', stop)
    // Answered requests are not affected; the ones still waiting are called off.
    look.abort()
  }
}

async function readAutopilotHealth(client: ConsulClient, signal?: AbortSignal): Promise<boolean | null> {
  try {
    const response = await client.getJson('/v1/operator/autopilot/health', {
      useDatacenter: true,
      accept: [429],
      signal,
    })
    if (response.status === 429) return false
    const value = response.value as { Healthy?: unknown } | null
    return typeof value?.Healthy === 'boolean' ? value.Healthy : null
  } catch (error) {
    // The token may lack operator:read (or no longer exist after the restore): not a health signal.
    if (error instanceof AppError && error.code === 'CONSUL_ACL_DENIED') return null
    throw error
  }
}

function healthySummary(leader: string, autopilot: boolean | null): string {
  const extra =
    autopilot === true
      ? ' and autopilot reports every server healthy'
      : ' (autopilot health could not be read with this token)'
  return `The cluster has a leader (${leader}), answers consistent reads${extra}.`
}
