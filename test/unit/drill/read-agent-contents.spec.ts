import { describe, expect, it } from 'vitest'
import type { ConsulClient } from '../../../src/main/services/consul/consul-client'
import { readAgentContents } from '../../../src/main/services/drill/read-agent-contents'

/** A restored agent answering the drill's reads from a table; an empty KV store. */
function restoredAgent(answers: Record<string, unknown>): Pick<ConsulClient, 'getJson' | 'send'> {
  return {
    getJson: async (path) =>
      path in answers
        ? { status: 200, value: answers[path], index: 1 }
        : { status: 404, value: null, index: null },
    send: async () =>
      ({
        status: 404,
        headers: {},
        body: { text: async () => '' },
      }) as unknown as Awaited<ReturnType<ConsulClient['send']>>,
  }
}

describe('the restored agent as the drill reads it', () => {
  it("leaves out the agent's own node while the leader has not yet given it its serfHealth check", async () => {
    // Right after a restore the agent re-registers its node before the leader's reconcile adds
    // serfHealth: the node is in the catalog, not yet in any check, and is a Serf member.
    const contents = await readAgentContents(
      restoredAgent({
        '/v1/catalog/nodes': [{ Node: 'drill-1a2b3c4d' }, { Node: 'web-1' }],
        '/v1/catalog/node/web-1': { Services: { web: {} } },
        '/v1/health/state/any': [{ Node: 'web-1', CheckID: 'web-alive' }],
        '/v1/agent/members': [{ Name: 'drill-1a2b3c4d' }],
      }),
      { acls: false, configEntryKinds: [] },
    )
    expect(contents.counts.get('nodes')).toBe(1)
    expect(contents.counts.get('services')).toBe(1)
    expect(contents.counts.get('checks')).toBe(1)
  })

  it('still counts every node when the token may not list the members', async () => {
    const contents = await readAgentContents(
      restoredAgent({
        '/v1/catalog/nodes': [{ Node: 'web-1' }, { Node: 'web-2' }],
        '/v1/health/state/any': [],
      }),
      { acls: false, configEntryKinds: [] },
    )
    expect(contents.counts.get('nodes')).toBe(2)
  })
})
