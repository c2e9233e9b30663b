/**
 * The one definition of what a backup plan may hold. The contract checks requests with it, the
 * plan store checks again (with the checks only the host can make: cron syntax, profiles that
 * exist) and reads its file with it, and the Backups editor takes its limits from it.
 *
 * Durations are milliseconds here; the export for servers writes them as Go durations.
 */
import { z } from 'zod'
import { datacenterSchema } from './consul-names'

export const planLimits = {
  name: 80,
  profiles: 20,
  destinations: 8,
  path: 4096,
  /** Below a minute a plan would spend its life saving; the agent on a server can go lower. */
  minIntervalMs: 60_000,
  maxIntervalMs: 366 * 24 * 3_600_000,
  maxJitterMs: 24 * 3_600_000,
  keep: 10_000,
  nameTemplate: 400,
} as const

const jitterMs = z.int().min(0).max(planLimits.maxJitterMs)

export const planScheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('interval'),
    intervalMs: z
      .int()
      .min(planLimits.minIntervalMs, 'the interval is at least one minute')
      .max(planLimits.maxIntervalMs, 'the interval is at most a year'),
    jitterMs,
  }),
  z.strictObject({
    kind: z.literal('cron'),
    expression: z.string().trim().min(1, 'a cron expression is needed').max(200),
    timeZone: z.string().trim().min(1).max(100),
    jitterMs,
  }),
])

/**
 * Where a plan's backups go. One variant per store: the local folder now; S3, Azure Blob and
 * GCS add theirs beside it. A store's secrets (keys, passwords) never sit in these objects:
 * the plan store keeps them in the SecretStore, as profiles keep tokens.
 */
export const planDestinationSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('local'),
    path: z
      .string()
      .trim()
      .min(1, 'a folder is needed')
      .max(planLimits.path)
      .refine((value) => !value.includes('\0'), 'a path cannot contain a NUL character'),
  }),
])

const keep = z.int().min(0).max(planLimits.keep)

/** The engine's RetentionPolicy, field for field. */
export const retentionPolicySchema = z.strictObject({
  retain: keep,
  maxAgeMs: z.int().min(3_600_000, 'the maximum age is at least an hour').nullable(),
  hourly: keep,
  daily: keep,
  weekly: keep,
  monthly: keep,
  yearly: keep,
  timeZone: z.string().trim().min(1).max(100),
})

export const planOptionsSchema = z.strictObject({
  stale: z.boolean(),
  datacenter: datacenterSchema.nullable(),
  /** null: the Enterprise agent's `consul-<unix ns>.snap`. */
  nameTemplate: z.string().trim().min(1).max(planLimits.nameTemplate).nullable(),
})

export const planInputSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'a plan needs a name').max(planLimits.name),
    profileIds: z
      .array(z.string().min(1).max(200))
      .min(1, 'choose at least one connection')
      .max(planLimits.profiles),
    schedule: planScheduleSchema,
    destinations: z
      .array(planDestinationSchema)
      .min(1, 'choose where the backups go')
      .max(planLimits.destinations),
    retention: retentionPolicySchema,
    options: planOptionsSchema,
    paused: z.boolean(),
  })
  .superRefine((plan, context) => {
    // Retention tells clusters apart only by name: several clusters in one folder need {profile}.
    if (plan.profileIds.length > 1 && !(plan.options.nameTemplate ?? '').includes('{profile}'))
      context.addIssue({
        code: 'custom',
        path: ['options', 'nameTemplate'],
        message:
          'several connections share the destination, so the name template must contain {profile} (retention keeps each cluster apart by it)',
      })
    if (plan.options.nameTemplate !== null && !plan.options.nameTemplate.includes('{time}'))
      context.addIssue({
        code: 'custom',
        path: ['options', 'nameTemplate'],
        message: 'the name template must contain {time} (retention orders backups by it)',
      })
    if (new Set(plan.profileIds).size !== plan.profileIds.length)
      context.addIssue({ code: 'custom', path: ['profileIds'], message: 'a connection is listed twice' })
  })

export type PlanInput = z.output<typeof planInputSchema>
export type PlanSchedule = z.output<typeof planScheduleSchema>
export type PlanDestination = z.output<typeof planDestinationSchema>
export type PlanRetention = z.output<typeof retentionPolicySchema>
export type PlanOptions = z.output<typeof planOptionsSchema>

/** What a new plan starts with in the editor: hourly, the Enterprise agent's retain 30. */
export function defaultPlanInput(profileIds: string[] = [], folder = ''): PlanInput {
  return {
    name: '',
    profileIds,
    schedule: { kind: 'interval', intervalMs: 3_600_000, jitterMs: 0 },
    destinations: [{ kind: 'local', path: folder }],
    retention: {
      retain: 30,
      maxAgeMs: null,
      hourly: 0,
      daily: 0,
      weekly: 0,
      monthly: 0,
      yearly: 0,
      timeZone: 'UTC',
    },
    options: { stale: false, datacenter: null, nameTemplate: null },
    paused: false,
  }
}
