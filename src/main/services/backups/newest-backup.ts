import { listAll, type Destination } from './destination'
import type { BackupNamePattern } from './retention'

/**
 * The newest of our backups in a destination, by the moment its name carries (the order retention
 * uses), so a foreign file or a later upload under another name is never mistaken for it.
 */
export async function newestBackup(
  destination: Destination,
  pattern: BackupNamePattern,
): Promise<string | null> {
  let best: { name: string; order: bigint } | null = null
  for (const entry of await listAll(destination)) {
    const match = pattern.match(entry.name)
    if (match !== null && (best === null || match.order > best.order))
      best = { name: entry.name, order: match.order }
  }
  return best?.name ?? null
}

export function isEncryptedName(name: string): boolean {
  return name.toLowerCase().endsWith('.age')
}
