import { toErrorPayload } from '../../../shared/app-error'
import type { PlanRetention } from '../../../shared/backup-plan-schema'
import type { RetentionPreview, RetentionPreviewOutcome } from '../../../shared/backup-plan-types'
import { listAll, type Destination } from '../backups/destination'
import { enterpriseNamePattern, planRetention, templateNamePattern } from '../backups/retention'

/**
 * What a policy would keep and delete in a destination now: the engine's planRetention over the
 * destination's listing with the same name pattern as the cycle's rotation (snapshot-cycle.ts),
 * so the preview is what the next run deletes. Nothing is deleted here.
 */
export async function previewRetention(
  destination: Destination,
  policy: PlanRetention,
  nameTemplate: string | null,
  profileName: string,
  now: Date,
): Promise<RetentionPreview> {
  const pattern =
    nameTemplate === null
      ? enterpriseNamePattern()
      : templateNamePattern(nameTemplate, { profile: profileName })
  const plan = planRetention(await listAll(destination), policy, now, pattern)
  return {
    destination: destination.description,
    keep: plan.keep.map((b) => ({ name: b.name, takenAt: b.takenAt.toISOString(), reasons: [...b.reasons] })),
    delete: plan.delete.map((b) => ({ name: b.name, takenAt: b.takenAt.toISOString(), reasons: [b.reason] })),
    deferred: plan.deferred.map((b) => ({
      name: b.name,
      takenAt: b.takenAt.toISOString(),
      reasons: [b.reason],
    })),
    ignoredCount: plan.ignored.length,
  }
}

/**
 * The preview of every destination of a plan, each read from its own listing, all at once and in
 * the order given. A destination that cannot be opened or listed (a store that is down, a secret
 * not saved yet) becomes its own failed outcome; the others are still previewed. Each store's
 * client is closed once its preview is read.
 */
export async function previewRetentionEach(
  destinations: (() => Promise<Destination>)[],
  policy: PlanRetention,
  nameTemplate: string | null,
  profileName: string,
  now: Date,
): Promise<RetentionPreviewOutcome[]> {
  return Promise.all(
    destinations.map(async (open): Promise<RetentionPreviewOutcome> => {
      try {
        const destination = await open()
        try {
          return {
            ok: true,
            preview: await previewRetention(destination, policy, nameTemplate, profileName, now),
          }
        } finally {
          // A preview's store client lives for this preview only.
          await destination.close()
        }
      } catch (error) {
        return { ok: false, error: toErrorPayload(error) }
      }
    }),
  )
}
