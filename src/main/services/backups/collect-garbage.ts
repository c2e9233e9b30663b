import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let collector: (() => void) | null | undefined

/**
 * A full garbage collection, for a daemon that goes idle right after allocating a lot. A cycle
 * streams the whole snapshot through 64 KiB–1 MiB buffers; with no allocation after it, V8 has
 * no reason to collect, and tens of MiB of dead buffers stay resident for the whole interval
 * (measured after a 60 MiB snapshot: up to 42 MiB of dead ArrayBuffers, ~10 MiB of idle RSS;
 * more when malloc returns freed memory to the system). Node exposes
 * `gc` only behind --expose-gc; setting the flag at run time makes a fresh context carry it.
 * Where that is refused, idling without it is merely more expensive, so it degrades to nothing.
 */
export function collectGarbage(): void {
  if (collector === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      const gc: unknown = runInNewContext('gc')
      collector = typeof gc === 'function' ? (gc as () => void) : null
    } catch {
      collector = null
    }
  }
  collector?.()
}
