import type { ConnectionOptions } from 'node:tls'
import type { Dispatcher } from 'undici'
import type { ResolvedConnection } from './consul-connection'
import { loadTlsOptions } from './tls-options'
import { Agent } from './undici-parts'

export interface DispatcherTimeouts {
  connectMs: number
  /** How long an idle kept-alive socket stays open. */
  idleMs: number
}

export const DEFAULT_TIMEOUTS: DispatcherTimeouts = { connectMs: 10_000, idleMs: 10_000 }

/** Builds the undici dispatcher for one connection; injected so tests can count or replace it. */
export type DispatcherFactory = (connection: ResolvedConnection) => Promise<Dispatcher>

/** One dispatcher per connection, carrying its TLS material and its socket (unix) if any. */
export function createDispatcherFactory(timeouts: DispatcherTimeouts = DEFAULT_TIMEOUTS): DispatcherFactory {
  return async (connection) => {
    const connect: ConnectionOptions & { timeout: number; socketPath?: string } = {
      timeout: timeouts.connectMs,
    }
    if (connection.endpoint.kind === 'unix') connect.socketPath = connection.endpoint.socketPath
    else if (connection.endpoint.scheme === 'https')
      Object.assign(connect, await loadTlsOptions(connection.tls))
    return new Agent({
      connect,
      connectTimeout: timeouts.connectMs,
      keepAliveTimeout: timeouts.idleMs,
      keepAliveMaxTimeout: timeouts.idleMs,
    })
  }
}
