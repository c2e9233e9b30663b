import { AppError } from '../../../shared/app-error'
import type { ConsulClient } from '../consul/consul-client'

export interface LiveKvEntry {
  key: string
  flags: string
  value: Buffer
  /** The check-and-set index of the dry run (docs/consul-api.md §7). */
  modifyIndex: number
}

/** A live read is held whole while the dry run compares it; past this, narrow the prefix. */
const LIVE_READ_LIMIT = 256 * 1024 * 1024

/** `/v1/kv/<key>` with each segment escaped, so keys with spaces, `?` or `#` stay keys. */
export function kvPath(key: string): string {
  return '/v1/kv/' + key.split('/').map(encodeURIComponent).join('/')
}

/** Every live key under `prefix` (`?recurse`); none is an empty list (Consul answers 404). */
export async function readLiveUnder(
  client: ConsulClient,
  prefix: string,
  signal?: AbortSignal,
): Promise<LiveKvEntry[]> {
  return readEntries(client, prefix, { recurse: true }, signal)
}

/** One live key; null when it does not exist. */
export async function readLiveKey(
  client: ConsulClient,
  key: string,
  signal?: AbortSignal,
): Promise<LiveKvEntry | null> {
  const found = await readEntries(client, key, {}, signal)
  return found.find((entry) => entry.key === key) ?? null
}

async function readEntries(
  client: ConsulClient,
  key: string,
  query: Record<string, true>,
  signal: AbortSignal | undefined,
): Promise<LiveKvEntry[]> {
  const response = await client.send({
    method: 'GET',
    path: kvPath(key),
    query,
    useDatacenter: true,
    signal,
    accept: [404],
    operation: 'read',
  })
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length
    if (size > LIVE_READ_LIMIT) {
      response.body.destroy()
      throw new AppError('INVALID_ARGUMENT', `The live keys under "${key}" are more than 256 MiB.`, {
        hint: 'Choose a narrower prefix; nothing was changed.',
      })
    }
    chunks.push(chunk as Buffer)
  }
  if (response.status === 404) return []
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw notKvList(client, key)
  }
  if (!Array.isArray(parsed)) throw notKvList(client, key)
  return parsed.map((raw: unknown) => {
    if (typeof raw !== 'object' || raw === null) throw notKvList(client, key)
    const item = raw as Record<string, unknown>
    if (typeof item.Key !== 'string' || typeof item.ModifyIndex !== 'number') throw notKvList(client, key)
    return {
      key: item.Key,
      flags: typeof item.Flags === 'number' ? BigInt(item.Flags).toString() : '0',
      value: typeof item.Value === 'string' ? Buffer.from(item.Value, 'base64') : Buffer.alloc(0),
      modifyIndex: item.ModifyIndex,
    }
  })
}

function notKvList(client: ConsulClient, key: string): AppError {
  return new AppError(
    'CONSUL_HTTP',
    `${client.where} answered the KV read of "${key}" with something else than KV entries.`,
    {
      hint: 'Is this address really a Consul agent (and not a proxy or another service)?',
    },
  )
}
