import { AppError } from '../../../shared/app-error'
import { destinationNeedsSecret, type PlanDestination } from '../../../shared/backup-plan-schema'
import type { StoredPlan } from './plan-file'

/**
 * The saved destination a draft from the editor stands for, when reaching the store needs the
 * saved secret (a retention preview before saving). The secret is used only with the settings it
 * was saved with: a draft that points elsewhere is refused rather than sent the secret. Null when
 * the draft needs no secret and can be used as it is.
 */
export function savedDestinationFor(
  plans: StoredPlan[],
  draft: PlanDestination,
): { planId: string; destination: PlanDestination } | null {
  if (draft.kind === 'local' || !destinationNeedsSecret(draft)) return null
  if (draft.id !== undefined && draft.secret === undefined)
    for (const plan of plans)
      for (const destination of plan.input.destinations)
        if (destination.kind !== 'local' && destination.id === draft.id && sameSettings(destination, draft))
          return { planId: plan.id, destination }
  throw new AppError('PLAN_INVALID', 'This destination\u2019s secret is not saved with these settings yet.', {
    hint: 'Save the plan first; the preview then reads the store with the saved secret.',
  })
}

function sameSettings(a: PlanDestination, b: PlanDestination): boolean {
  const settings = (d: PlanDestination) => {
    if (d.kind === 'local') return d
    const { secret: _secret, secretSet: _set, ...rest } = d
    return rest
  }
  return JSON.stringify(settings(a)) === JSON.stringify(settings(b))
}
