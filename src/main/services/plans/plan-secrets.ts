import { AppError } from '../../../shared/app-error'
import {
  destinationNeedsSecret,
  destinationSecretName,
  type PlanDestination,
  type RemotePlanDestination,
} from '../../../shared/backup-plan-schema'
import type { SecretStore } from '../profiles/secret-store'

/** The SecretStore key of one destination's secret; the destination id survives edits of the list. */
export function destinationSecretKey(planId: string, destinationId: string): string {
  return `plan:${planId}:destination:${destinationId}`
}

/**
 * What a stored secret is bound to: where it is sent and as whom. A secret kept across a change
 * of any of these would go to a store the user never gave it to, so the change drops it unless
 * the secret is entered again (as profiles drop a token when the address changes).
 */
export function secretBinding(destination: PlanDestination): string | null {
  switch (destination.kind) {
    case 's3':
      return destination.credentials.kind === 'static'
        ? JSON.stringify([
            's3',
            destination.endpoint,
            destination.region,
            destination.bucket,
            destination.credentials.accessKeyId,
          ])
        : null
    case 'azure-blob':
      return JSON.stringify([
        'azure-blob',
        destination.auth,
        destination.endpoint,
        destination.environment,
        destination.auth === 'connection-string' ? null : destination.accountName,
        destination.container,
        destination.tenantId,
        destination.clientId,
      ])
    default:
      return null
  }
}

function isRemote(destination: PlanDestination): destination is RemotePlanDestination {
  return destination.kind !== 'local'
}

/**
 * Turns the destinations of a plan edit into what the plan file holds: every remote destination
 * with a stable id, no secret value, and `secretSet` as the SecretStore now has it. Secrets set in
 * the edit are stored, kept ones stay only with an unchanged binding, and the secrets of
 * destinations that left the plan are deleted. Throws PLAN_INVALID naming the field when a
 * destination that signs in with a secret would have none.
 */
export async function applyDestinationSecrets(options: {
  planId: string
  next: PlanDestination[]
  current: PlanDestination[]
  secrets: SecretStore
  newId: () => string
}): Promise<PlanDestination[]> {
  const { planId, secrets } = options
  const previous = new Map<string, RemotePlanDestination>()
  for (const destination of options.current)
    if (isRemote(destination) && destination.id !== undefined) previous.set(destination.id, destination)

  // Decide everything first, so a refused edit changes no secret.
  const decided = options.next.map((destination, index) => {
    if (!isRemote(destination))
      return { destination, write: null as null | { key: string; value: string | null } }
    const { secret, secretSet: _ignored, ...settings } = destination
    const before = destination.id !== undefined ? previous.get(destination.id) : undefined
    const id = before !== undefined ? destination.id! : options.newId()
    const key = destinationSecretKey(planId, id)
    const needs = destinationNeedsSecret(destination)
    const change = secret ?? { kind: 'keep' as const }
    let write: { key: string; value: string | null } | null = null
    let hasSecret: boolean
    if (!needs) {
      write = before?.secretSet ? { key, value: null } : null
      hasSecret = false
    } else if (change.kind === 'set') {
      write = { key, value: change.value }
      hasSecret = true
    } else if (
      change.kind === 'keep' &&
      before?.secretSet === true &&
      secretBinding(before) === secretBinding(destination)
    ) {
      hasSecret = true
    } else {
      const moved = change.kind === 'keep' && before?.secretSet === true
      throw new AppError(
        'PLAN_INVALID',
        `The backup plan is not valid: destinations.${index}.secret: ${
          moved
            ? 'the store or the sign-in changed, so the kept secret was dropped; enter it again'
            : `${destinationSecretName(destination)} is needed`
        }.`,
        { hint: 'Enter the secret and save again.', details: { field: `destinations.${index}.secret` } },
      )
    }
    const stored: RemotePlanDestination = { ...settings, id, secretSet: hasSecret }
    return { destination: stored as PlanDestination, write }
  })

  const kept = new Set(decided.flatMap(({ destination }) => (isRemote(destination) ? [destination.id!] : [])))
  for (const { write } of decided) {
    if (write === null) continue
    if (write.value === null) await secrets.delete(write.key)
    else await secrets.set(write.key, write.value)
  }
  for (const [id, destination] of previous)
    if (!kept.has(id) && destination.secretSet) await secrets.delete(destinationSecretKey(planId, id))
  return decided.map(({ destination }) => destination)
}

/** Deletes every secret a plan's destinations hold (the plan is going away). */
export async function deleteDestinationSecrets(
  planId: string,
  destinations: PlanDestination[],
  secrets: SecretStore,
): Promise<void> {
  for (const destination of destinations)
    if (isRemote(destination) && destination.id !== undefined && destination.secretSet)
      await secrets.delete(destinationSecretKey(planId, destination.id))
}
