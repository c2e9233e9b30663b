// The parts of undici the Consul client uses, each loaded from its own file. undici's index also
// loads fetch, WebSocket, the caches and cookies: measured as a third of the start-up of `save`
// and `restore`, which curl, their yardstick, does not have. undici has no "exports" map, so
// these are its public files by path; package.json pins the version they are read from.
import type { Dispatcher } from 'undici'
import AgentClass from 'undici/lib/dispatcher/agent.js'
import dispatcherRequest from 'undici/lib/api/api-request.js'

export const Agent = AgentClass

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'>

/** undici's request(url, { dispatcher, ... }), on the given dispatcher. */
export function request(
  dispatcher: Dispatcher,
  url: string,
  options: RequestOptions,
): Promise<Dispatcher.ResponseData> {
  const parsed = new URL(url)
  return dispatcherRequest.call(dispatcher, {
    ...options,
    origin: parsed.origin,
    path: parsed.pathname + parsed.search,
  })
}
