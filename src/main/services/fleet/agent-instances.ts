import { checkStates, type CheckState, type FleetInstance } from '../../../shared/fleet-types'
import { ALIVE_CHECK_NAME, SAVING_CHECK_NAME } from '../backups/agent-registration'

/**
 * Snapshot agent instances as Consul's `/v1/health/service/<name>` lists them. Both our agent and
 * HashiCorp's register one service instance per process, with the "Alive" check on every
 * instance and the "Saving Snapshots" check on the one that took the lock; those two names are
 * how instances are told apart, never the check IDs (which each agent makes up).
 */
export type AgentInstanceSighting = Omit<FleetInstance, 'role'>

/** Who holds the lock key, as far as the key (our agent writes its service ID) and its session tell. */
export interface LockHolder {
  serviceId: string | null
  /** The node of the holding session, for agents that write no value (HashiCorp's). */
  node: string | null
}

export function instancesFromHealth(entries: unknown): AgentInstanceSighting[] {
  if (!Array.isArray(entries)) return []
  const instances: AgentInstanceSighting[] = []
  for (const entry of entries as unknown[]) {
    const record = asRecord(entry)
    const service = asRecord(record.Service)
    const node = asRecord(record.Node)
    const serviceId = text(service.ID)
    if (serviceId === '') continue
    const instance: AgentInstanceSighting = {
      serviceId,
      node: text(node.Node),
      address: text(service.Address) || text(node.Address),
      alive: null,
      saving: null,
      savingOutput: '',
    }
    for (const check of Array.isArray(record.Checks) ? (record.Checks as unknown[]) : []) {
      const fields = asRecord(check)
      // Node checks (serfHealth) come in the same list, without a ServiceID.
      if (text(fields.ServiceID) !== serviceId) continue
      if (fields.Name === ALIVE_CHECK_NAME) instance.alive = checkState(fields.Status)
      if (fields.Name === SAVING_CHECK_NAME) {
        instance.saving = checkState(fields.Status)
        instance.savingOutput = text(fields.Output).slice(0, 500)
      }
    }
    instances.push(instance)
  }
  return instances.sort((a, b) => a.serviceId.localeCompare(b.serviceId))
}

/**
 * The instance that saves. A passing Saving check is the agents' own statement, so it wins; a new
 * leader's check is critical until its first snapshot, and a failing leader's stays critical, so
 * then the lock decides: by the service ID in its value, or by its session's node when that node
 * runs exactly one instance with a Saving check.
 */
export function chooseLeader(instances: AgentInstanceSighting[], holder: LockHolder | null): string | null {
  const passing = instances.filter((instance) => instance.saving === 'passing')
  if (passing.length === 1) return passing[0]?.serviceId ?? null
  if (holder?.serviceId && instances.some((instance) => instance.serviceId === holder.serviceId))
    return holder.serviceId
  if (passing.length > 1) return passing[0]?.serviceId ?? null
  if (holder?.node) {
    const onNode = instances.filter((instance) => instance.node === holder.node && instance.saving !== null)
    if (onNode.length === 1) return onNode[0]?.serviceId ?? null
  }
  return null
}

export function withRoles(instances: AgentInstanceSighting[], leader: string | null): FleetInstance[] {
  return instances.map((instance) => ({
    ...instance,
    role: instance.serviceId === leader ? 'leader' : 'standby',
  }))
}

function checkState(value: unknown): CheckState {
  return (checkStates as readonly unknown[]).includes(value) ? (value as CheckState) : 'unknown'
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}
