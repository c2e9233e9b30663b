import { AppError } from '../../../shared/app-error'
import type { DrillPhaseWire } from '../../../shared/snapshot-tools-types'
import { ConsulClient } from '../consul/consul-client'
import type { ConsulConnection } from '../consul/consul-connection'
import { restoreSnapshot } from '../consul/restore-snapshot'
import { retryWhileLeaderless } from './leaderless-retry'
import { verifyWithEngine } from '../consul/verify-with-engine'
import { VerifiedFiles } from '../consul/verified-files'
import { findConsulBinary, type ConsulBinary } from './consul-binary'
import { compareContents, type DrillDifference } from './drill-contents'
import { ACL_KINDS, readFileContents, type FileContents } from './read-file-contents'
import { readAgentContents } from './read-agent-contents'
import { assertScratchCluster } from './scratch-cluster'
import { startScratchAgent, type ScratchAgent } from './scratch-agent'

/** The drill's steps, as its progress names them: the wire's list, declared once there. */
export type DrillPhase = DrillPhaseWire

/**
 * Where the backup is restored. `dev-agent` (the default): a throw-away `consul agent -dev` the
 * drill starts and removes. `scratch-cluster`: a saved profile marked as a scratch cluster
 * (scratch-cluster.ts), whose whole state the drill replaces.
 */
export type DrillTarget = { kind: 'dev-agent' } | { kind: 'scratch-cluster'; connection: ConsulConnection }

export interface DrillOptions {
  /** -consul / the app's choice; else CONSUL_BIN, else PATH. Only for the dev agent. */
  consulPath?: string
  env?: Record<string, string | undefined>
  signal?: AbortSignal
  onPhase?: (phase: DrillPhase) => void
  target?: DrillTarget
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
  /**
   * The Consul restored into: for the dev agent its binary, for a scratch cluster its address
   * (as Consul's own messages describe it) and the version its agent reports.
   */
  consul: { path: string; version: string | null }
  /** Which kind of target the drill used; a scratch cluster by its profile name. */
  target?: { kind: 'dev-agent' } | { kind: 'scratch-cluster'; name: string }
  durationMs: number
}

/** A failure that belongs to the backup (the verdict), not to the drill's own machinery. */
const isBackupFailure = (error: unknown): error is AppError =>
  error instanceof AppError &&
  (error.code.startsWith('SNAPSHOT_') || error.code === 'RESTORE_REFUSED' || error.code === 'CONSUL_HTTP')

const MEMBERSHIP_NOTE =
  'Nodes managed by Consul membership (with a serfHealth check), their services, checks and sessions are not compared: the restored cluster removes them from its catalog on its own schedule.'

/** What the drill restores into, once ready: how to reach it, and how to give it back. */
interface DrillSession {
  connection: ConsulConnection
  consul: { path: string; version: string | null }
  /** The agent's log tail and whether it died, for a refused restore's reason (dev agent only). */
  diagnose(): Promise<string>
  release(): Promise<void>
}

/**
 * "Does this backup really restore?": the file is restored into a throw-away Consul (a dev agent
 * the drill starts, or a scratch cluster's profile), read back through the HTTP API and compared
 * with what the file holds (drill-contents.ts). A backup that fails (unreadable, refused by
 * Consul, different after the restore) gives `passed: false` with the reason; only the drill's
 * own trouble (no consul binary, an agent that does not start, a profile that is not a scratch
 * cluster, cancellation) is thrown. A dev agent is stopped and its folder removed on every path.
 */
