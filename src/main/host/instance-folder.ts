/**
 * One private temp folder per running host (0700), holding everything secret it writes there:
 * catalogues' decompressed working copies (KV values, ACL secrets) and browser-mode uploads. An
 * owner file names the process (pid and, where the OS tells, its start time, so a reused pid is
 * not mistaken for the owner). A clean exit removes the folder; the next start of any host
 * removes folders whose owner is gone, whatever their age. See docs/threat-model.md
 * ("Nothing secret left behind").
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const instanceFolderPrefix = 'snapshot-studio-run-'
const ownerFileName = 'owner.json'
/** A folder without an owner file may be one being created right now; older than this it is junk. */
const unownedGraceMs = 60_000

export interface InstanceOwner {
  pid: number
  /** Process start time as the OS counts it (Linux: clock ticks since boot), or null. */
  started: string | null
}

export interface InstanceFolder {
  path: string
  /** Where catalogues put their working copies. */
  spillDir: string
  /** Removes the folder and everything in it; synchronous so it also runs from an 'exit' handler. */
  removeSync(): void
  remove(): Promise<void>
}

/** The start time of a process from /proc (Linux), or null where there is none. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Field 22; the command name (field 2) may hold spaces, so count from its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return fields[19] ?? null
  } catch {
    return null
  }
}

/** Whether the process that wrote an owner file still runs (and is the same process). */
export function ownerIsAlive(owner: InstanceOwner): boolean {
  try {
    process.kill(owner.pid, 0)
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is not ours to judge dead.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  if (owner.started === null) return true
  const now = processStartTime(owner.pid)
  return now === null || now === owner.started
}

function readOwner(folder: string): InstanceOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(join(folder, ownerFileName), 'utf8')) as Partial<InstanceOwner>
    if (typeof parsed.pid !== 'number' || !Number.isSafeInteger(parsed.pid) || parsed.pid <= 0) return null
    return { pid: parsed.pid, started: typeof parsed.started === 'string' ? parsed.started : null }
  } catch {
    return null
  }
}

export function createInstanceFolder(parent: string = tmpdir()): InstanceFolder {
  const path = mkdtempSync(join(parent, instanceFolderPrefix))
  const owner: InstanceOwner = { pid: process.pid, started: processStartTime(process.pid) }
  writeFileSync(join(path, ownerFileName), JSON.stringify(owner), { mode: 0o600, flag: 'wx' })
  return {
    path,
    spillDir: path,
    removeSync: () => rmSync(path, { recursive: true, force: true }),
    remove: () => rm(path, { recursive: true, force: true }),
  }
}

/**
 * Removes the folders of hosts that died without cleaning up (crash, kill -9, power loss).
 * Folders of running hosts are left alone. Returns how many were removed.
 */
export function sweepAbandonedInstanceFolders(
  parent: string = tmpdir(),
  isAlive: (owner: InstanceOwner) => boolean = ownerIsAlive,
  now = Date.now(),
): number {
  let names: string[]
  try {
    names = readdirSync(parent)
  } catch {
    return 0
  }
  let removed = 0
  for (const name of names) {
    if (!name.startsWith(instanceFolderPrefix)) continue
    const folder = join(parent, name)
    try {
      const owner = readOwner(folder)
      if (owner === null ? now - statSync(folder).mtimeMs < unownedGraceMs : isAlive(owner)) continue
      rmSync(folder, { recursive: true, force: true })
      removed++
    } catch {
      // Gone already, or another user's: leave it.
    }
  }
  return removed
}
