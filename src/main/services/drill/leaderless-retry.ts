import { setTimeout as delay } from 'node:timers/promises'
import { AppError } from '../../../shared/app-error'

/**
 * The throw-away dev agent can be without a leader for a moment after it reported one: a single
 * server that steps down when establishing its leadership fails on a busy machine (ACL and CA
 * set-up) and elects itself again. The restore's preflight then refuses before sending a byte
 * (NO_LEADER), so asking again after a pause changes nothing else. Only for the drill's own
 * agent: a scratch cluster without a leader is reported as it is.
 */
export async function retryWhileLeaderless<T>(
  run: () => Promise<T>,
  options: { attempts?: number; pauseMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  const attempts = options.attempts ?? 5
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (error) {
      if (attempt >= attempts || !refusedForNoLeader(error)) throw error
      await delay(options.pauseMs ?? 1000, undefined, { signal: options.signal }).catch(() => {
        throw new AppError('CANCELLED', 'The drill was cancelled.')
      })
    }
  }
}

function refusedForNoLeader(error: unknown): boolean {
  if (!(error instanceof AppError) || error.code !== 'RESTORE_REFUSED') return false
  const blockers = error.details?.['blockers']
  return typeof blockers === 'string' && blockers.split(',').includes('NO_LEADER')
}
