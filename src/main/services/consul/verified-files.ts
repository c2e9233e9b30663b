import type { FileIdentity } from './restore-preflight'
import type { VerifiedArchive } from './snapshot-engine'

/**
 * Files the engine verified in this process, by path, with the identity (inode, size, mtime,
 * ctime) they had. Preview-then-restore verifies once: the restore reuses the result while the
 * file is provably untouched, and the upload re-checks the identity before its last byte. Lives in
 * the main process only; callers never supply entries.
 */
export class VerifiedFiles {
  private readonly entries = new Map<string, { identity: FileIdentity; archive: VerifiedArchive }>()

  constructor(private readonly limit = 16) {}

  get(path: string, identity: FileIdentity): VerifiedArchive | undefined {
    const entry = this.entries.get(path)
    return entry && sameIdentity(entry.identity, identity) ? entry.archive : undefined
  }

  set(path: string, identity: FileIdentity, archive: VerifiedArchive): void {
    this.entries.delete(path)
    this.entries.set(path, { identity, archive })
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value
      if (oldest === undefined) break
      this.entries.delete(oldest)
    }
  }
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs
}
