import { useEffect, useState, type FormEvent } from 'react'
import type { SnapshotInspectionWire } from '../../../shared/snapshot-wire-types'
import type { KvDetailsOptions } from './inspect-store'
import { formatCount } from '../../components/format-bytes'
import { StatsTable } from './record-type-table'

export const KV_GROUP_LIMIT = 500

/** As `consul snapshot inspect -kvdetails -kvdepth N -kvfilter PREFIX`. */
export function KvDetails({
  inspection,
  options,
  busy,
  apply,
  groupLimit = KV_GROUP_LIMIT,
}: {
  inspection: SnapshotInspectionWire
  options: KvDetailsOptions
  busy: boolean
  apply(o: KvDetailsOptions): void
  /** How many of the largest groups the table shows (specs pass a small one: jsdom is slow). */
  groupLimit?: number
}) {
  const [depth, setDepth] = useState(String(options.depth))
  const [filter, setFilter] = useState(options.filter)
  useEffect(() => {
    setDepth(String(options.depth))
    setFilter(options.filter)
  }, [options])
  const all = inspection.kvStats ?? []
  // Keys like `app/<uuid>` make one group per key at depth 2: a million rows would freeze the
  // page, so the table shows the largest groups (the engine sorts by size) and says so.
  const rows = all.length > groupLimit ? all.slice(0, groupLimit) : all
  let max = 0
  for (const r of rows) max = Math.max(max, r.sum)
  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    apply({ depth: Number(depth), filter })
  }
  return (
    <section className="card" aria-labelledby="kvdetails-title" aria-busy={busy}>
      <header className="card-header">
        <h2 id="kvdetails-title">KV details</h2>
        <form className="inline-form" onSubmit={onSubmit}>
          <label htmlFor="kv-depth">Depth</label>
          <input
            id="kv-depth"
            type="number"
            min={1}
            max={64}
            value={depth}
            onChange={(e) => setDepth(e.target.value)}
            className="narrow"
          />
          <label htmlFor="kv-filter">Prefix</label>
          <input
            id="kv-filter"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="e.g. vault/logical"
            spellCheck={false}
          />
          <button type="submit" disabled={busy}>
            {busy ? 'Reading…' : 'Apply'}
          </button>
        </form>
      </header>
      {rows.length === 0 ? (
        <p className="muted">
          {options.filter ? `No key starts with “${options.filter}”.` : 'This snapshot holds no KV entries.'}
        </p>
      ) : (
        // Deep prefixes in big clusters make hundreds of groups; the table scrolls on its own so
        // the contents browser below stays in reach.
        <>
          <div className="table-scroll" tabIndex={0} aria-label="KV groups">
            <StatsTable
              rows={rows}
              max={max}
              total={inspection.totalSizeKV}
              nameHeader="Key name"
              testId="kv-details-table"
            />
          </div>
          {rows.length < all.length && (
            <p className="hint" data-testid="kv-details-truncated">
              Showing the {formatCount(rows.length)} largest of {formatCount(all.length)} groups. Lower the
              depth or set a prefix to see the rest.
            </p>
          )}
        </>
      )}
    </section>
  )
}
