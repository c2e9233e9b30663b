import { stat } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error'
import type {
  RestoreIssue,
  RestorePreflight,
  RestoreProgress,
  RestoreTarget,
  SnapshotFileSummary,
} from '../../../shared/consul-types'
import { readAgentSelf, readLeader, type AgentSelf } from './agent-info'
import type { ConsulClient } from './consul-client'
import { compareConsulVersions } from './consul-version'
import type { VerifiedArchive, VerifySnapshot } from './snapshot-engine'
import { originFrom, readOriginClues, type OriginClues } from './snapshot-sidecar'
import { sameIdentity, type VerifiedFiles } from './verified-files'

export interface FileIdentity {
  size: number
  mtimeMs: number
  /** Changes on every write and cannot be set back by utimes. */
  ctimeMs: number
  ino: number
}

export interface PreflightOutcome {
  preflight: RestorePreflight
  archive: VerifiedArchive
  /** The file as it was verified; the upload refuses a file that changed since. */
  identity: FileIdentity
}

/** Verifies the file locally, then reads the target: nothing is sent to Consul but reads. */
export async function runPreflight(
  client: ConsulClient,
  path: string,
  verify: VerifySnapshot,
  options: {
    signal?: AbortSignal
    onProgress?: (progress: RestoreProgress) => void
    now?: () => number
    verified?: VerifiedFiles
  },
): Promise<PreflightOutcome> {
  const now = options.now ?? Date.now
  const identity = await fileIdentity(path)
  const started = now()
  // Read alongside the verification; awaited only once the file has passed.
  const clues = readOriginClues(path, { signal: options.signal })
  clues.catch(() => undefined)
  let archive = options.verified?.get(path, identity)
  if (!archive) {
    archive = await verify(path, {
      signal: options.signal,
      onProgress: (p) =>
        options.onProgress?.({
          phase: 'verifying',
          bytes: p.bytes,
          totalBytes: p.totalBytes ?? identity.size,
          bytesPerSecond: 0,
          elapsedMs: now() - started,
        }),
    })
    // Only a file that is still the one we read counts as verified.
    if (sameIdentity(identity, await fileIdentity(path))) options.verified?.set(path, identity, archive)
  }
  const target = await readRestoreTarget(client, options.signal)
  const preflight = describeRestore(path, identity, archive, target, await clues)
  return { preflight, archive, identity }
}

/** The target as a restore sees it, read with GETs only. */
export interface TargetReading {
  target: RestoreTarget
  /** null when the token may not read the agent (agent:read). */
  agent: AgentSelf | null
}

export async function readRestoreTarget(client: ConsulClient, signal?: AbortSignal): Promise<TargetReading> {
  // Both at once: each is a round trip before the upload starts.
  const [leader, self] = await Promise.all([
    readLeader(client, signal),
    readAgentSelf(client, signal).catch((error: unknown) => {
      if (!(error instanceof AppError) || error.code === 'CANCELLED') throw error
      return null
    }),
  ])
  const target: RestoreTarget = {
    endpoint: client.where,
    leader,
    consulVersion: self?.version || null,
    datacenter: client.connection.datacenter ?? self?.datacenter ?? null,
    nodeName: self?.nodeName || null,
    currentIndex: self?.raftLastIndex ?? (await readLeaderLastIndex(client, signal)),
  }
  return { target, agent: self }
}

/** File (as verified, its origin from `clues`) and target side by side, with the rules applied. */
export function describeRestore(
  path: string,
  identity: FileIdentity,
  archive: VerifiedArchive,
  { target, agent }: TargetReading,
  clues: OriginClues,
): RestorePreflight {
  const origin = originFrom(path, clues, { size: identity.size, index: archive.meta.index })
  const file: SnapshotFileSummary = {
    path,
    size: identity.size,
    id: archive.meta.id,
    index: archive.meta.index,
    term: archive.meta.term,
    formatVersion: archive.meta.version,
    stats: archive.stats,
    totalSize: archive.totalSize,
    enterpriseTypes: archive.enterpriseTypes,
    consulVersion: origin.consulVersion,
    consulVersionSource: origin.source,
    datacenter: origin.datacenter,
  }
  return { file, target, ...assessRestore(file, target, agent) }
}

