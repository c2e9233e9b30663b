import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { retryWhileLeaderless } from '../../../src/main/services/drill/leaderless-retry'

const noLeader = () =>
  new AppError('RESTORE_REFUSED', 'The restore was refused: The target cluster has no leader.', {
    details: { blockers: 'NO_LEADER' },
  })

/** A restore that is refused for want of a leader `times` times, then succeeds. */
function refusedThenDone(times: number) {
  let calls = 0
  return {
    run: async () => {
      calls++
      if (calls <= times) throw noLeader()
      return 'restored'
    },
    calls: () => calls,
  }
}

describe('the drill asks its own agent again while it has no leader', () => {
  it('restores once the agent has elected itself again', async () => {
    const restore = refusedThenDone(2)
    await expect(retryWhileLeaderless(restore.run, { pauseMs: 1 })).resolves.toBe('restored')
    expect(restore.calls()).toBe(3)
  })

  it('gives up after its attempts with the refusal', async () => {
    const restore = refusedThenDone(10)
    await expect(retryWhileLeaderless(restore.run, { attempts: 3, pauseMs: 1 })).rejects.toMatchObject({
      code: 'RESTORE_REFUSED',
    })
    expect(restore.calls()).toBe(3)
  })

  it('does not ask again for any other refusal or failure', async () => {
    let calls = 0
    const otherBlocker = async () => {
      calls++
      throw new AppError('RESTORE_REFUSED', 'Enterprise records.', {
        details: { blockers: 'ENTERPRISE_TYPES' },
      })
    }
    await expect(retryWhileLeaderless(otherBlocker, { pauseMs: 1 })).rejects.toMatchObject({
      code: 'RESTORE_REFUSED',
    })
    expect(calls).toBe(1)
  })

  it('stops waiting when cancelled', async () => {
    const controller = new AbortController()
    const restore = async () => {
      controller.abort()
      throw noLeader()
    }
    await expect(
      retryWhileLeaderless(restore, { pauseMs: 60_000, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})
