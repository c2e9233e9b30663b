/**
 * Selective restore for the app: dry runs of keys from a catalogue the content browser opened,
 * against a saved profile, kept here by id until applied. The renderer sees the plan's wire
 * form only; the connection (with its token) and the whole values stay in this process.
 */
import { join } from 'node:path'
import { AppError } from '../../shared/app-error'
import type { ConsulConnection } from '../services/consul/consul-connection'
import {
  applyKvRestore,
  planKvRestore,
  planToWire,
  type KvRestorePlan,
} from '../services/selective-restore/kv-restore'
import { catalogueKeySource, type CatalogueKvReader } from '../services/selective-restore/snapshot-key-source'
import type { SelectiveRestorePort } from './host-services'

/** Dry runs waiting for their confirmation; an older one must be run again. */
const KEPT_PLANS = 8

export function createSelectiveRestorePort(options: {
  connectionFor(profileId: string): Promise<ConsulConnection>
  catalogue: CatalogueKvReader
  /** Where undo files are written (the default save folder). */
  undoFolder: string
  clock?: () => Date
}): SelectiveRestorePort {
  const plans = new Map<string, KvRestorePlan>()
  const clock = options.clock ?? (() => new Date())
  return {
    async plan(request, work) {
      const connection = await options.connectionFor(request.profileId)
      const plan = await planKvRestore(
        connection,
        {
          kind: 'snapshot',
          keys: catalogueKeySource(options.catalogue, request.catalogueId),
          selection: {
            prefixes: request.prefixes,
            keys: request.keys,
            deleteMissing: request.deleteMissing,
            ...(request.rewrite ? { rewrite: request.rewrite } : {}),
          },
        },
        { signal: work.signal },
      )
      plans.set(plan.id, plan)
      while (plans.size > KEPT_PLANS) plans.delete(plans.keys().next().value as string)
      return planToWire(plan)
    },

    async apply(request, work) {
      const plan = plans.get(request.planId)
      if (plan === undefined)
        throw new AppError('INVALID_ARGUMENT', 'That dry run is no longer available.', {
          hint: 'Run the dry run again; nothing was changed.',
        })
      if (request.confirmation !== plan.connection.name)
        throw new AppError(
          'RESTORE_REFUSED',
          'The selective restore was not confirmed: the typed name does not match the profile.',
          { hint: `Type the profile name "${plan.connection.name}" exactly to confirm.` },
        )
      // One dry run, one apply: a second apply would check against indexes the first one changed.
      plans.delete(request.planId)
      const stamp = clock().toISOString().replace(/[:.]/g, '-')
      const safeName = plan.connection.name.replace(/[^A-Za-z0-9._-]+/g, '_')
      return applyKvRestore(
        plan,
        {
          undoPath: join(options.undoFolder, `${safeName}-kv-undo-${stamp}.json`),
          lossAcknowledged: request.acknowledgeLoss,
          signal: work.signal,
        },
        { clock },
      )
    },
  }
}