/** What refuses a restore whatever the file holds. */
export function targetBlockers(target: RestoreTarget): RestoreIssue[] {
  return target.leader
    ? []
    : [
        {
          code: 'NO_LEADER',
          message:
            'The target cluster has no leader; a restore is forwarded to the leader and would fail. Wait for an election first.',
        },
      ]
}

/** The rules, kept pure so each is a one-line specification in the tests. */
export function assessRestore(
  file: SnapshotFileSummary,
  target: RestoreTarget,
  agent: Pick<AgentSelf, 'enterprise'> | null,
): { warnings: RestoreIssue[]; blockers: RestoreIssue[] } {
  const warnings: RestoreIssue[] = []
  const blockers: RestoreIssue[] = targetBlockers(target)
  if (file.enterpriseTypes.length > 0 && !agent?.enterprise) {
    const types = file.enterpriseTypes.join(', ')
    blockers.push({
      code: 'ENTERPRISE_RECORDS_ON_CE',
      message: agent
        ? `The file holds Consul Enterprise records (types ${types}); this Community Edition cluster cannot apply them, and its leader would crash during the restore.`
        : `The file holds Consul Enterprise records (types ${types}), and the target\u2019s edition cannot be read with this token (agent:read); a Community Edition leader would crash on them.`,
    })
  }
  if (file.consulVersion && target.consulVersion) {
    const order = compareConsulVersions(file.consulVersion, target.consulVersion)
    if (order === 1) {
      warnings.push({
        code: 'VERSION_NEWER_THAN_TARGET',
        message: `The file comes from Consul ${file.consulVersion}, newer than the target\u2019s ${target.consulVersion}: an older Consul may not know newer record types or shapes. Upgrade the target first, or restore into ${file.consulVersion}.`,
      })
    } else if (order === -1) {
      warnings.push({
        code: 'VERSION_OLDER_THAN_TARGET',
        message: `The file comes from Consul ${file.consulVersion}, the target runs ${target.consulVersion}. Consul recommends restoring into the version that took the snapshot and upgrading afterwards.`,
      })
    }
  } else {
    warnings.push({
      code: 'VERSION_UNKNOWN',
      message: !file.consulVersion
        ? 'The Consul version that wrote the file is unknown (its servers carry none, and it has no sidecar and no version in its name); make sure the target runs the same version.'
        : 'The target\u2019s Consul version cannot be read with this token (agent:read); make sure it runs the version that wrote the file.',
    })
  }
  if (file.datacenter && target.datacenter && file.datacenter !== target.datacenter) {
    warnings.push({
      code: 'DATACENTER_DIFFERS',
      message: `The file was saved from datacenter "${file.datacenter}", the target is "${target.datacenter}".`,
    })
  }
  if (target.currentIndex !== null && target.currentIndex > file.index) {
    warnings.push({
      code: 'TARGET_INDEX_AHEAD',
      message: `The cluster is at raft index ${target.currentIndex}, the file at ${file.index}: everything written since is replaced by the file\u2019s state.`,
    })
  }
  return { warnings, blockers }
}

export async function fileIdentity(path: string): Promise<FileIdentity> {
  try {
    const info = await stat(path)
    if (!info.isFile())
      throw new AppError('FILE_UNREADABLE', `${path} is not a file.`, { hint: 'Choose a .snap file.' })
    return { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino }
  } catch (error) {
    if (error instanceof AppError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new AppError(
      code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
      `The snapshot file ${path} cannot be read (${code ?? 'error'}).`,
      {
        hint: 'Check the path and its permissions.',
        cause: error,
      },
    )
  }
}

async function readLeaderLastIndex(client: ConsulClient, signal?: AbortSignal): Promise<number | null> {
  try {
    const { status, value } = await client.getJson('/v1/operator/autopilot/health', {
      useDatacenter: true,
      accept: [429],
      signal,
    })
    if (status !== 200 && status !== 429) return null
    const servers =
      (value as { Servers?: Array<{ Leader?: unknown; LastIndex?: unknown }> } | null)?.Servers ?? []
    const leader = servers.find((server) => server.Leader === true)
    return typeof leader?.LastIndex === 'number' ? leader.LastIndex : null
  } catch (error) {
    if (error instanceof AppError && error.code === 'CANCELLED') throw error
    return null
  }
}
