// Fills a test agent with every kind of record a Consul v1.14 snapshot can carry, through the
// HTTP API and the management token, and returns what it wrote so that round-trip tests can ask
// a restored cluster for the same data.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { fetch, type Dispatcher } from 'undici'
import type { ConsulAgent } from './consul-agent'

export interface PopulateOptions {
  /** Address to talk to instead of `agent.httpAddr`, e.g. `agent.httpsAddr`. */
  address?: string
  /** undici dispatcher carrying TLS settings for an HTTPS address. */
  dispatcher?: Dispatcher
}

export interface PopulatedKvEntry {
  key: string
  value: Buffer
  /** uint64 client flags */
  flags: bigint
  /** session id holding the key's lock, if any */
  session?: string
}

export interface PopulatedManifest {
  /** every live key written, as it should read back (sorted by key) */
  kv: PopulatedKvEntry[]
  /** keys written then deleted (they leave tombstones) */
  deletedKeys: string[]
  /** a key prefix containing several levels of nesting, for -kvfilter tests */
  nestedPrefix: string
  sessions: { id: string; name: string }[]
  /** nodes registered through /v1/catalog/register (not the agent's own node) */
  catalogNodes: { node: string; address: string; services: string[]; checks: string[] }[]
  /** service names present in the catalog (external and agent services) */
  services: string[]
  agentServices: { id: string; name: string; checkId: string }[]
  preparedQueries: { id: string; name: string }[]
  aclPolicies: { id: string; name: string }[]
  aclRoles: { id: string; name: string }[]
  aclTokens: { accessorId: string; secretId: string; description: string }[]
  authMethods: { name: string; type: string }[]
  bindingRules: { id: string; authMethod: string }[]
  configEntries: { kind: string; name: string }[]
  intentions: { source: string; destination: string; action: 'allow' | 'deny' }[]
  autopilot: { maxTrailingLogs: number; lastContactThreshold: string; serverStabilizationTime: string }
}

const MAX_UINT64 = 18446744073709551615n

/** Writes at least one record of every kind Consul v1.14.8 persists in a snapshot. */
export async function populateEveryRecordKind(
  agent: ConsulAgent,
  opts: PopulateOptions = {},
): Promise<PopulatedManifest> {
  const api = consulApi(agent, opts)

  const sessions = await createSessions(api, agent.nodeName)
  const kv = await writeKv(api, sessions)
  const catalogNodes = await registerCatalogNodes(api, agent.datacenter)
  const agentServices = await registerAgentServices(api)
  const acl = await createAcl(api, agent.datacenter)
  const preparedQueries = await createPreparedQueries(api, acl.tokens[0]!.secretId)
  const configEntries = await writeConfigEntries(api)
  const intentions = await writeIntentions(api)
  const autopilot = await writeAutopilot(api)
  await updateCoordinates(api, catalogNodes[0]!.node)

  const services = [
    ...new Set([...catalogNodes.flatMap((n) => n.services), ...agentServices.map((s) => s.name)]),
  ].sort()

  return {
    kv: kv.live,
    deletedKeys: kv.deleted,
    nestedPrefix: kv.nestedPrefix,
    sessions,
    catalogNodes,
    services,
    agentServices,
    preparedQueries,
    aclPolicies: acl.policies,
    aclRoles: acl.roles,
    aclTokens: acl.tokens,
    authMethods: acl.authMethods,
    bindingRules: acl.bindingRules,
    configEntries,
    intentions,
    autopilot,
  }
}

export interface BulkKvOptions {
  /** number of keys to write */
  keys: number
  /** approximate total of value bytes */
  approxBytes: number
  /** key prefix (default `bulk/`) */
  prefix?: string
  /** requests in flight at once (default 4) */
  concurrency?: number
}

/**
 * Loads many keys quickly through /v1/txn (64 operations per transaction, Consul's limit), with
 * value sizes mixed from tiny to several KiB around the requested average. Values are random
 * bytes, so the snapshot is about as big compressed as uncompressed — the hard case for readers.
 */
