import { AppError } from '../../../shared/app-error'
import type { ConsulConnection } from '../consul/consul-connection'

/**
 * A drill replaces the target's whole state with the backup's, with no safety snapshot and no
 * typed confirmation: marking the profile as a scratch cluster is that consent, given once, on
 * the profile. Checked here, in the engine, so the CLI, the API and a scheduled step all meet it.
 */
export function assertScratchCluster(connection: ConsulConnection): void {
  // The profile service never stores a guarded scratch cluster; a hand-edited file is refused too.
  if (connection.scratchCluster === true && (connection.protection ?? 'normal') === 'normal') return
  throw new AppError(
    'FORBIDDEN',
    `The profile "${connection.name}" is not marked as a scratch cluster, so no restore drill may replace its state.`,
    {
      hint: 'Drill into the throw-away dev agent instead, or mark a cluster you can lose as a scratch cluster: Connections → Edit → "Scratch cluster for restore drills" (protection normal), or "scratchCluster": true on the profile in profiles.json.',
      details: { profile: connection.name },
    },
  )
}
