import { ageErrors } from '../encryption/age-errors'
import { sniffAge } from '../encryption/age-stream'
import type { Destination } from '../backups/destination'
import { readAhead } from './read-ahead'

/** How many leading bytes decide whether an object is age-encrypted (its magic line and more). */
const SNIFF_BYTES = 64

export interface StoredObject {
  /** The object's bytes as stored, from the first; pulled from the store only as they are read. */
  bytes: AsyncIterable<Uint8Array>
  /** Age-encrypted, told by its first bytes, so a renamed file is still recognised. */
  encrypted: boolean
  /** Stops the download (a reader that gives up early). */
  close(): void
}

/**
 * Opens a stored backup for reading and looks at its first bytes, which are then handed on with
 * the rest: nothing is fetched twice and nothing waits for the whole object. A name ending in
 * `.age` whose bytes are not age, or an armored age file, is refused here, as for local files.
 */
export async function openStoredObject(
  destination: Destination,
  name: string,
  onBytes?: (bytes: number) => void,
): Promise<StoredObject> {
  const raw = await destination.openRead(name)
  const iterator = readAhead(raw)
  // Destroying the source ends the download at once, even while the read-ahead waits for it.
  const stop = () => {
    raw.destroy()
    void iterator.return(undefined).catch(() => undefined)
  }
  const head: Uint8Array[] = []
  let headBytes = 0
  let ended = false
  try {
    while (headBytes < SNIFF_BYTES) {
      const next = await iterator.next()
      if (next.done === true) {
        ended = true
        break
      }
      head.push(next.value)
      headBytes += next.value.length
    }
  } catch (error) {
    stop()
    throw error
  }
  const first = head.length === 1 ? (head[0] as Uint8Array) : Buffer.concat(head)
  const kind = sniffAge(first.subarray(0, SNIFF_BYTES))
  try {
    if (kind === 'armored') throw ageErrors.armored(name)
    if (kind !== 'age' && name.toLowerCase().endsWith('.age')) throw ageErrors.notAge(name)
  } catch (error) {
    stop()
    throw error
  }
  let seen = 0
  const count = (chunk: Uint8Array) => {
    seen += chunk.length
    onBytes?.(seen)
  }
  async function* bytes(): AsyncGenerator<Uint8Array> {
    try {
      if (first.length > 0) {
        count(first)
        yield first
      }
      if (ended) return
      for (;;) {
        const next = await iterator.next()
        if (next.done === true) return
        count(next.value)
        yield next.value
      }
    } finally {
      // A reader that stopped early (a damaged archive, a cancel) ends the download too.
      stop()
    }
  }
  return { bytes: bytes(), encrypted: kind === 'age', close: stop }
}
