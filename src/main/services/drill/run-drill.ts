import { AppError } from '../../../shared/app-error'
import { ConsulClient } from '../consul/consul-client'
import type { ConsulConnection } from '../consul/consul-connection'
import { restoreSnapshot } from '../consul/restore-snapshot'
import { verifyWithEngine } from '../consul/verify-with-engine'
import { findConsulBinary } from './consul-binary'
import { compareContents, type DrillDifference } from './drill-contents'
import { ACL_KINDS, readFileContents, type FileContents } from './read-file-contents'
import { readAgentContents } from './read-agent-contents'
import { startScratchAgent, type ScratchAgent } from './scratch-agent'

export const drillPhases = [
  'reading-file',
  'starting-agent',
  'restoring',
  'reading-back',
  'stopping-agent',
] as const
export type DrillPhase = (typeof drillPhases)[number]

export interface DrillOptions {
  /** -consul / the app's choice; else CONSUL_BIN, else PATH. */
  consulPath?: string
  env?: Record<string, string | undefined>
  signal?: AbortSignal
  onPhase?: (phase: DrillPhase) => void
}

export interface DrillCount {
  kind: string
  file: number
  agent: number | null
}

export interface DrillResult {
  passed: boolean
  /** Why it failed, in a sentence, when it failed before comparing (a refused restore, a bad file). */
  failure: { code: string; message: string } | null
  differences: DrillDifference[]
  counts: DrillCount[]
  /** What was deliberately not compared, and why. */
  notes: string[]
  consul: { path: string; version: string | null }
  durationMs: number
}

/** A failure that belongs to the backup (the verdict), not to the drill's own machinery. */
const isBackupFailure = (error: unknown): error is AppError =>
  error instanceof AppError &&
  (error.code.startsWith('SNAPSHOT_') || error.code === 'RESTORE_REFUSED' || error.code === 'CONSUL_HTTP')

/**
 * "Does this backup really restore?": the file is restored into a throw-away dev agent, read back
 * through the HTTP API and compared with what the file holds (drill-contents.ts). A backup that
 * fails (unreadable, refused by Consul, different after the restore) gives `passed: false` with
 * the reason; only the drill's own trouble (no consul binary, an agent that does not start,
 * cancellation) is thrown. The agent is stopped and its folder removed on every path.
 */
export async function runDrill(path: string, options: DrillOptions = {}): Promise<DrillResult> {
  const started = Date.now()
  const binary = await findConsulBinary(options.consulPath, options.env ?? process.env)
  const result = (partial: Partial<DrillResult>): DrillResult => ({
    passed: false,
    failure: null,
    differences: [],
    counts: [],
    notes: [],
    consul: binary,
    ...partial,
    durationMs: Date.now() - started,
  })
  options.onPhase?.('reading-file')
  let file: FileContents
  try {
    file = await readFileContents(path, { signal: options.signal })
  } catch (error) {
    if (isBackupFailure(error)) return result({ failure: { code: error.code, message: error.message } })
    throw error
  }
  const notes: string[] = [
    'Nodes managed by Consul membership (with a serfHealth check), their services, checks and sessions are not compared: the throw-away agent removes them from its catalog on its own schedule.',
  ]
  const acls = file.managementToken !== null
  if (!acls && file.hasAcls) {
    notes.push('ACL objects were not compared: the file holds no global-management token to read them with.')
    for (const kind of Object.values(ACL_KINDS)) file.contents.counts.delete(kind)
  }

  options.onPhase?.('starting-agent')
  let agent: ScratchAgent | null = null
  try {
    agent = await startScratchAgent(binary, {
      datacenter: file.datacenter,
      ...(acls ? { managementToken: file.managementToken as string } : {}),
      signal: options.signal,
    })
    const connection: ConsulConnection = {
      name: 'drill',
      settings: { address: agent.httpAddr, useTls: false, tls: { insecureSkipVerify: false } },
      ...(acls ? { token: file.managementToken as string } : {}),
    }
    options.onPhase?.('restoring')
    try {
      await restoreSnapshot(
        { connection, path, safetySnapshot: { enabled: false }, signal: options.signal },
        { verify: verifyWithEngine, health: { timeoutMs: 60_000, pollMs: 250 } },
      )
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'CANCELLED') throw error
      // Whatever went wrong, the file was the only variable: a fresh agent that took it and then
      // refused, dropped the connection or died did so because of what it read.
      const logged = await agent.logTail()
      const reason = lastErrorLine(logged)
      const died = agent.exited() ? ' The throw-away agent stopped running.' : ''
      return result({
        failure: {
          code: error.code,
          message: `Consul refused the restore: ${error.message}${died}${reason ? ` Consul logged: ${reason}` : ''}`,
        },
        notes,
      })
    }
    options.onPhase?.('reading-back')
    const client = await ConsulClient.open(connection)
    let restored
    try {
      restored = await readAgentContents(client, {
        acls,
        configEntryKinds: file.configEntryKinds,
        signal: options.signal,
      })
    } finally {
      await client.close()
    }
    const differences = compareContents(file.contents, restored)
    const kinds = [...new Set([...file.contents.counts.keys(), ...restored.counts.keys()])].sort()
    const counts = kinds.map((kind) => ({
      kind,
      file: file.contents.counts.get(kind) ?? 0,
      agent: restored.counts.get(kind) ?? 0,
    }))
    return result({ passed: differences.length === 0, differences, counts, notes })
  } finally {
    if (agent !== null) {
      options.onPhase?.('stopping-agent')
      await agent.stop()
    }
  }
}

/** The last error or panic line of a Consul log, without its timestamp. */
function lastErrorLine(log: string): string | null {
  const lines = log.split('\n').filter((line) => /\[ERROR\]|panic:|Unrecognized msg type/.test(line))
  const last = lines.at(-1)
  return last === undefined
    ? null
    : last
        .replace(/^\S+\s+/, '')
        .trim()
        .slice(0, 500)
}
