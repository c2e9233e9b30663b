/**
 * A transport that hands calls straight to a dispatcher, through a JSON round trip so anything
 * that would not survive the wire (bigint, class instances, undefined) fails here as it would there.
 */
import type { EventName, MethodName } from '../../../src/shared/api-contract'
import type { Platform, Transport } from '../../../src/shared/api-client'
import type { Dispatcher } from '../../../src/main/api/dispatcher'

export function createInMemoryTransport<P extends Platform>(
  dispatcher: Dispatcher,
  platform: P,
  clientId = 'client-1',
): Transport<P> {
  const handlers = new Map<EventName, Set<(payload: unknown) => void>>()
  dispatcher.connect({
    id: clientId,
    send(event, payload) {
      for (const handler of handlers.get(event) ?? []) handler(JSON.parse(JSON.stringify(payload)))
    },
  })
  return {
    platform,
    async invoke(method: MethodName, input: unknown) {
      // A real call crosses a process or a socket: the host never starts work in the caller's tick.
      await Promise.resolve()
      const reply = await dispatcher.dispatch(clientId, method, JSON.parse(JSON.stringify(input ?? {})))
      return JSON.parse(JSON.stringify(reply))
    },
    subscribe(event, handler) {
      const set = handlers.get(event) ?? new Set()
      set.add(handler)
      handlers.set(event, set)
      return () => set.delete(handler)
    },
  }
}
