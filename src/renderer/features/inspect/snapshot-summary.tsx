import type {
  IntegrityWire,
  SnapshotInspectionWire,
  SnapshotSourceRef,
} from '../../../shared/snapshot-wire-types'
import { formatBytes } from '../../components/format-bytes'

export function SnapshotSummary({
  source,
  inspection,
  integrity,
}: {
  source: SnapshotSourceRef | null
  inspection: SnapshotInspectionWire
  integrity: IntegrityWire | null
}) {
  const { meta } = inspection
  return (
    <section className="card summary" aria-labelledby="summary-title" data-testid="snapshot-summary">
      <header className="card-header">
        <h2 id="summary-title">Summary</h2>
        {integrity && (
          <span
            className={`verdict ${integrity.verified ? 'verdict-ok' : 'verdict-bad'}`}
            data-testid="integrity-verdict"
            data-verified={integrity.verified}
          >
            {integrity.verified ? '✓ Checksums verified' : '✗ Checksums do not match'}
          </span>
        )}
      </header>
      <dl className="facts facts-wide">
        {source && (
          <>
            <dt>File</dt>
            <dd data-testid="summary-file">
              <code>{source.kind === 'path' ? source.path : source.name}</code>
            </dd>
          </>
        )}
        <dt>ID</dt>
        <dd data-testid="meta-id">
          <code>{meta.id}</code>
        </dd>
        <dt>Index</dt>
        <dd data-testid="meta-index">{meta.index}</dd>
        <dt>Term</dt>
        <dd data-testid="meta-term">{meta.term}</dd>
        <dt>Version</dt>
        <dd data-testid="meta-version">{meta.version}</dd>
        <dt>Size</dt>
        <dd data-testid="meta-size">
          {formatBytes(Number(meta.size))}{' '}
          <span className="muted">of state ({formatBytes(inspection.archiveBytes)} compressed)</span>
        </dd>
      </dl>
      {inspection.enterpriseTypes.length > 0 && (
        <p className="warn" data-testid="enterprise-types">
          ⚠ Holds Consul Enterprise records (types {inspection.enterpriseTypes.join(', ')}): a Community
          Edition cluster refuses to restore it.
        </p>
      )}
      {integrity && integrity.files.length > 0 && (
        <table className="data-table checksums" aria-label="SHA-256 checksums">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Expected SHA-256</th>
              <th scope="col">Actual</th>
            </tr>
          </thead>
          <tbody>
            {integrity.files.map((f) => (
              <tr key={f.name} className={f.expected === f.actual ? '' : 'row-bad'}>
                <td>{f.name}</td>
                <td>
                  <code className="hash">{f.expected}</code>
                </td>
                <td>
                  <code className="hash">{f.actual === f.expected ? 'matches' : f.actual}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
