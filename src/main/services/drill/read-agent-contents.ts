import type { ConsulClient } from '../consul/consul-client'

/** What the drill asks of a client: reads only. */
type ReadingClient = Pick<ConsulClient, 'getJson' | 'send'>
import { parseLosslessJson, type JsonNode } from '../snapshot/lossless-json'
import { addCount, emptyContents, kvDigest, type DrillContents } from './drill-contents'

const SERF_HEALTH = 'serfHealth'

type Json = Record<string, unknown>
const list = (v: unknown): Json[] =>
  Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Json[]) : []
const str = (v: unknown): string => (typeof v === 'string' ? v : '')

async function getList(
  client: ReadingClient,
  path: string,
  signal?: AbortSignal,
  query?: Record<string, true>,
): Promise<Json[]> {
  const read = await client.getJson(path, { accept: [404], signal, query })
  return read.status === 404 ? [] : list(read.value)
}

/** The names of the target's Serf members; none when the token may not list them. */
async function getMembers(client: ReadingClient, signal?: AbortSignal): Promise<string[]> {
  const read = await client.getJson('/v1/agent/members', { accept: [403, 404], signal })
  return read.status === 200 ? list(read.value).map((m) => str(m['Name'])) : []
}

/**
 * The restored agent's data in the drill's terms (drill-contents.ts), read through the HTTP API
 * with the token the agent was started with.
 */
export async function readAgentContents(
  client: ReadingClient,
  options: {
    acls: boolean
    configEntryKinds: readonly string[]
    /** A token the target made itself after the restore, not part of the restored state. */
    isTargetsOwnToken?: (token: { accessorId: string; description: string }) => boolean
    signal?: AbortSignal
  },
): Promise<DrillContents> {
  const { signal } = options
  const contents = emptyContents()
  await readKv(client, contents, signal)

  const nodes = (await getList(client, '/v1/catalog/nodes', signal)).map((n) => str(n['Node']))
  const checks = await getList(client, '/v1/health/state/any', signal)
  // The target's own agents are membership's too, even before the leader has given them their
  // serfHealth check: right after a restore the agent re-registers its node first, and a drill
  // that read in between counted a node the file never held.
  const membership = new Set([
    ...checks.filter((c) => str(c['CheckID']) === SERF_HEALTH).map((c) => str(c['Node'])),
    ...(await getMembers(client, signal)),
  ])
  for (const node of nodes) {
    if (membership.has(node)) continue
    addCount(contents, 'nodes')
    const read = await client.getJson(`/v1/catalog/node/${encodeURIComponent(node)}`, { signal })
    const services = (read.value as Json | null)?.['Services']
    addCount(
      contents,
      'services',
      typeof services === 'object' && services !== null ? Object.keys(services).length : 0,
    )
  }
  addCount(contents, 'checks', checks.filter((c) => !membership.has(str(c['Node']))).length)
  const sessions = await getList(client, '/v1/session/list', signal)
  addCount(contents, 'sessions', sessions.filter((s) => !membership.has(str(s['Node']))).length)
  addCount(contents, 'prepared-queries', (await getList(client, '/v1/query', signal)).length)
  if (options.acls) {
    const own = options.isTargetsOwnToken ?? (() => false)
    const tokens = await getList(client, '/v1/acl/tokens', signal)
    addCount(
      contents,
      'acl-tokens',
      tokens.filter((t) => !own({ accessorId: str(t['AccessorID']), description: str(t['Description']) }))
        .length,
    )
    addCount(contents, 'acl-policies', (await getList(client, '/v1/acl/policies', signal)).length)
    addCount(contents, 'acl-roles', (await getList(client, '/v1/acl/roles', signal)).length)
    addCount(contents, 'acl-auth-methods', (await getList(client, '/v1/acl/auth-methods', signal)).length)
    addCount(contents, 'acl-binding-rules', (await getList(client, '/v1/acl/binding-rules', signal)).length)
  }
  for (const kind of options.configEntryKinds)
    addCount(
      contents,
      `config-entries/${kind}`,
      (await getList(client, `/v1/config/${encodeURIComponent(kind)}`, signal)).length,
    )
  return contents
}

const member = (node: JsonNode, name: string): JsonNode | undefined =>
  node.kind === 'object' ? node.members.find(([k]) => k === name)?.[1] : undefined

/** KV pairs, parsed losslessly: flags are 64-bit and JSON.parse would round the large ones. */
async function readKv(client: ReadingClient, contents: DrillContents, signal?: AbortSignal): Promise<void> {
  const response = await client.send({
    method: 'GET',
    path: '/v1/kv/',
    query: { recurse: true },
    accept: [404],
    signal,
  })
  const text = await response.body.text()
  if (response.status === 404) return
  const root = parseLosslessJson(text)
  if (root.kind !== 'array') return
  for (const entry of root.items) {
    const key = member(entry, 'Key')
    const flags = member(entry, 'Flags')
    const value = member(entry, 'Value')
    contents.kv.set(
      key?.kind === 'string' ? key.value : '',
      kvDigest(
        flags?.kind === 'number' ? BigInt(flags.text) : 0n,
        value?.kind === 'string' ? Buffer.from(value.value, 'base64') : new Uint8Array(0),
      ),
    )
    addCount(contents, 'kv')
  }
}
