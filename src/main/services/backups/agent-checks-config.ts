import { resolve } from 'node:path'
import { z } from 'zod'
import { parseGoDuration } from './go-duration'

/**
 * Our two scheduled steps beside the snapshots (the Enterprise agent has neither):
 *
 *   "verify": { "interval": "24h" }                                  re-check the newest backups
 *   "drill":  { "interval": "168h", "consul_binary": "/usr/bin/consul" }  restore the newest one
 *
 * An interval of 0 (or no object) leaves the step off. Encrypted backups are opened with
 * `encryption.identity_file` or SNAPSHOT_STUDIO_AGE_IDENTITY (docs/agent.md, "Scheduled checks").
 */
const duration = z.union([z.string(), z.literal(0)])

export const verifySection = z.strictObject({ interval: duration }).partial()
export const drillSection = z.strictObject({ interval: duration, consul_binary: z.string() }).partial()

export type VerifySection = z.infer<typeof verifySection>
export type DrillSection = z.infer<typeof drillSection>

export interface AgentChecksConfig {
  /** null: the step is off. */
  verify: { intervalMs: number } | null
  drill: { intervalMs: number; consulBinary: string | null } | null
  /** An `age -i` identity file for reading `.snap.age` backups in these steps; null: the environment only. */
  identityFile: string | null
}

export interface ChecksFlags {
  verifyInterval?: string
  drillInterval?: string
  drillConsul?: string
}

export interface ChecksContext {
  cwd: string
  origin: (path: string[]) => string
  fail: (where: string, key: string, why: string, hint: string) => Error
}

export function resolveAgentChecks(
  sections: { verify?: VerifySection; drill?: DrillSection; identityFile?: string },
  flags: ChecksFlags,
  ctx: ChecksContext,
): AgentChecksConfig {
  const intervalOf = (
    step: 'verify' | 'drill',
    flagValue: string | undefined,
    fileValue: string | 0 | undefined,
  ) => {
    const fromFlag = flagValue !== undefined && flagValue !== '' ? flagValue : undefined
    const fromFile = fileValue === 0 ? '0' : fileValue === '' ? undefined : fileValue
    const text = fromFlag ?? fromFile
    if (text === undefined) return 0
    const ms = parseGoDuration(text)
    if (ms === null || ms < 0)
      throw ctx.fail(
        fromFlag !== undefined ? 'flags' : ctx.origin([step, 'interval']),
        fromFlag !== undefined ? `-${step}-interval` : `snapshot_agent.${step}.interval`,
        `"${text}" is not a duration`,
        'Use a Go duration such as 24h or 168h; 0 turns the step off.',
      )
    if (ms > 0 && ms < 60_000)
      throw ctx.fail(
        fromFlag !== undefined ? 'flags' : ctx.origin([step, 'interval']),
        fromFlag !== undefined ? `-${step}-interval` : `snapshot_agent.${step}.interval`,
        'must be at least 1m',
        step === 'verify'
          ? 'Each run reads the newest backup of every destination in full; daily (24h) is typical.'
          : 'Each drill starts a Consul dev agent and restores a whole backup; weekly (168h) is typical.',
      )
    return ms
  }
  const verifyMs = intervalOf('verify', flags.verifyInterval, sections.verify?.interval)
  const drillMs = intervalOf('drill', flags.drillInterval, sections.drill?.interval)
  const binary = flags.drillConsul || sections.drill?.consul_binary || null
  const identity = sections.identityFile?.trim() || null
  return {
    verify: verifyMs > 0 ? { intervalMs: verifyMs } : null,
    drill:
      drillMs > 0
        ? { intervalMs: drillMs, consulBinary: binary === null ? null : resolve(ctx.cwd, binary) }
        : null,
    identityFile: identity === null ? null : resolve(ctx.cwd, identity),
  }
}