export async function populateBulkKv(
  agent: ConsulAgent,
  options: BulkKvOptions,
  opts: PopulateOptions = {},
): Promise<{ keys: number; valueBytes: number }> {
  const api = consulApi(agent, opts)
  const prefix = options.prefix ?? 'bulk/'
  const average = Math.max(1, Math.floor(options.approxBytes / Math.max(1, options.keys)))
  const concurrency = options.concurrency ?? 4
  const BATCH = 64
  let next = 0
  let valueBytes = 0

  const sizeFor = (i: number): number => {
    // Deterministic mix: 60% small, 30% medium, 10% large; the weights average to ~1.0 x average.
    const bucket = (i * 2654435761) % 10
    if (bucket < 6) return Math.max(1, Math.floor(average * (0.25 + ((i * 7) % 25) / 100)))
    if (bucket < 9) return Math.floor(average * (1.2 + ((i * 13) % 40) / 100))
    return Math.floor(average * (4 + ((i * 3) % 30) / 100))
  }
  const keyFor = (i: number): string =>
    `${prefix}team-${i % 17}/app-${i % 131}/${(i % 5 === 0 ? 'secrets/' : '') + 'k' + String(i).padStart(7, '0')}`

  const worker = async (): Promise<void> => {
    while (next < options.keys) {
      const start = next
      const end = Math.min(options.keys, start + BATCH)
      next = end
      const ops = []
      for (let i = start; i < end; i++) {
        const size = sizeFor(i)
        valueBytes += size
        ops.push({ KV: { Verb: 'set', Key: keyFor(i), Value: randomBytes(size).toString('base64') } })
      }
      await api.request('PUT', '/v1/txn', ops)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, () => worker()))
  return { keys: options.keys, valueBytes }
}

// --- HTTP ---------------------------------------------------------------------------------------

interface ConsulApi {
  request(method: string, path: string, body?: unknown, raw?: Buffer): Promise<unknown>
}

