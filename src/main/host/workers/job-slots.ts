/**
 * At most `limit` jobs at once; the rest wait their turn in order. Each scan runs in its own
 * worker thread, so without a limit a page (or any holder of the token) asking for 40 scans got
 * 40 threads, each with its own heap: the host's memory and CPU are bounded here instead.
 */
import { AppError } from '../../../shared/app-error'

export interface JobSlots {
  /** Resolves with the function that frees the slot; rejects CANCELLED if aborted while waiting. */
  acquire(signal: AbortSignal): Promise<() => void>
}

export function createJobSlots(limit: number): JobSlots {
  let running = 0
  const waiting: Array<() => void> = []

  function release(): void {
    running -= 1
    const next = waiting.shift()
    next?.()
  }

  return {
    acquire(signal) {
      return new Promise((resolve, reject) => {
        if (signal.aborted) return reject(new AppError('CANCELLED', 'The operation was cancelled.'))
        const start = () => {
          signal.removeEventListener('abort', onAbort)
          running += 1
          let released = false
          resolve(() => {
            if (released) return
            released = true
            release()
          })
        }
        const onAbort = () => {
          const index = waiting.indexOf(start)
          if (index >= 0) waiting.splice(index, 1)
          reject(new AppError('CANCELLED', 'The operation was cancelled.'))
        }
        if (running < limit) return start()
        signal.addEventListener('abort', onAbort, { once: true })
        waiting.push(start)
      })
    },
  }
}