export async function runDrill(path: string, options: DrillOptions = {}): Promise<DrillResult> {
  const started = Date.now()
  const target = options.target ?? { kind: 'dev-agent' }
  // Refused before the file is read, like a read-only profile's restore.
  if (target.kind === 'scratch-cluster') assertScratchCluster(target.connection)
  const binary =
    target.kind === 'dev-agent'
      ? await findConsulBinary(options.consulPath, options.env ?? process.env)
      : null
  let consul = binary ?? { path: '', version: null }
  const targetTag: DrillResult['target'] =
    target.kind === 'dev-agent'
      ? { kind: 'dev-agent' }
      : { kind: 'scratch-cluster', name: target.connection.name }
  const result = (partial: Partial<DrillResult>): DrillResult => ({
    passed: false,
    failure: null,
    differences: [],
    counts: [],
    notes: [],
    consul,
    target: targetTag,
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
  const notes: string[] = [MEMBERSHIP_NOTE]
  const acls = file.managementToken !== null
  if (!acls && file.hasAcls) {
    notes.push('ACL objects were not compared: the file holds no global-management token to read them with.')
    for (const kind of Object.values(ACL_KINDS)) file.contents.counts.delete(kind)
  }

  let session: DrillSession | null = null
  try {
    if (target.kind === 'dev-agent') {
      options.onPhase?.('starting-agent')
      session = await devAgentSession(binary as ConsulBinary, file, options.signal)
    } else {
      session = scratchClusterSession(target.connection)
    }
    consul = session.consul
    options.onPhase?.('restoring')
    try {
      const verified = new VerifiedFiles()
      const restore = (connection: ConsulConnection) =>
        restoreSnapshot(
          {
            connection,
            path,
            // A throw-away target: its state is what the drill exists to replace (scratch-cluster.ts).
            safetySnapshot: { enabled: false },
            signal: options.signal,
            onPreflight: (preflight) => {
              if (target.kind === 'dev-agent') return
              consul = { path: preflight.target.endpoint, version: preflight.target.consulVersion }
              for (const warning of preflight.warnings)
                if (warning.code !== 'TARGET_INDEX_AHEAD' && !notes.some((n) => n.endsWith(warning.message)))
                  notes.push(`Before the restore: ${warning.message}`)
            },
          },
          { verify: verifyWithEngine, health: { timeoutMs: 60_000, pollMs: 250 }, verified },
        )
      try {
        const connection = session.connection
        if (target.kind === 'dev-agent')
          await retryWhileLeaderless(() => restore(connection), { signal: options.signal })
        else await restore(connection)
      } catch (error) {
        // A scratch cluster holds the ACLs of the backup drilled into it last, where the profile's
        // own token may not exist: a backup of the same cluster carries a management token that does.
        if (
          !(error instanceof AppError) ||
          error.code !== 'CONSUL_ACL_DENIED' ||
          !acls ||
          target.kind === 'dev-agent'
        )
          throw error
        await restore(withToken(session.connection, file.managementToken as string))
        notes.push(
          "The scratch cluster refused the profile's token (it holds the ACLs of an earlier restore); the file's management token restored it.",
        )
      }
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'CANCELLED') throw error
      // With a fresh dev agent the file was the only variable: an agent that took it and then
      // refused, dropped the connection or died did so because of what it read. A scratch cluster
      // the drill did not start can also be unreachable or refuse the token: its trouble, not the file's.
      if (target.kind === 'scratch-cluster' && !isBackupFailure(error)) throw error
      const reason = await session.diagnose()
      return result({
        failure: { code: error.code, message: `Consul refused the restore: ${error.message}${reason}` },
        notes,
      })
    }
    options.onPhase?.('reading-back')
    // After the restore the target's ACLs are the file's: its management token reads everything,
    // while the scratch profile's own token may no longer exist.
    const reader = acls ? withToken(session.connection, file.managementToken as string) : session.connection
    const ownTokens: string[] = []
    const isTargetsOwnToken = (token: { accessorId: string; description: string }): boolean => {
      if (target.kind === 'dev-agent' || file.tokenAccessors.has(token.accessorId)) return false
      if (!INITIAL_MANAGEMENT_DESCRIPTIONS.has(token.description)) return false
      ownTokens.push(token.accessorId)
      return true
    }
    const client = await ConsulClient.open(reader)
    let restored
    try {
      restored = await readAgentContents(client, {
        acls,
        configEntryKinds: file.configEntryKinds,
        isTargetsOwnToken,
        signal: options.signal,
      })
    } finally {
      await client.close()
    }
    if (ownTokens.length > 0)
      notes.push(
        `The scratch cluster re-created its configured initial management token after the restore (accessor ${ownTokens.join(', ')}); it belongs to the cluster, not the file, and is not counted.`,
      )
    const differences = compareContents(file.contents, restored)
    const kinds = [...new Set([...file.contents.counts.keys(), ...restored.counts.keys()])].sort()
    const counts = kinds.map((kind) => ({
      kind,
      file: file.contents.counts.get(kind) ?? 0,
      agent: restored.counts.get(kind) ?? 0,
    }))
    return result({ passed: differences.length === 0, differences, counts, notes })
  } finally {
    if (session !== null) {
      if (target.kind === 'dev-agent') options.onPhase?.('stopping-agent')
      await session.release()
    }
  }
}

async function devAgentSession(
  binary: ConsulBinary,
  file: FileContents,
  signal: AbortSignal | undefined,
): Promise<DrillSession> {
  const token = file.managementToken
  const agent: ScratchAgent = await startScratchAgent(binary, {
    datacenter: file.datacenter,
    ...(token !== null ? { managementToken: token } : {}),
    signal,
  })
  return {
    connection: {
      name: 'drill',
      settings: { address: agent.httpAddr, useTls: false, tls: { insecureSkipVerify: false } },
      ...(token !== null ? { token } : {}),
    },
    consul: binary,
    async diagnose() {
      const reason = lastErrorLine(await agent.logTail())
      const died = agent.exited() ? ' The throw-away agent stopped running.' : ''
      return `${died}${reason ? ` Consul logged: ${reason}` : ''}`
    },
    release: () => agent.stop(),
  }
}

function scratchClusterSession(connection: ConsulConnection): DrillSession {
  return {
    connection,
    consul: { path: connection.settings.address, version: null },
    // A cluster the drill did not start: its logs are not ours to read.
    diagnose: async () => '',
    release: async () => undefined,
  }
}

/**
 * A cluster configured with `acl.tokens.initial_management` creates that token again when its
 * leader re-asserts leadership after a restore, whenever the file does not hold it; Consul names
 * it so ("Master Token" before 1.11).
 */
const INITIAL_MANAGEMENT_DESCRIPTIONS = new Set(['Initial Management Token', 'Master Token'])

/** The connection with another token, which wins over a profile's token file too. */
function withToken(connection: ConsulConnection, token: string): ConsulConnection {
  return { ...connection, settings: { ...connection.settings, tokenFile: undefined }, token }
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
