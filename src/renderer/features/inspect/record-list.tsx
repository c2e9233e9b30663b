import { useEffect, useMemo, useRef } from 'react'
import type { RecordKind, RecordPageWire } from '../../../shared/browse-wire-types'
import { formatCount } from '../../components/format-bytes'
import { RecordField } from './record-value'

export interface RecordListProps {
  kind: RecordKind
  label: string
  listing: { total: number; items: RecordPageWire['items']; loading: boolean } | undefined
  load(more: boolean): void
  reveal(id: string, field: string): Promise<string>
  /** A record opened from a search hit: marked and scrolled into view. */
  focusedId?: string | null
}

/** Nodes, services, sessions, ACL objects…: cards of fields, secrets masked until revealed. */
export function RecordList({ kind, label, listing, load, reveal, focusedId = null }: RecordListProps) {
  const list = useRef<HTMLElement>(null)
  useEffect(() => {
    if (listing === undefined) load(false)
  }, [listing, load])
  const focusedShown = listing?.items.some((item) => item.id === focusedId) ?? false
  useEffect(() => {
    if (!focusedShown) return
    const card = [...(list.current?.querySelectorAll<HTMLElement>('[data-record-id]') ?? [])].find(
      (el) => el.dataset.recordId === focusedId,
    )
    // jsdom has no scrollIntoView; a browser always does.
    card?.scrollIntoView?.({ block: 'nearest' })
  }, [focusedId, focusedShown])
  if (listing === undefined || (listing.loading && listing.items.length === 0))
    return (
      <p className="muted" aria-busy="true">
        Loading {label.toLowerCase()}…
      </p>
    )
  if (listing.total === 0) return <p className="muted">This snapshot holds no {label.toLowerCase()}.</p>
  return (
    <section ref={list} className="record-list" aria-label={label} data-testid={`records-${kind}`}>
      <p className="muted">
        {formatCount(listing.items.length)} of {formatCount(listing.total)}
      </p>
      <ul>
        {listing.items.map((item) => (
          <li
            key={item.id}
            className={item.id === focusedId ? 'record-card record-focused' : 'record-card'}
            data-record-id={item.id}
            aria-current={item.id === focusedId ? 'true' : undefined}
          >
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
