import { describe, expect, it } from 'vitest'
import {
  chooseLeader,
  instancesFromHealth,
  withRoles,
} from '../../../src/main/services/fleet/agent-instances'

const ALIVE = 'Consul Snapshot Agent Alive'
const SAVING = 'Consul Snapshot Agent Saving Snapshots'

/** One entry of /v1/health/service/consul-snapshot, as Consul answers it. */
function entry(id: string, node: string, checks: Array<{ name: string; status: string; output?: string }>) {
  return {
    Node: { Node: node, Address: `10.0.0.${node.slice(-1)}` },
    Service: { ID: id, Service: 'consul-snapshot', Address: '' },
    Checks: [
      { Node: node, CheckID: 'serfHealth', Name: 'Serf Health Status', Status: 'passing', ServiceID: '' },
      ...checks.map((check, i) => ({
        Node: node,
        // Each agent makes up its own check IDs: only the names are shared.
        CheckID: `${id}:check-${i}`,
        Name: check.name,
        Status: check.status,
        Output: check.output ?? '',
        ServiceID: id,
      })),
    ],
  }
}

describe('snapshot agent instances from the service health', () => {
  it('reads each instance’s Alive and Saving checks by name, ignoring node checks', () => {
    const instances = instancesFromHealth([
      entry('consul-snapshot:b', 'server-2', [{ name: ALIVE, status: 'passing' }]),
      entry('consul-snapshot:a', 'server-1', [
        { name: ALIVE, status: 'passing' },
        { name: SAVING, status: 'passing', output: 'Saved snapshot 1700000000000000000' },
      ]),
    ])

    expect(instances).toEqual([
      {
        serviceId: 'consul-snapshot:a',
        node: 'server-1',
        address: '10.0.0.1',
        alive: 'passing',
        saving: 'passing',
        savingOutput: 'Saved snapshot 1700000000000000000',
      },
      {
        serviceId: 'consul-snapshot:b',
        node: 'server-2',
        address: '10.0.0.2',
        alive: 'passing',
        saving: null,
        savingOutput: '',
      },
    ])
  })

  it('survives answers that are not the expected shape', () => {
    expect(instancesFromHealth(null)).toEqual([])
    expect(instancesFromHealth([{}, { Service: { ID: 7 } }, 'x'])).toEqual([])
    expect(instancesFromHealth([entry('s:1', 'n1', [{ name: ALIVE, status: 'exploded' }])])[0]?.alive).toBe(
      'unknown',
    )
  })
})

describe('which instance leads', () => {
  const sightings = (savingA: string | null, savingB: string | null) =>
    instancesFromHealth([
      entry('s:a', 'n1', savingA ? [{ name: SAVING, status: savingA }] : []),
      entry('s:b', 'n2', savingB ? [{ name: SAVING, status: savingB }] : []),
    ])

  it('is the one whose Saving check passes, whatever the lock says', () => {
    expect(chooseLeader(sightings(null, 'passing'), { serviceId: 's:a', node: null })).toBe('s:b')
  })

  it('is the lock holder named in the lock value while its Saving check is not passing yet', () => {
    expect(chooseLeader(sightings('critical', 'critical'), { serviceId: 's:b', node: null })).toBe('s:b')
  })

  it('is found by the lock session’s node when the holder writes no value (HashiCorp’s agent)', () => {
    expect(chooseLeader(sightings('critical', null), { serviceId: null, node: 'n1' })).toBe('s:a')
    expect(chooseLeader(sightings(null, null), { serviceId: null, node: 'n1' })).toBeNull()
  })

  it('is nobody when no check passes and no lock is held', () => {
    const instances = sightings('critical', null)
    expect(chooseLeader(instances, null)).toBeNull()
    expect(withRoles(instances, null).map((instance) => instance.role)).toEqual(['standby', 'standby'])
  })
})
