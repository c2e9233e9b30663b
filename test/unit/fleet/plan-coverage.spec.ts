import { describe, expect, it } from 'vitest'
import { planCoverageFrom } from '../../../src/main/services/fleet/plan-coverage'

describe('plan coverage for the fleet view', () => {
  it('counts the active plans that back each profile up; paused plans schedule nothing', async () => {
    const coverage = planCoverageFrom(async () => ({
      plans: [
        { profileIds: ['prod', 'staging'], paused: false },
        { profileIds: ['prod'], paused: false },
        { profileIds: ['dev'], paused: true },
      ],
    }))

    const counts = await coverage.plansByProfile()

    expect(Object.fromEntries(counts)).toEqual({ prod: 2, staging: 1 })
  })
})
