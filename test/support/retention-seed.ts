// What the cloud destination specs (Azure Blob, GCS) seed before one agent cycle with retention,
// and what must be left after it: more backups than one listing page holds (1,000), some with
// sidecars, and objects retention must never touch (other names, a deeper folder, outside the
// prefix). Each spec writes the keys with its own client and reads the result back with it.

const seededCount = 1105
/** Retention after the cycle keeps this many: 1,105 seeded + the cycle's own = the 106 oldest go. */
export const retentionRetain = 1000

export interface RetentionSeed {
  /** Every key to create (backups, their sidecars, foreign objects), in creation order. */
  keys: string[]
  /** The backup names retention must delete, oldest first, as the cycle report lists them. */
  doomed: string[]
  /** Every key the store holds after the cycle whose ID is given, sorted. */
  keysAfter(cycleId: string): string[]
  /** The names the destination lists under its prefix after that cycle, sorted. */
  listedAfter(cycleId: string): string[]
  /** Of those, the backups that have a sidecar, sorted. */
  withSidecarAfter(cycleId: string): string[]
}

export function retentionSeed(prefix: string): RetentionSeed {
  const seeded = Array.from(
    { length: seededCount },
    (_, i) => `consul-${1_600_000_000_000_000_000n + BigInt(i)}.snap`,
  )
  const foreign = [
    `${prefix}/notes.txt`,
    `${prefix}/consul-1.snap.bak`,
    `${prefix}/deeper/consul-2.snap`,
    'consul-3.snap',
  ]
  const withSidecar = seeded.filter((_, i) => i % 50 === 0)
  const doomed = seeded.slice(0, seededCount + 1 - retentionRetain)
  const kept = seeded.slice(doomed.length)
  const keptSidecars = withSidecar.filter((name) => !doomed.includes(name))
  return {
    keys: [
      ...seeded.map((name) => `${prefix}/${name}`),
      ...withSidecar.map((name) => `${prefix}/${name}.json`),
      ...foreign,
    ],
    doomed,
    keysAfter: (id) =>
      [
        ...kept.map((name) => `${prefix}/${name}`),
        ...keptSidecars.map((name) => `${prefix}/${name}.json`),
        ...foreign,
        `${prefix}/consul-${id}.snap`,
        `${prefix}/consul-${id}.snap.json`,
      ].sort(),
    listedAfter: (id) => [...kept, `consul-${id}.snap`, 'consul-1.snap.bak', 'notes.txt'].sort(),
    withSidecarAfter: (id) => [...keptSidecars, `consul-${id}.snap`].sort(),
  }
}

/** Creates the keys 128 at a time: enough to be quick, few enough for an emulator. */
export async function createKeys(keys: string[], create: (key: string) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < keys.length; i += 128) await Promise.all(keys.slice(i, i + 128).map(create))
}
