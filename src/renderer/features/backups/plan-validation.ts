import { planInputSchema, type PlanInput } from '../../../shared/backup-plan-schema'

/** Messages by field path (`schedule.expression`, `options.nameTemplate`, …), from the shared schema. */
export type PlanErrors = Record<string, string>

/** What the editor refuses before saving; the host checks again (cron syntax, profiles). */
export function validatePlan(input: PlanInput): PlanErrors {
  const parsed = planInputSchema.safeParse(input)
  if (parsed.success) return {}
  const errors: PlanErrors = {}
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join('.') || 'plan'
    errors[field] ??= sentence(issue.message)
  }
  return errors
}

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1)
  return text.endsWith('.') ? text : `${text}.`
}
