/**
 * Progress of a multi-gigabyte scan arrives per chunk (tens of thousands of times); a window
 * needs a few updates a second. This keeps the latest report per stream (per profile for a
 * multi-profile save), sends at most one batch per interval, and flushes what is left at the end
 * so the final numbers always arrive before the result.
 */
import type { OperationProgress } from '../../shared/api-contract'

export interface ProgressThrottle {
  push(progress: OperationProgress): void
  /** Sends whatever is pending now and stops the timer. */
  flush(): void
  /** Drops whatever is pending (cancelled operations). */
  discard(): void
}

function streamKey(progress: OperationProgress): string {
  return progress.kind === 'save' ? `save:${progress.profileId}` : progress.kind
}

export function createProgressThrottle(
  send: (progress: OperationProgress) => void,
  intervalMs: number,
  now: () => number = Date.now,
): ProgressThrottle {
  const pending = new Map<string, OperationProgress>()
  let lastSent = Number.NEGATIVE_INFINITY
  let timer: ReturnType<typeof setTimeout> | null = null

  function flush(): void {
    if (timer !== null) {
      clearTimeout(timer)
      timer = null
    }
    if (pending.size === 0) return
    lastSent = now()
    const batch = [...pending.values()]
    pending.clear()
    for (const progress of batch) send(progress)
  }

  return {
    push(progress) {
      pending.set(streamKey(progress), progress)
      const wait = lastSent + intervalMs - now()
      if (wait <= 0) flush()
      else timer ??= setTimeout(flush, wait)
    },
    flush,
    discard() {
      if (timer !== null) clearTimeout(timer)
      timer = null
      pending.clear()
    },
  }
}
