import { InlineBar } from '../../components/inline-bar'
import { formatBytes, formatCount } from '../../components/format-bytes'
import type { SnapshotInspectionWire } from '../../../shared/snapshot-wire-types'

/** `consul snapshot inspect`'s type table, with each row's size drawn as a bar. */
export function RecordTypeTable({ inspection }: { inspection: SnapshotInspectionWire }) {
  const rows = inspection.stats
  let max = 0
  for (const r of rows) max = Math.max(max, r.sum)
  return (
    <section className="card types-card" aria-labelledby="types-title">
      <h2 id="types-title">Record types</h2>
      <StatsTable rows={rows} max={max} total={inspection.totalSize} nameHeader="Type" testId="type-table" />
    </section>
  )
}

export function StatsTable({
  rows,
  max,
  total,
  nameHeader,
  testId,
}: {
  rows: SnapshotInspectionWire['stats']
  max: number
  total: number
  nameHeader: string
  testId: string
}) {
  return (
    <table className="data-table stats-table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{nameHeader}</th>
          <th scope="col" className="num">
            Count
          </th>
          <th scope="col" className="num">
            Size
          </th>
          <th scope="col" className="bar-col">
            <span className="visually-hidden">Share of size</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name} data-type={r.name}>
            <th scope="row">{r.name === '' ? '(empty)' : r.name}</th>
            <td className="num">{formatCount(r.count)}</td>
            <td className="num" title={`${formatCount(r.sum)} bytes`}>
              {formatBytes(r.sum)}
            </td>
            <td className="bar-col">
              <InlineBar value={r.sum} max={max} title={`${r.name}: ${formatBytes(r.sum)}`} />
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td />
          <td className="num" title={`${formatCount(total)} bytes`}>
            {formatBytes(total)}
          </td>
          <td />
        </tr>
      </tfoot>
    </table>
  )
}
