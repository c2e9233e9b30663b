import { useEffect } from 'react'
import { MaskedSecret } from '../../components/masked-secret'
import type { RecordKind, RecordPageWire } from '../../../shared/browse-wire-types'
import { formatCount } from '../../components/format-bytes'

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
            <dl className="facts">
              {item.fields.map(([name, value]) => (
                <Field
                  key={name}
                  name={name}
                  value={value}
                  secret={item.secretFields?.includes(name) ?? false}
                  reveal={() => reveal(item.id, name)}
                />
              ))}
            </dl>
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

function Field({
  name,
  value,
  secret,
  reveal,
}: {
  name: string
  value: string
  secret: boolean
  reveal: () => Promise<string>
}) {
  return (
    <>
      <dt>{name}</dt>
      <dd>
        {secret ? (
          <MaskedSecret label={name} reveal={reveal} />
        ) : (
          <span className="field-value">{value}</span>
        )}
      </dd>
    </>
  )
}
