import type { BackupEntry, ListPage } from './destination'

export const SIDECAR_SUFFIX = '.json'

/** One object as a store lists it, its name already stripped of the destination's prefix. */
export interface StoreObject {
  name: string
  size: number
  modifiedAt: Date
}

export interface StorePage {
  objects: StoreObject[]
  /** The store's own continuation token; null after the last page. */
  token: string | null
}

/**
 * A destination's page from a store's page. Stores list names in byte order, so a snapshot and
 * its sidecar (`<name>.json`) are usually neighbours, but a page boundary can fall between them.
 * The pairing is therefore settled inside the page where it can be, and by asking the store
 * whether the other half exists where it cannot: a sidecar is never listed as a backup of its own,
 * and an orphan `.json` (no snapshot beside it) is, so that nothing in the folder goes unseen.
 */
export async function pairSidecars(
  page: StorePage,
  exists: (name: string) => Promise<boolean>,
): Promise<ListPage> {
  const names = new Set(page.objects.map((object) => object.name))
  const first = page.objects[0]?.name
  const last = page.objects.at(-1)?.name
  const entries: BackupEntry[] = []
  for (const object of page.objects) {
    if (object.name.endsWith(SIDECAR_SUFFIX)) {
      const base = object.name.slice(0, -SIDECAR_SUFFIX.length)
      if (names.has(base)) continue
      // The base sorts before its sidecar: when it is not on this page it may be on an earlier one.
      if (first !== undefined && base < first && (await exists(base))) continue
    }
    const sidecar = object.name + SIDECAR_SUFFIX
    const hasSidecar =
      names.has(sidecar) ||
      (page.token !== null && last !== undefined && sidecar > last && (await exists(sidecar)))
    entries.push({ name: object.name, size: object.size, modifiedAt: object.modifiedAt, hasSidecar })
  }
  return { entries, next: page.token }
}
