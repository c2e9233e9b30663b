import { AppError, toErrorPayload } from '../../../shared/app-error'
import { loadDecryptionKeys, type DecryptionKeys } from '../encryption/age-keys'
import type { AgentConfig } from './agent-config'
import { verdictOf, type CheckedBackup, type CheckKind, type CheckReport } from './agent-check-report'
import type { Destination } from './destination'
import { drillNewestBackup, type DrillStepOptions } from './drill-newest-backup'
import { enterpriseNamePattern, templateNamePattern, type BackupNamePattern } from './retention'
import { verifyNewestBackups } from './verify-newest-backups'

export interface CheckDependencies {
  config: AgentConfig
  destinations: Destination[]
  env: Record<string, string | undefined>
  clock: () => Date
  now: () => number
  scratchPath?: string
  drill?: DrillStepOptions['drill']
}

/**
 * One run of a scheduled check in this process (the daemon sends it to a check process, as it
 * does cycles): finds the newest backups by the names the agent writes, verifies or drills them,
 * and sums up the verdict. Nothing is thrown: a cancellation comes back as a report with its error.
 */
export async function runCheckHere(
  kind: CheckKind,
  deps: CheckDependencies,
  signal?: AbortSignal,
): Promise<CheckReport> {
  const startedAt = deps.clock()
  const started = deps.now()
  const done = (backups: CheckedBackup[], error: AppError | null = null): CheckReport => {
    const verdict = verdictOf(kind, backups)
    return {
      kind,
      severity: error === null ? verdict.severity : 'warning',
      summary: error === null ? verdict.summary : error.message,
      startedAt: startedAt.toISOString(),
      endedAt: deps.clock().toISOString(),
      durationMs: deps.now() - started,
      backups,
      error: error === null ? null : toErrorPayload(error),
    }
  }
  let keys: DecryptionKeys
  try {
    keys = await loadDecryptionKeys({
      identityFiles: deps.config.checks.identityFile === null ? [] : [deps.config.checks.identityFile],
      env: deps.env,
    })
  } catch (error) {
    return done([], AppError.fromPayload(toErrorPayload(error)))
  }
  const pattern = namePattern(deps.config)
  try {
    const backups =
      kind === 'verify'
        ? await verifyNewestBackups(deps.destinations, pattern, keys, signal)
        : await drillNewestBackup(deps.destinations, pattern, {
            consulBinary: deps.config.checks.drill?.consulBinary ?? null,
            env: deps.env,
            keys,
            ...(deps.scratchPath !== undefined ? { scratchPath: deps.scratchPath } : {}),
            ...(signal ? { signal } : {}),
            ...(deps.drill ? { drill: deps.drill } : {}),
          })
    return done(backups)
  } catch (error) {
    // A cancellation (or a fault of the step itself): reported, never thrown across the process line.
    return done([], error instanceof AppError ? error : AppError.fromPayload(toErrorPayload(error)))
  }
}

/** The names this agent writes (and retention rotates), so only its own backups are checked. */
export function namePattern(config: AgentConfig): BackupNamePattern {
  return config.nameTemplate === null
    ? enterpriseNamePattern()
    : templateNamePattern(config.nameTemplate, { profile: config.connection.name })
}