function consulApi(agent: ConsulAgent, opts: PopulateOptions): ConsulApi {
  const base = opts.address ?? agent.httpAddr
  return {
    async request(method, path, body, raw) {
      const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body))
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'X-Consul-Token': agent.token },
        ...(payload === undefined ? {} : { body: payload }),
        ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`)
      if (text === '') return undefined
      try {
        return JSON.parse(text) as unknown
      } catch {
        return text
      }
    },
  }
}

function kvPath(key: string): string {
  return '/v1/kv/' + key.split('/').map(encodeURIComponent).join('/')
}

function field(value: unknown, name: string): string {
  if (typeof value === 'object' && value !== null && name in value) {
    const v = (value as Record<string, unknown>)[name]
    if (typeof v === 'string') return v
  }
  throw new Error(`expected a "${name}" string in ${JSON.stringify(value)}`)
}

// --- KV -----------------------------------------------------------------------------------------

async function writeKv(
  api: ConsulApi,
  sessions: { id: string; name: string }[],
): Promise<{ live: PopulatedKvEntry[]; deleted: string[]; nestedPrefix: string }> {
  const entries: PopulatedKvEntry[] = []
  const add = (key: string, value: Buffer | string, flags = 0n, session?: string): void => {
    entries.push({
      key,
      value: typeof value === 'string' ? Buffer.from(value, 'utf8') : value,
      flags,
      ...(session ? { session } : {}),
    })
  }

  add('app/config/name', 'snapshot studio')
  add('app/config/empty', '')
  add('app/config/json', JSON.stringify({ replicas: 3, regions: ['eu', 'us'] }))
  add('app/feature-flags/dark-mode', 'on', 42n)
  add('app/feature-flags/max', 'all bits', MAX_UINT64)
  add('app/feature-flags/big', '2^53+1', 9007199254740993n)
  add('unicode/grüße/日本語', 'ünïcødé välüe — 値 🚀')
  add('unicode/emoji/🔑', '🗝️')
  add(
    'binary/blob',
    Buffer.from([0x00, 0xff, 0xfe, 0x80, 0xc0, 0xc1, 0xf5, 0x0a, 0x00, 0xde, 0xad, 0xbe, 0xef]),
  )
  add('binary/large', randomBytes(400 * 1024))
  add('deep/a/b/c/d/e/f/leaf', 'six levels down')
  add('deep/a/b/c/leaf', 'three levels down')
  add('deep/a/b/leaf', 'two levels down')
  add('deep/a/leaf', 'one level down')
  add('deep/x/', '')
  add('folder-only/', '')
  add('top-level-key', 'no slash at all')
  add('vault/logical/0989e79e/one', 'v1')
  add('vault/logical/0989e79e/two', 'v2')
  add('vault/logical/5c018b68/one', 'v3')
  for (let i = 0; i < 20; i++)
    add(`many/group-${i % 4}/item-${String(i).padStart(2, '0')}`, `value ${i}`.repeat(i + 1))
  // Equal-sized records written in reverse name order: inspect must break size ties by name.
  for (const letter of ['f', 'e', 'd', 'c', 'b', 'a']) add(`ties/${letter}`, 'same size')

  for (const entry of entries) {
    await api.request('PUT', `${kvPath(entry.key)}?flags=${entry.flags}`, undefined, entry.value)
  }

  // Locks: acquired by sessions, so the records carry Session and LockIndex.
  const lockHolder = sessions[0]!
  const lockEntries: PopulatedKvEntry[] = [
    { key: 'locks/leader', value: Buffer.from('node-a'), flags: 0n, session: lockHolder.id },
    { key: 'locks/jobs/nightly', value: Buffer.from('runner'), flags: 3n, session: sessions[1]!.id },
  ]
  for (const entry of lockEntries) {
    const acquired = await api.request(
      'PUT',
      `${kvPath(entry.key)}?acquire=${entry.session}&flags=${entry.flags}`,
      undefined,
      entry.value,
    )
    if (acquired !== true) throw new Error(`could not acquire lock ${entry.key}: ${JSON.stringify(acquired)}`)
  }

  const deleted = ['tombstones/gone-1', 'tombstones/gone-2', 'app/config/obsolete']
  for (const key of deleted) {
    await api.request('PUT', kvPath(key), undefined, Buffer.from('soon deleted'))
    await api.request('DELETE', kvPath(key))
  }

  const live = [...entries, ...lockEntries].sort((a, b) =>
    Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)),
  )
  return { live, deleted, nestedPrefix: 'deep/a' }
}

// --- sessions -------------------------------------------------------------------------------------

async function createSessions(api: ConsulApi, nodeName: string): Promise<{ id: string; name: string }[]> {
  const specs = [
    { Name: 'leader-election', Node: nodeName, Behavior: 'release', LockDelay: '15s' },
    { Name: 'nightly-jobs', Node: nodeName, Behavior: 'delete', TTL: '3600s' },
    { Name: 'no-checks', Node: nodeName, NodeChecks: [], Behavior: 'release', LockDelay: '0s' },
  ]
  const out = []
  for (const spec of specs) {
    const res = await api.request('PUT', '/v1/session/create', spec)
    out.push({ id: field(res, 'ID'), name: spec.Name })
  }
  return out
}

// --- catalog ----------------------------------------------------------------------------------------

async function registerCatalogNodes(
  api: ConsulApi,
  datacenter: string,
): Promise<PopulatedManifest['catalogNodes']> {
  const nodes = [
    {
      node: 'ext-db-1',
      address: '10.0.0.11',
      services: [
        {
          ID: 'postgres-1',
          Service: 'postgres',
          Port: 5432,
          Tags: ['primary', 'v15'],
          Meta: { version: '15.4' },
        },
        { ID: 'pgbouncer-1', Service: 'pgbouncer', Port: 6432, Tags: [] },
      ],
    },
    {
      node: 'ext-cache-1',
      address: '10.0.0.21',
      services: [{ ID: 'redis-1', Service: 'redis', Port: 6379, Tags: ['cache'], Meta: {} }],
    },
    { node: 'ext-bare-1', address: '2001:db8::1', services: [] },
  ]
  const out: PopulatedManifest['catalogNodes'] = []
  for (const n of nodes) {
    await api.request('PUT', '/v1/catalog/register', {
      Datacenter: datacenter,
      Node: n.node,
      Address: n.address,
      TaggedAddresses: { lan: n.address, wan: n.address },
      NodeMeta: { rack: 'r1', 'external-node': 'true' },
      Check: { CheckID: 'node-health', Name: 'Node health', Status: 'passing', Notes: 'external monitor' },
    })
    const checks = ['node-health']
    for (const service of n.services) {
      await api.request('PUT', '/v1/catalog/register', {
        Datacenter: datacenter,
        Node: n.node,
        Address: n.address,
        Service: { ...service, Address: n.address, Weights: { Passing: 10, Warning: 1 } },
        Check: {
          CheckID: `service:${service.ID}`,
          Name: `${service.Service} alive`,
          Status: service.Service === 'pgbouncer' ? 'warning' : 'passing',
          ServiceID: service.ID,
          Definition: { TCP: `${n.address}:${service.Port}`, Interval: '10s', Timeout: '1s' },
        },
      })
      checks.push(`service:${service.ID}`)
    }
    out.push({ node: n.node, address: n.address, services: n.services.map((s) => s.Service), checks })
  }
  return out
}

async function registerAgentServices(api: ConsulApi): Promise<PopulatedManifest['agentServices']> {
  const services = [
    {
      ID: 'web-1',
      Name: 'web',
      Port: 8080,
      Tags: ['frontend'],
      Meta: { team: 'ui' },
      Connect: { SidecarService: {} },
    },
    { ID: 'api-1', Name: 'api', Port: 9090, Tags: ['v1'], Meta: { version: 'v1' } },
    { ID: 'admin-1', Name: 'admin', Port: 9091, Tags: [] },
  ]
  const out = []
  for (const s of services) {
    await api.request('PUT', '/v1/agent/service/register', {
      ...s,
      Check: { TTL: '10m', Notes: 'TTL check' },
    })
    const checkId = `service:${s.ID}`
    await api.request('PUT', `/v1/agent/check/pass/${encodeURIComponent(checkId)}?note=ok`)
    out.push({ id: s.ID, name: s.Name, checkId })
  }
  await waitForCatalog(
    api,
    services.map((s) => s.Name),
  )
  return out
}

/** Agent registrations reach the catalog through anti-entropy; wait until they are there. */
async function waitForCatalog(api: ConsulApi, names: string[]): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const catalog = (await api.request('GET', '/v1/catalog/services')) as Record<string, unknown>
    if (names.every((n) => n in catalog)) return
    if (Date.now() > deadline) throw new Error(`agent services ${names.join(', ')} never reached the catalog`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * Servers batch coordinate updates before they reach raft, so a snapshot taken right after the
 * PUT may lack CoordinateBatchUpdate records; wait until the catalog reports the coordinate.
 */
async function updateCoordinates(api: ConsulApi, node: string): Promise<void> {
  await api.request('PUT', '/v1/coordinate/update', {
    Node: node,
    Segment: '',
    Coord: { Vec: [0.1, -0.2, 0.3, 0, 0, 0, 0, 0.05], Error: 0.25, Adjustment: 0.001, Height: 0.0001 },
  })
  const deadline = Date.now() + 60_000
  for (;;) {
    const coordinates = (await api.request('GET', '/v1/coordinate/nodes')) as { Node?: string }[] | null
    if (coordinates?.some((c) => c.Node === node)) return
    if (Date.now() > deadline) throw new Error(`the coordinate of ${node} never reached raft`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

// --- prepared queries ---------------------------------------------------------------------------

/** One query stores `token` — a secret that snapshots carry in the clear. */
async function createPreparedQueries(
  api: ConsulApi,
  token: string,
): Promise<PopulatedManifest['preparedQueries']> {
  const queries = [
    {
      Name: 'postgres-primary',
      Service: { Service: 'postgres', Tags: ['primary'], OnlyPassing: true },
      DNS: { TTL: '10s' },
    },
    {
      Name: 'redis-with-token',
      Token: token,
      Service: { Service: 'redis', Failover: { NearestN: 2, Datacenters: ['dc2', 'dc3'] }, Near: '_agent' },
    },
    { Name: 'geo-', Template: { Type: 'name_prefix_match' }, Service: { Service: '${name.suffix}' } },
  ]
  const out = []
  for (const q of queries) {
    const res = await api.request('POST', '/v1/query', q)
    out.push({ id: field(res, 'ID'), name: q.Name })
  }
  return out
}

// --- ACL ----------------------------------------------------------------------------------------

async function createAcl(
  api: ConsulApi,
  datacenter: string,
): Promise<{
  policies: PopulatedManifest['aclPolicies']
  roles: PopulatedManifest['aclRoles']
  tokens: PopulatedManifest['aclTokens']
  authMethods: PopulatedManifest['authMethods']
  bindingRules: PopulatedManifest['bindingRules']
}> {
  const policies: PopulatedManifest['aclPolicies'] = []
  for (const p of [
    { Name: 'kv-read', Description: 'read app config', Rules: 'key_prefix "app/" { policy = "read" }' },
    {
      Name: 'dc-scoped',
      Description: 'only here',
      Rules: 'node_prefix "" { policy = "read" }',
      Datacenters: [datacenter],
    },
  ]) {
    const res = await api.request('PUT', '/v1/acl/policy', p)
    policies.push({ id: field(res, 'ID'), name: p.Name })
  }

  const roles: PopulatedManifest['aclRoles'] = []
  for (const r of [
    { Name: 'reader', Description: 'reads config', Policies: [{ ID: policies[0]!.id }] },
    {
      Name: 'web-role',
      Description: 'identities',
      ServiceIdentities: [{ ServiceName: 'web', Datacenters: [datacenter] }],
      NodeIdentities: [{ NodeName: 'ext-db-1', Datacenter: datacenter }],
    },
  ]) {
    const res = await api.request('PUT', '/v1/acl/role', r)
    roles.push({ id: field(res, 'ID'), name: r.Name })
  }

  const tokens: PopulatedManifest['aclTokens'] = []
  for (const t of [
    { Description: 'app reader', Policies: [{ Name: 'kv-read' }] },
    { Description: 'role holder', Roles: [{ Name: 'reader' }], Local: true },
    { Description: 'service identity', ServiceIdentities: [{ ServiceName: 'api' }] },
    { Description: 'node identity', NodeIdentities: [{ NodeName: 'ext-cache-1', Datacenter: datacenter }] },
    { Description: 'expires', Policies: [{ ID: policies[1]!.id }], ExpirationTTL: '24h' },
    {
      Description: 'fixed ids',
      AccessorID: '7a1d6b0e-52b3-4f3c-9d8e-0a1b2c3d4e5f',
      SecretID: '0f9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c',
      Policies: [{ Name: 'kv-read' }],
    },
  ]) {
    const res = await api.request('PUT', '/v1/acl/token', t)
    tokens.push({
      accessorId: field(res, 'AccessorID'),
      secretId: field(res, 'SecretID'),
      description: t.Description,
    })
  }

  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const authMethods: PopulatedManifest['authMethods'] = [{ name: 'ci-jwt', type: 'jwt' }]
  await api.request('PUT', '/v1/acl/auth-method', {
    Name: 'ci-jwt',
    Type: 'jwt',
    DisplayName: 'CI pipelines',
    Description: 'static key JWTs from CI',
    MaxTokenTTL: '1h',
    TokenLocality: 'local',
    Config: {
      JWTValidationPubKeys: [pem],
      BoundAudiences: ['consul'],
      ClaimMappings: { service: 'service' },
      ListClaimMappings: { groups: 'groups' },
    },
  })
  const bindingRules: PopulatedManifest['bindingRules'] = []
  for (const b of [
    {
      AuthMethod: 'ci-jwt',
      Description: 'services by claim',
      BindType: 'service',
      BindName: 'ci-${value.service}',
      Selector: 'value.service != ""',
    },
    {
      AuthMethod: 'ci-jwt',
      Description: 'readers',
      BindType: 'role',
      BindName: 'reader',
      Selector: '"ops" in list.groups',
    },
  ]) {
    const res = await api.request('PUT', '/v1/acl/binding-rule', b)
    bindingRules.push({ id: field(res, 'ID'), authMethod: b.AuthMethod })
  }
  return { policies, roles, tokens, authMethods, bindingRules }
}

// --- config entries, intentions, autopilot ------------------------------------------------------

async function writeConfigEntries(api: ConsulApi): Promise<PopulatedManifest['configEntries']> {
  const entries = [
    { Kind: 'proxy-defaults', Name: 'global', Config: { protocol: 'http' }, MeshGateway: { Mode: 'local' } },
    { Kind: 'service-defaults', Name: 'web', Protocol: 'http', Meta: { owner: 'ui-team' } },
    { Kind: 'service-defaults', Name: 'api', Protocol: 'http' },
    { Kind: 'service-defaults', Name: 'admin', Protocol: 'http' },
    {
      Kind: 'service-resolver',
      Name: 'api',
      DefaultSubset: 'v1',
      Subsets: { v1: { Filter: 'Service.Meta.version == v1' }, v2: { Filter: 'Service.Meta.version == v2' } },
      ConnectTimeout: '5s',
    },
    {
      Kind: 'service-splitter',
      Name: 'api',
      Splits: [
        { Weight: 90, ServiceSubset: 'v1' },
        { Weight: 10, ServiceSubset: 'v2' },
      ],
    },
    {
      Kind: 'service-router',
      Name: 'web',
      Routes: [{ Match: { HTTP: { PathPrefix: '/admin' } }, Destination: { Service: 'admin' } }],
    },
    {
      Kind: 'service-intentions',
      Name: 'postgres',
      Sources: [
        { Name: 'api', Action: 'allow', Description: 'api reads the database' },
        { Name: '*', Action: 'deny' },
      ],
    },
  ]
  for (const entry of entries) await api.request('PUT', '/v1/config', entry)
  return entries.map((e) => ({ kind: e.Kind, name: e.Name }))
}

async function writeIntentions(api: ConsulApi): Promise<PopulatedManifest['intentions']> {
  const intentions: PopulatedManifest['intentions'] = [
    { source: 'web', destination: 'api', action: 'allow' },
    { source: 'redis', destination: 'api', action: 'deny' },
  ]
  for (const i of intentions) {
    await api.request(
      'PUT',
      `/v1/connect/intentions/exact?source=${encodeURIComponent(i.source)}&destination=${encodeURIComponent(i.destination)}`,
      { Action: i.action, Description: `${i.source} → ${i.destination}` },
    )
  }
  return intentions
}

async function writeAutopilot(api: ConsulApi): Promise<PopulatedManifest['autopilot']> {
  const config = {
    CleanupDeadServers: true,
    LastContactThreshold: '250ms',
    MaxTrailingLogs: 321,
    MinQuorum: 0,
    ServerStabilizationTime: '12s',
    RedundancyZoneTag: '',
    DisableUpgradeMigration: false,
    UpgradeVersionTag: '',
  }
  await api.request('PUT', '/v1/operator/autopilot/configuration', config)
  return {
    maxTrailingLogs: config.MaxTrailingLogs,
    lastContactThreshold: config.LastContactThreshold,
    serverStabilizationTime: config.ServerStabilizationTime,
  }
}
