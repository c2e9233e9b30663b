// What the catalogue remembers about each non-KV record while streaming: where it is in state.bin
// and the few names needed to list and search it (docs/snapshot-format.md §10). The record itself is read back from
// the spill file when someone opens it.
import { messageTypeName } from '../message-types'
import {
  bytesOf,
  decodeAt,
  decodeWhole,
  field,
  isMsgMap,
  textField,
  textOf,
  type MsgMap,
  type MsgValue,
} from './msgpack-walk'
import { recordKinds } from '../../../../shared/browse-wire-types'

// The kinds the renderer can ask for (one list, in src/shared), plus records we keep but do not browse.
export const catalogueKinds = [...recordKinds, 'other'] as const
export type CatalogueKind = (typeof catalogueKinds)[number]

export interface RecordItem {
  kind: CatalogueKind
  /** state.bin message type */
  type: number
  /** state.bin offset and length of the record's msgpack value */
  offset: number
  length: number
  /** stable identity within its kind (accessor ID, "node/serviceID", "kind/name", …) */
  id: string
  title: string
  subtitle: string
  /** the node a service or check belongs to */
  node?: string
  /** for intentions from a service-intentions entry: which source */
  sourceIndex?: number
}

export interface UnwrappedConfigEntry {
  kind: string
  request: MsgMap
  entry: MsgMap
}

/**
 * Some entry types marshal themselves (proxy-defaults has its own MarshalBinary, for its free-form
 * Config), so the Entry can be one more raw string holding the entry's msgpack map.
 */
function entryMap(entry: MsgValue | undefined): MsgMap {
  if (isMsgMap(entry)) return entry
  const bytes = bytesOf(entry)
  if (bytes !== undefined && bytes.length > 0) {
    try {
      const inner = decodeWhole(bytes)
      if (isMsgMap(inner)) return inner
    } catch {
      // not msgpack after all: shown as an empty entry rather than failing the whole listing
    }
  }
  return {}
}

/**
 * A type-22 record holds a raw string wrapping msgpack(kind) + msgpack(request map) (docs/snapshot-format.md §8).
 * A plain request map (no wrapper) is accepted as well.
 */
export function unwrapConfigEntry(value: MsgValue): UnwrappedConfigEntry | undefined {
  const wrapped = bytesOf(value)
  if (wrapped !== undefined) {
    let first, second
    try {
      first = decodeAt(wrapped, 0)
      second = decodeAt(wrapped, first.end)
    } catch {
      return undefined // not the documented wrapper: listed as unreadable, the rest stays browsable
    }
    if (!isMsgMap(second.value)) return undefined
    return { kind: textOf(first.value), request: second.value, entry: entryMap(field(second.value, 'Entry')) }
  }
  if (isMsgMap(value)) {
    const entry = field(value, 'Entry')
    if (!isMsgMap(entry)) return undefined
    return { kind: textField(entry, 'Kind'), request: value, entry }
  }
  return undefined
}

const ITEM_TYPES = new Set([0, 3, 7, 12, 13, 17, 19, 22, 23, 25, 27, 31])

/** Whether records of this type are listed by their names (which needs their bytes). */
export const isListedByName = (type: number): boolean => ITEM_TYPES.has(type)

/** The item for a record listed by its type alone: types without a view, unreadable or huge records. */
export const otherItem = (type: number, offset: number, length: number, subtitle = ''): RecordItem => ({
  type,
  offset,
  length,
  kind: 'other',
  id: `${type}@${offset}`,
  title: messageTypeName(type),
  subtitle,
})

const arrayOf = (v: MsgValue | undefined): MsgValue[] => (Array.isArray(v) ? v : [])

