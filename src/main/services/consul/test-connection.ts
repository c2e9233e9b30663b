import { AppError } from '../../../shared/app-error'
import type { ConnectionTestResult } from '../../../shared/consul-types'
import { readAgentSelf, readLeader, readRaftPeers } from './agent-info'
import { withClient } from './consul-client'
import type { ConsulConnection } from './consul-connection'
import type { DispatcherFactory } from './consul-dispatcher'
import { checkSnapshotPermission } from './snapshot-permission'

export interface TestConnectionOptions {
  signal?: AbortSignal
  dispatcherFactory?: DispatcherFactory
  now?: () => number
}

/**
 * Leader, raft peers, agent version/datacenter/node, and whether the token may take snapshots.
 * The leader read comes first and needs no ACL: if it fails, the error (unreachable, TLS, ...)
 * is the answer. The other reads degrade to "unknown" rather than failing the whole test.
 */
export async function testConnection(
  connection: ConsulConnection,
  options: TestConnectionOptions = {},
): Promise<ConnectionTestResult> {
  const now = options.now ?? Date.now
  return withClient(connection, options.dispatcherFactory, async (client) => {
    const started = now()
    const leader = await readLeader(client, options.signal)
    const latencyMs = now() - started
    const raftPeers = await readRaftPeers(client, options.signal)
    const result: ConnectionTestResult = {
      endpoint: client.where,
      leader,
      raftPeers,
      agent: null,
      snapshotPermission: { answer: 'unknown', reason: '' },
      insecureTls:
        client.connection.endpoint.kind === 'tcp' &&
        client.connection.endpoint.scheme === 'https' &&
        client.connection.tls.insecureSkipVerify,
      latencyMs,
    }
    try {
      const self = await readAgentSelf(client, options.signal)
      result.agent = {
        version: self.version,
        datacenter: self.datacenter,
        nodeName: self.nodeName,
        server: self.server,
      }
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'CANCELLED') throw error
      result.agentError = error.toPayload()
    }
    try {
      result.snapshotPermission = await checkSnapshotPermission(client, options.signal)
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'CANCELLED') throw error
      result.snapshotPermission = {
        answer: 'unknown',
        reason: `The token could not be checked: ${error.message}`,
      }
    }
    return result
  })
}
