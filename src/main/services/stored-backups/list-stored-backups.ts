import { toErrorPayload } from '../../../shared/app-error'
import type { StoredBackupView } from '../../../shared/stored-backup-types'
import { listAll, type BackupEntry, type Destination } from '../backups/destination'
import { nameFacts } from './backup-name-facts'
import { readSidecarFacts, type SidecarFacts } from './sidecar-facts'

/** How the plan names its backups, so names can be read back. */
export interface NamingHints {
  /** The plan's name template; null for the Enterprise agent's `consul-<unix ns>.snap`. */
  nameTemplate: string | null
  /** The names of the connections the plan backs up. */
  profiles: readonly string[]
}

/** Sidecars are read a few at a time (one small GET each on a cloud store)… */
const SIDECAR_CONCURRENCY = 8
/** …and only for the newest backups: a folder of thousands still lists in a few requests. */
const SIDECARS_READ = 500

/**
 * Every backup in a destination, all pages, newest first, with what its sidecar or (failing
 * that) its name says about where it comes from. Newest is the time it was taken when known,
 * else when the store wrote it.
 */
export async function listStoredBackups(
  destination: Destination,
  hints: NamingHints,
  signal?: AbortSignal,
): Promise<StoredBackupView[]> {
  const entries = await listAll(destination)
  signal?.throwIfAborted()
  const views = entries.map((entry) => viewFromName(entry, hints))
  views.sort(newestFirst)
  const sidecarNames = new Set(entries.filter((entry) => entry.hasSidecar).map((entry) => entry.name))
  const toRead = views.filter((view) => sidecarNames.has(view.name)).slice(0, SIDECARS_READ)
  let next = 0
  const read = async () => {
    while (next < toRead.length) {
      signal?.throwIfAborted()
      const view = toRead[next++]!
      try {
        applySidecar(view, await readSidecarFacts(destination, view))
      } catch (error) {
        // One sidecar that cannot be believed or read costs only its own facts, and says why.
        view.sidecarProblem = toErrorPayload(error).message
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(SIDECAR_CONCURRENCY, toRead.length) }, read))
  views.sort(newestFirst)
  return views
}

function viewFromName(entry: BackupEntry, hints: NamingHints): StoredBackupView {
  const facts = nameFacts(entry.name, hints.nameTemplate, hints.profiles)
  const known =
    facts.takenAt !== null || facts.cluster !== null || facts.datacenter !== null || facts.index !== null
  return {
    name: entry.name,
    size: entry.size,
    modifiedAt: entry.modifiedAt.toISOString(),
    takenAt: facts.takenAt?.toISOString() ?? null,
    encrypted: entry.name.toLowerCase().endsWith('.age'),
    cluster: facts.cluster,
    datacenter: facts.datacenter,
    index: facts.index,
    consulVersion: facts.consulVersion,
    factsFrom: known ? 'name' : 'none',
    sidecarProblem: null,
  }
}

function applySidecar(view: StoredBackupView, facts: SidecarFacts): void {
  // The sidecar was written at save time from what the cluster answered; the name only echoes it.
  view.takenAt = facts.takenAt.toISOString()
  view.cluster = facts.cluster
  view.datacenter = facts.datacenter ?? view.datacenter
  view.index = facts.index
  view.consulVersion = facts.consulVersion ?? view.consulVersion
  view.factsFrom = 'sidecar'
}

function newestFirst(a: StoredBackupView, b: StoredBackupView): number {
  const at = (view: StoredBackupView) => view.takenAt ?? view.modifiedAt
  const byTime = at(b).localeCompare(at(a))
  return byTime !== 0 ? byTime : b.name < a.name ? -1 : b.name > a.name ? 1 : 0
}
