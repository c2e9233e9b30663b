import { decodeMsgpackValue, MsgpackBytes, readSnapshot, type MsgpackValue } from '../snapshot'
import type { ReadProgress } from '../snapshot/inspect-types'
import { bytesOf, isMsgMap, textOf, type MsgMap } from '../snapshot/catalogue/msgpack-walk'
import { RecordSplitter } from '../snapshot/record-splitter'
import { addCount, emptyContents, kvDigest, type DrillContents } from './drill-contents'

/** What the file holds, in the drill's terms, and what the throw-away agent needs to know. */
export interface FileContents {
  contents: DrillContents
  /** The datacenter of the file's registrations ("dc1" when it has none). */
  datacenter: string
  /** The SecretID of a global-management token in the file, to read the restored agent with. */
  managementToken: string | null
  /** The file holds ACL objects. */
  hasAcls: boolean
  /** The AccessorIDs of the file's ACL tokens (not secret), to tell a target's own token apart. */
  tokenAccessors: Set<string>
  configEntryKinds: string[]
}

const GLOBAL_MANAGEMENT_POLICY = '00000000-0000-0000-0000-000000000001'
const SERF_HEALTH = 'serfHealth'

// Record types (docs/snapshot-format.md §9).
const T = {
  Register: 0,
  KVS: 2,
  Session: 3,
  PreparedQuery: 7,
  ACLToken: 17,
  ACLPolicy: 19,
  ConfigEntry: 22,
  ACLRole: 23,
  ACLBindingRule: 25,
  ACLAuthMethod: 27,
} as const

export const ACL_KINDS: Readonly<Record<number, string>> = {
  [T.ACLToken]: 'acl-tokens',
  [T.ACLPolicy]: 'acl-policies',
  [T.ACLRole]: 'acl-roles',
  [T.ACLBindingRule]: 'acl-binding-rules',
  [T.ACLAuthMethod]: 'acl-auth-methods',
}

const bytes = (v: MsgpackValue | undefined): Uint8Array => bytesOf(v) ?? new Uint8Array(0)
const uint = (v: MsgpackValue | undefined): bigint =>
  typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : 0n

/** Per node: what it carries, to leave out the nodes Consul's membership manages. */
interface NodeTally {
  services: number
  checks: number
  sessions: number
  membership: boolean
}

export async function readFileContents(
  path: string,
  options: { signal?: AbortSignal; onProgress?: (p: ReadProgress) => void } = {},
): Promise<FileContents> {
  const contents = emptyContents()
  const nodes = new Map<string, NodeTally>()
  const tally = (node: string): NodeTally => {
    let t = nodes.get(node)
    if (t === undefined) nodes.set(node, (t = { services: 0, checks: 0, sessions: 0, membership: false }))
    return t
  }
  const kinds = new Set<string>()
  let datacenter = ''
  let managementToken: string | null = null
  let hasAcls = false
  const tokenAccessors = new Set<string>()
  await readSnapshot(
    path,
    new RecordSplitter({
      header: () => undefined,
      record: (type, value) => {
        if (type === T.KVS) {
          const r = decodeMsgpackValue(value).value
          if (!isMsgMap(r)) return
          contents.kv.set(textOf(r['Key']), kvDigest(uint(r['Flags']), bytes(r['Value'])))
          addCount(contents, 'kv')
          return
        }
        if (type === T.Register) {
          const r = decodeMsgpackValue(value).value
          if (!isMsgMap(r)) return
          if (datacenter === '') datacenter = textOf(r['Datacenter'])
          const t = tally(textOf(r['Node']))
          if (isMsgMap(r['Service'])) t.services++
          else if (isMsgMap(r['Check'])) {
            t.checks++
            if (textOf((r['Check'] as MsgMap)['CheckID']) === SERF_HEALTH) t.membership = true
          }
          return
        }
        if (type === T.Session) {
          const r = decodeMsgpackValue(value).value
          if (isMsgMap(r)) tally(textOf(r['Node'])).sessions++
          return
        }
        if (type === T.PreparedQuery) return addCount(contents, 'prepared-queries')
        if (type === T.ConfigEntry) {
          const outer = decodeMsgpackValue(value).value
          const kind = outer instanceof MsgpackBytes ? textOf(decodeMsgpackValue(outer.bytes).value) : ''
          kinds.add(kind)
          return addCount(contents, `config-entries/${kind}`)
        }
        const acl = ACL_KINDS[type]
        if (acl === undefined) return
        hasAcls = true
        addCount(contents, acl)
        if (type === T.ACLToken) {
          const r = decodeMsgpackValue(value).value
          if (!isMsgMap(r)) return
          tokenAccessors.add(textOf(r['AccessorID']))
          if (managementToken !== null) return
          const policies = Array.isArray(r['Policies']) ? r['Policies'] : []
          const isManagement = policies.some(
            (p) => isMsgMap(p) && textOf(p['ID']) === GLOBAL_MANAGEMENT_POLICY,
          )
          const secret = textOf(r['SecretID'])
          if (isManagement && r['ExpirationTime'] == null && secret !== '' && secret !== 'anonymous')
            managementToken = secret
        }
      },
    }),
    options,
  )
  for (const t of nodes.values()) {
    if (t.membership) continue
    addCount(contents, 'nodes')
    addCount(contents, 'services', t.services)
    addCount(contents, 'checks', t.checks)
    addCount(contents, 'sessions', t.sessions)
  }
  return {
    contents,
    datacenter: datacenter || 'dc1',
    managementToken,
    hasAcls,
    tokenAccessors,
    configEntryKinds: [...kinds].sort(),
  }
}
