import { useEffect, useMemo } from 'react'
import type { RecordKind, RecordPageWire } from '../../../shared/browse-wire-types'
import { formatCount } from '../../components/format-bytes'
import { RecordField } from './record-value'

export interface RecordListProps {
  kind: RecordKind
  label: string
  listing: { total: number; items: RecordPageWire['items']; loading: boolean } | undefined
  load(more: boolean): void
  reveal(id: string, field: string): Promise<string>
}

/** Nodes, services, sessions, ACL objects…: cards of fields, secrets masked until revealed. */
export function RecordList({ kind, label, listing, load, reveal }: RecordListProps) {
  useEffect(() => {
    if (listing === undefined) load(false)
  }, [listing, load])
  if (listing === undefined || (listing.loading && listing.items.length === 0))
    return (
      <p className="muted" aria-busy="true">
        Loading {label.toLowerCase()}…
      </p>
    )
  if (listing.total === 0) return <p className="muted">This snapshot holds no {label.toLowerCase()}.</p>
  return (
    <section className="record-list" aria-label={label} data-testid={`records-${kind}`}>
      <p className="muted">
        {formatCount(listing.items.length)} of {formatCount(listing.total)}
      </p>
      <ul>
        {listing.items.map((item) => (
          <li key={item.id} className="record-card" data-record-id={item.id}>
            <h4>
              {item.title}
              {item.subtitle && <span className="muted"> · {item.subtitle}</span>}
            </h4>
            <RecordFields item={item} reveal={(path) => reveal(item.id, path)} />
          </li>
        ))}
      </ul>
      {listing.items.length < listing.total && (
        <button type="button" onClick={() => load(true)} disabled={listing.loading}>
          {listing.loading ? 'Loading…' : 'Show more'}
        </button>
      )}
    </section>
  )
}

function RecordFields({
  item,
  reveal,
}: {
  item: RecordPageWire['items'][number]
  reveal: (path: string) => Promise<string>
}) {
  const secretPaths = useMemo(() => new Set(item.secretFields ?? []), [item.secretFields])
  return (
    <dl className="facts">
      {item.fields.map(([name, value]) => (
        <RecordField
          key={name}
          name={name}
          value={value}
          path={name}
          secretPaths={secretPaths}
          reveal={reveal}
        />
      ))}
    </dl>
  )
}
