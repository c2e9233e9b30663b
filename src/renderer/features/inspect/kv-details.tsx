import { useEffect, useState, type FormEvent } from 'react'
import type { SnapshotInspectionWire } from '../../ports/studio-port'
import type { KvDetailsOptions } from './inspect-store'
import { StatsTable } from './record-type-table'

/** As `consul snapshot inspect -kvdetails -kvdepth N -kvfilter PREFIX`. */
export function KvDetails({ inspection, options, busy, apply }: { inspection: SnapshotInspectionWire; options: KvDetailsOptions; busy: boolean; apply(o: KvDetailsOptions): void }) {
  const [depth, setDepth] = useState(String(options.depth))
  const [filter, setFilter] = useState(options.filter)
  useEffect(() => {
    setDepth(String(options.depth))
    setFilter(options.filter)
  }, [options])
  const rows = inspection.kvStats ?? []
  const max = Math.max(0, ...rows.map((r) => r.sum))
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
          <input id="kv-depth" type="number" min={1} max={64} value={depth} onChange={(e) => setDepth(e.target.value)} className="narrow" />
          <label htmlFor="kv-filter">Prefix</label>
          <input id="kv-filter" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="e.g. vault/logical" spellCheck={false} />
          <button type="submit" disabled={busy}>
            {busy ? 'Reading…' : 'Apply'}
          </button>
        </form>
      </header>
      {rows.length === 0 ? (
        <p className="muted">{options.filter ? `No key starts with “${options.filter}”.` : 'This snapshot holds no KV entries.'}</p>
      ) : (
        // Deep prefixes in big clusters make hundreds of groups; the table scrolls on its own so
        // the contents browser below stays in reach.
        <div className="table-scroll" tabIndex={0} aria-label="KV groups">
          <StatsTable rows={rows} max={max} total={inspection.totalSizeKV} nameHeader="Key name" testId="kv-details-table" />
        </div>
      )}
    </section>
  )
}
