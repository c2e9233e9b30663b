import { createHash } from 'node:crypto'

/**
 * What a drill compares between the file and the restored agent: how many objects of each kind,
 * and a digest of every KV pair (key, flags and value; the lock session is left out because
 * Consul releases locks whose session it invalidates, see below).
 *
 * Left out on both sides: nodes that Consul's membership manages (those with a `serfHealth`
 * check: the servers and client agents of the source cluster) with their services, checks and
 * sessions. The throw-away agent's leader reconciles its catalog with its own gossip members, so
 * it removes them on its own schedule; counting them would make the drill's verdict a race.
 */
export interface DrillContents {
  counts: Map<string, number>
  /** KV key → hex digest of flags and value. */
  kv: Map<string, string>
}

export const emptyContents = (): DrillContents => ({ counts: new Map(), kv: new Map() })

export function addCount(contents: DrillContents, kind: string, n = 1): void {
  contents.counts.set(kind, (contents.counts.get(kind) ?? 0) + n)
}

export function kvDigest(flags: bigint, value: Uint8Array): string {
  const head = Buffer.alloc(8)
  head.writeBigUInt64BE(BigInt.asUintN(64, flags))
  return createHash('sha256').update(head).update(value).digest('hex')
}

export interface DrillDifference {
  kind: string
  /** e.g. "the file holds 12, the agent 11" or "changed: app/config/port" */
  message: string
}

const MAX_KEY_LISTED = 20

/** Every difference between what the file holds and what the agent answers, kinds in name order. */
export function compareContents(file: DrillContents, agent: DrillContents): DrillDifference[] {
  const out: DrillDifference[] = []
  const kinds = [...new Set([...file.counts.keys(), ...agent.counts.keys()])].sort()
  for (const kind of kinds) {
    const a = file.counts.get(kind) ?? 0
    const b = agent.counts.get(kind) ?? 0
    if (a !== b) out.push({ kind, message: `the file holds ${a}, the restored agent ${b}` })
  }
  const missing: string[] = []
  const changed: string[] = []
  for (const [key, digest] of file.kv) {
    const other = agent.kv.get(key)
    if (other === undefined) missing.push(key)
    else if (other !== digest) changed.push(key)
  }
  const extra = [...agent.kv.keys()].filter((key) => !file.kv.has(key))
  const list = (keys: string[]) =>
    keys.slice(0, MAX_KEY_LISTED).join(', ') +
    (keys.length > MAX_KEY_LISTED ? ` and ${keys.length - MAX_KEY_LISTED} more` : '')
  if (missing.length > 0)
    out.push({ kind: 'kv', message: `${missing.length} key(s) missing after the restore: ${list(missing)}` })
  if (extra.length > 0)
    out.push({ kind: 'kv', message: `${extra.length} key(s) not in the file: ${list(extra)}` })
  if (changed.length > 0)
    out.push({
      kind: 'kv',
      message: `${changed.length} key(s) with another value or flags: ${list(changed)}`,
    })
  return out
}
