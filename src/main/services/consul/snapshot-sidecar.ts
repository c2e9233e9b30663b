import { randomBytes } from 'node:crypto'
import { open, readFile, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { AppError } from '../../../shared/app-error'
import type { SaveResult } from '../../../shared/consul-types'
import { readRegisteredServers, type RegisteredServer } from '../snapshot'
import { compareConsulVersions } from './consul-version'
import { publishFile } from './publish-file'
import { versionFromFileName } from './snapshot-file-name'

/**
 * Why a sidecar: meta.json carries no Consul version (docs/snapshot-format.md §6), and a restore must warn when
 * the file comes from a newer Consul than the target. A file name can be renamed by anyone; a
 * small JSON beside the snapshot (`<file>.json`) records the origin version, datacenter, size,
 * index and SHA-256 at save time. It is trusted only when its size and index match the file, and
 * when it is missing we fall back to the version in the file name (our template, or
 * `consul snapshot save -append-filename version`). The facts it records are the save's own,
 * declared once in SaveResult.
 */
export interface SaveRecord extends Pick<
  SaveResult,
  'size' | 'sha256' | 'index' | 'term' | 'consulVersion' | 'datacenter'
> {
  kind: 'snapshot-studio/save-record'
  version: 1
  file: string
  profile: string
  savedAt: string
}

/**
 * The one schema a sidecar is read with, wherever it is read: beside a file being restored, and
 * in a destination's listing. Every field is checked as written (a time is an ISO 8601 instant, a
 * datacenter a name Consul accepts); fields a later version may add are dropped, not refused.
 * Loaded when a sidecar is read, not with this module: save and restore start by loading it, and
 * zod is as much of their start-up as the HTTP client.
 */
async function sidecarSchema() {
  const [{ z }, { DATACENTER_PATTERN }] = await Promise.all([
    import('zod'),
    import('../../../shared/consul-names'),
  ])
  return z.object({
    kind: z.literal('snapshot-studio/save-record'),
    version: z.literal(1),
    file: z.string().min(1),
    size: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    index: z.number().int().nonnegative(),
    term: z.number().int().nonnegative(),
    consulVersion: z.string().nullable(),
    datacenter: z.string().regex(DATACENTER_PATTERN).nullable(),
    profile: z.string(),
    savedAt: z.iso.datetime(),
  }) satisfies { parse(value: unknown): SaveRecord }
}

/**
 * A sidecar's parsed JSON as a save record, or why it is not one: the first field that breaks
 * the schema, named by its path (our own field names, never the file's text).
 */
export async function parseSaveRecord(
  value: unknown,
): Promise<{ record: SaveRecord; problem: null } | { record: null; problem: string }> {
  const parsed = (await sidecarSchema()).safeParse(value)
  if (parsed.success) return { record: parsed.data, problem: null }
  const issue = parsed.error.issues[0]
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : null
  return {
    record: null,
    problem: field === null ? 'it is not a save record' : `its field "${field}" is missing or not as written`,
  }
}

export function sidecarPathFor(snapshotPath: string): string {
  return `${snapshotPath}.json`
}

/**
 * Writes `<snapshot>.json`. Without `overwrite` it is created exclusively (an existing file of
 * that name, even one made a moment ago, is never replaced: FILE_EXISTS); owner-only (it names
 * the profile and the cluster). Complete content appears at once: a temporary file is written,
 * synced, then linked to the name; the folder is synced too unless `syncFolder` is false (see
 * publishFile).
 */
export async function writeSidecar(
  snapshotPath: string,
  record: Omit<SaveRecord, 'kind' | 'version' | 'file'>,
  options: { overwrite?: boolean; syncFolder?: boolean } = {},
): Promise<string> {
  const full: SaveRecord = {
    kind: 'snapshot-studio/save-record',
    version: 1,
    file: basename(snapshotPath),
    ...record,
  }
  const path = sidecarPathFor(snapshotPath)
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', 0o600)
  try {
    try {
      await handle.writeFile(JSON.stringify(full, null, 2) + '\n')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await publishFile(temp, path, options.overwrite ?? false, { syncFolder: options.syncFolder })
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
  return path
}

export interface SnapshotOrigin {
  consulVersion: string | null
  datacenter: string | null
  source: 'snapshot' | 'sidecar' | 'file-name' | 'unknown'
}

/**
 * Where a snapshot file comes from. The file's own catalog wins over its sidecar, and the sidecar
 * over its name: the servers' registrations inside the file were written by the servers whose
 * state it is, and are covered by its checksums, so they cannot be separated from it or describe
 * another file; the sidecar records the version of the agent that answered the save, which can be
 * a client agent on another release than its servers. The sidecar still serves files whose
 * servers carry no version, and the name serves files with neither.
 */
export async function readSnapshotOrigin(
  snapshotPath: string,
  facts: { size: number; index: number },
  options: { signal?: AbortSignal } = {},
): Promise<SnapshotOrigin> {
  return originFrom(snapshotPath, await readOriginClues(snapshotPath, options), facts)
}

/**
 * What a file and its sidecar say of its origin, read before its verdict is known: a restore that
 * verifies while it uploads reads these during the upload, so only the rules are left to apply
 * while its last bytes wait for the verdict.
 */
export interface OriginClues {
  servers: RegisteredServer[]
  /** The sidecar beside the file, whichever file it describes (originFrom checks that). */
  sidecar: SaveRecord | null
}

export async function readOriginClues(
  snapshotPath: string,
  options: { signal?: AbortSignal } = {},
): Promise<OriginClues> {
  const [servers, sidecar] = await Promise.all([
    serversOf(snapshotPath, options.signal),
    readSidecar(snapshotPath),
  ])
  return { servers, sidecar }
}

/** The origin, from clues read of the file now verified to hold `facts`. */
export function originFrom(
  snapshotPath: string,
  clues: OriginClues,
  facts: { size: number; index: number },
): SnapshotOrigin {
  const { servers } = clues
  const sidecar =
    clues.sidecar !== null && clues.sidecar.size === facts.size && clues.sidecar.index === facts.index
      ? clues.sidecar
      : null
  const fileVersion = newestVersion(servers.map((s) => s.consulVersion))
  const datacenter = servers.find((s) => s.datacenter !== '')?.datacenter ?? sidecar?.datacenter ?? null
  if (fileVersion !== null) return { consulVersion: fileVersion, datacenter, source: 'snapshot' }
  if (sidecar?.consulVersion) return { consulVersion: sidecar.consulVersion, datacenter, source: 'sidecar' }
  const fromName = versionFromFileName(basename(snapshotPath))
  return fromName
    ? { consulVersion: fromName, datacenter, source: 'file-name' }
    : { consulVersion: null, datacenter, source: 'unknown' }
}

async function readSidecar(snapshotPath: string): Promise<SaveRecord | null> {
  let text: string
  try {
    text = await readFile(sidecarPathFor(snapshotPath), 'utf8')
  } catch {
    // No sidecar (the schema is not even loaded then).
    return null
  }
  try {
    // Not a sidecar of ours when it does not parse: the origin is then left to the name.
    return (await parseSaveRecord(JSON.parse(text))).record
  } catch {
    return null
  }
}

async function serversOf(snapshotPath: string, signal?: AbortSignal): Promise<RegisteredServer[]> {
  try {
    return await readRegisteredServers(snapshotPath, { signal })
  } catch (error) {
    // The file was verified before we got here; a catalog we cannot read only leaves the origin
    // to the sidecar and the name. Cancelling still cancels.
    if (error instanceof AppError && error.code === 'CANCELLED') throw error
    return []
  }
}

/**
 * During a rolling upgrade servers run different releases, and any of them may have written the
 * snapshot: the newest is the one to warn about, since restoring into an older Consul is the
 * risky direction.
 */
function newestVersion(versions: ReadonlyArray<string | null>): string | null {
  let newest: string | null = null
  for (const version of versions) {
    if (version === null) continue
    if (newest === null || compareConsulVersions(version, newest) === 1) newest = version
  }
  return newest
}