/** The items one record contributes (most give one; a service-intentions entry gives one per source). */
export function itemsOfRecord(type: number, offset: number, length: number, bytes: Buffer): RecordItem[] {
  const base = { type, offset, length }
  if (!ITEM_TYPES.has(type))
    return [{ ...base, kind: 'other', id: `${type}@${offset}`, title: messageTypeName(type), subtitle: '' }]
  const value = decodeWhole(bytes)
  switch (type) {
    case 0: {
      // Nodes imported from a cluster peer may share a name with a local node.
      const peer = textField(value, 'PeerName')
      const node = peer === '' ? textField(value, 'Node') : `${textField(value, 'Node')} (peer ${peer})`
      const service = field(value, 'Service')
      const check = field(value, 'Check')
      if (isMsgMap(service)) {
        const id = textField(service, 'ID')
        return [
          {
            ...base,
            kind: 'services',
            id: `${node}/${id}`,
            title: textField(service, 'Service'),
            subtitle: `${id} on ${node}`,
            node,
          },
        ]
      }
      if (isMsgMap(check)) {
        const id = textField(check, 'CheckID')
        return [
          {
            ...base,
            kind: 'checks',
            id: `${node}/${id}`,
            title: textField(check, 'Name') || id,
            subtitle: `${textField(check, 'Status')} on ${node}`,
            node,
          },
        ]
      }
      return [{ ...base, kind: 'nodes', id: node, title: node, subtitle: textField(value, 'Address'), node }]
    }
    case 3:
      return [
        {
          ...base,
          kind: 'sessions',
          id: textField(value, 'ID'),
          title: textField(value, 'Name') || textField(value, 'ID'),
          subtitle: textField(value, 'Node'),
        },
      ]
    case 7:
      return [
        {
          ...base,
          kind: 'prepared-queries',
          id: textField(value, 'ID'),
          title: textField(value, 'Name') || textField(value, 'ID'),
          subtitle: textField(field(value, 'Service'), 'Service'),
        },
      ]
    case 12: {
      const source = textField(value, 'SourceName')
      const destination = textField(value, 'DestinationName')
      return [
        {
          ...base,
          kind: 'intentions',
          id: textField(value, 'ID'),
          title: `${source} → ${destination}`,
          subtitle: textField(value, 'Action'),
        },
      ]
    }
    case 13:
      return [
        {
          ...base,
          kind: 'connect-ca',
          id: textField(value, 'ID'),
          title: textField(value, 'Name') || textField(value, 'ID'),
          subtitle: field(value, 'Active') === true ? 'active root' : 'root',
        },
      ]
    case 17: {
      const accessor = textField(value, 'AccessorID')
      return [
        {
          ...base,
          kind: 'acl-tokens',
          id: accessor,
          title: textField(value, 'Description') || accessor,
          subtitle: accessor,
        },
      ]
    }
    case 19:
      return [
        {
          ...base,
          kind: 'acl-policies',
          id: textField(value, 'ID'),
          title: textField(value, 'Name'),
          subtitle: textField(value, 'Description'),
        },
      ]
    case 23:
      return [
        {
          ...base,
          kind: 'acl-roles',
          id: textField(value, 'ID'),
          title: textField(value, 'Name'),
          subtitle: textField(value, 'Description'),
        },
      ]
    case 25:
      return [
        {
          ...base,
          kind: 'acl-binding-rules',
          id: textField(value, 'ID'),
          title: textField(value, 'Description') || textField(value, 'BindName'),
          subtitle: `${textField(value, 'BindType')} ${textField(value, 'BindName')} via ${textField(value, 'AuthMethod')}`,
        },
      ]
    case 27:
      return [
        {
          ...base,
          kind: 'acl-auth-methods',
          id: textField(value, 'Name'),
          title: textField(value, 'DisplayName') || textField(value, 'Name'),
          subtitle: textField(value, 'Type'),
        },
      ]
    case 22: {
      const unwrapped = unwrapConfigEntry(value)
      if (unwrapped === undefined)
        return [
          { ...base, kind: 'other', id: `${type}@${offset}`, title: 'ConfigEntry', subtitle: 'unreadable' },
        ]
      const name = textField(unwrapped.entry, 'Name')
      const items: RecordItem[] = [
        {
          ...base,
          kind: 'config-entries',
          id: `${unwrapped.kind}/${name}`,
          title: name,
          subtitle: unwrapped.kind,
        },
      ]
      if (unwrapped.kind === 'service-intentions') {
        arrayOf(field(unwrapped.entry, 'Sources')).forEach((source, sourceIndex) => {
          const sourceName = textField(source, 'Name')
          const peer = textField(source, 'Peer')
          const from = peer === '' ? sourceName : `${sourceName} (peer ${peer})`
          const action = textField(source, 'Action') || 'L7 permissions'
          items.push({
            ...base,
            kind: 'intentions',
            id: `${from} → ${name}`,
            title: `${from} → ${name}`,
            subtitle: action,
            sourceIndex,
          })
        })
      }
      return items
    }
    case 31:
      return [
        {
          ...base,
          kind: 'system-metadata',
          id: textField(value, 'Key'),
          title: textField(value, 'Key'),
          subtitle: '',
        },
      ]
    default:
      return [{ ...base, kind: 'other', id: `${type}@${offset}`, title: messageTypeName(type), subtitle: '' }]
  }
}
