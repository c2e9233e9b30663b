import type { PlanCoverage } from './fleet-service'

/** The little of a plan the fleet needs; the plans service's views have it. */
export interface PlanLike {
  profileIds: string[]
  paused: boolean
}

/**
 * Counts the plans that back each profile up on a schedule. A paused plan schedules nothing, so
 * a cluster whose only plan is paused is still flagged "no scheduled backups".
 */
export function planCoverageFrom(list: () => Promise<{ plans: PlanLike[] }>): PlanCoverage {
  return {
    async plansByProfile() {
      const counts = new Map<string, number>()
      for (const plan of (await list()).plans) {
        if (plan.paused) continue
        for (const profileId of new Set(plan.profileIds))
          counts.set(profileId, (counts.get(profileId) ?? 0) + 1)
      }
      return counts
    },
  }
}
