/**
 * A token sent over plain http to another machine can be read by anyone on the path, and with it
 * they can take and restore snapshots. Loopback and unix sockets never leave the machine.
 */
import { clearTextDestination, clearTextTokenMessage } from '../../../shared/clear-text-address'
import type { ConnectionSettings } from '../../../shared/profile-types'

/** The warning to show before a token goes out in clear text, or null when it does not. */
export function clearTextTokenWarning(settings: ConnectionSettings): string | null {
  const host = clearTextDestination(settings.address, settings.useTls)
  return host === null ? null : clearTextTokenMessage(host)
}
