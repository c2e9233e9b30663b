import { useEffect, useState } from 'react'
import { useStore } from 'zustand'
import type { AppErrorPayload } from '../../../shared/app-error'
import type { DrillPhaseWire } from '../../../shared/snapshot-tools-types'
import type { SnapshotSourceRef } from '../../../shared/snapshot-wire-types'
import type { ProfileView } from '../../../shared/profile-types'
import { ProgressBar } from '../../components/progress-bar'
import { ScratchClusterBadge } from '../../components/scratch-cluster-badge'
import { useStudio } from '../../store/studio-context'
import { createSnapshotToolsStore, parseKvPrefixes } from './snapshot-tools-store'

const PHASE_TEXT: Record<DrillPhaseWire, string> = {
  'reading-file': 'Reading the file',
  'starting-agent': 'Starting a throw-away Consul',
  restoring: 'Restoring into it',
  'reading-back': 'Reading everything back',
  'stopping-agent': 'Stopping the throw-away Consul',
}

function ErrorNotice({ what, error }: { what: string; error: AppErrorPayload }) {
  return (
    <p className="notice error" role="alert">
      {what}: {error.message}
      {error.hint && <> {error.hint}</>}
    </p>
  )
}

/**
 * "Export redacted copy…" and "Run restore drill" for the open file. The host decides where the
 * copy goes and which consul runs the drill (docs/threat-model.md); this only shows what it did.
 */
export function SnapshotTools({ source }: { source: SnapshotSourceRef }) {
  const { client } = useStudio()
  const [store] = useState(() => createSnapshotToolsStore(client, source))
  const redact = useStore(store, (s) => s.redact)
  const drill = useStore(store, (s) => s.drill)
  const [asking, setAsking] = useState(false)
  const [prefixes, setPrefixes] = useState('')
  const [scratchProfiles, setScratchProfiles] = useState<ProfileView[]>([])
  /** '' is the throw-away dev agent; otherwise a scratch profile's id. */
  const [drillInto, setDrillInto] = useState('')
  useEffect(() => {
    let live = true
    void client.profiles.list({}).then(
      (list) => live && setScratchProfiles(list.profiles.filter((p) => p.scratchCluster)),
      // Without the profiles the throw-away dev agent is still there to drill into.
      () => undefined,
    )
    return () => {
      live = false
    }
  }, [client])
  const drillProfile = scratchProfiles.find((p) => p.id === drillInto) ?? null
  // Closing the file (or opening another) ends whatever ran for this one.
  useEffect(
    () => () => {
      store.getState().cancelRedact()
      store.getState().cancelDrill()
    },
    [store],
  )

  return (
    <section className="card snapshot-tools" aria-labelledby="snapshot-tools-title">
      <header className="card-header">
        <h2 id="snapshot-tools-title">Share and test</h2>
      </header>
      <div className="actions">
        <button type="button" disabled={redact.status === 'running'} onClick={() => setAsking(true)}>
          Export redacted copy…
        </button>
        <label className="drill-target">
          Drill into{' '}
          <select
            value={drillProfile?.id ?? ''}
            disabled={drill.status === 'running'}
            onChange={(e) => setDrillInto(e.target.value)}
          >
            <option value="">Throw-away dev agent</option>
            {scratchProfiles.map((p) => (
              <option key={p.id} value={p.id}>
                Scratch cluster: {p.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={drill.status === 'running'}
          onClick={() =>
            void store
              .getState()
              .runDrill(
                drillProfile === null
                  ? { kind: 'dev-agent' }
                  : { kind: 'scratch-profile', profileId: drillProfile.id },
              )
          }
        >
          Run restore drill
        </button>
      </div>
      {drillProfile !== null && (
        <p className="notice warn" data-testid="drill-scratch-warning">
          The drill replaces the whole state of {drillProfile.name} ({drillProfile.connection.address}) with
          this backup, without a safety snapshot: it is marked as a scratch cluster. <ScratchClusterBadge />
        </p>
      )}

      {asking && (
        <form
          className="redact-form"
          onSubmit={(event) => {
            event.preventDefault()
            setAsking(false)
            void store.getState().exportRedacted(parseKvPrefixes(prefixes))
          }}
        >
          <p className="muted">
            ACL secrets, private keys and other credentials are always replaced. The copy is written to the
            default save folder; nothing is overwritten.
          </p>
          <label>
            KV prefixes whose values to blank too (optional, one per line)
            <textarea value={prefixes} rows={3} onChange={(e) => setPrefixes(e.target.value)} />
          </label>
          <div className="actions">
            <button type="submit">Export</button>
            <button type="button" className="button-quiet" onClick={() => setAsking(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}

      {redact.status === 'running' && (
        <ProgressBar
          label="Writing the redacted copy"
          progress={redact.progress}
          onCancel={() => store.getState().cancelRedact()}
        />
      )}
      {redact.status === 'error' && <ErrorNotice what="The redacted copy failed" error={redact.error} />}
      {redact.status === 'done' && (
        <div className="redact-result" data-testid="redact-result">
          <p>
            Redacted copy written to <code>{redact.result.path}</code>
          </p>
          {Object.values(redact.result.report.blanked).every((n) => n === 0) ? (
            <p className="muted">No secrets were found to replace.</p>
          ) : (
            <ul>
              {Object.entries(redact.result.report.blanked)
                .filter(([, n]) => n > 0)
                .map(([kind, n]) => (
                  <li key={kind}>
                    {kind}: {n} replaced
                  </li>
                ))}
            </ul>
          )}
        </div>
      )}

      {drill.status === 'running' && (
        <div className="progress" role="status" aria-live="polite">
          <span className="progress-label">
            Restore drill: {drill.progress === null ? 'Starting' : PHASE_TEXT[drill.progress]}…
          </span>
          <button type="button" className="button-quiet" onClick={() => store.getState().cancelDrill()}>
            Cancel
          </button>
        </div>
      )}
      {drill.status === 'error' && <ErrorNotice what="The restore drill could not run" error={drill.error} />}
      {drill.status === 'done' && (
        <div className="drill-result" data-testid="drill-result" data-passed={drill.result.passed}>
          <p>
            <strong>{drill.result.passed ? 'Drill passed' : 'Drill failed'}</strong>
            {drill.result.passed
              ? drill.result.target?.kind === 'scratch-cluster'
                ? `: the backup restored into the scratch cluster ${drill.result.target.name} and read back the same.`
                : ': the backup restored into a throw-away Consul and read back the same.'
              : drill.result.failure !== null
                ? `: ${drill.result.failure.message}`
                : ': the restored data differs from the file.'}
          </p>
          {drill.result.differences.length > 0 && (
            <ul aria-label="Differences">
              {drill.result.differences.map((d, i) => (
                <li key={i}>
                  {d.kind}: {d.message}
                </li>
              ))}
            </ul>
          )}
          {drill.result.notes.length > 0 && (
            <ul className="muted" aria-label="Notes">
              {drill.result.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          )}
          {drill.result.counts.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">In the file</th>
                  <th scope="col">Restored</th>
                </tr>
              </thead>
              <tbody>
                {drill.result.counts.map((c) => (
                  <tr key={c.kind}>
                    <td>{c.kind}</td>
                    <td>{c.file}</td>
                    <td>{c.agent ?? '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="muted">
            Consul {drill.result.consul.version ?? '(unknown version)'} ·{' '}
            {(drill.result.durationMs / 1000).toFixed(1)} s
          </p>
        </div>
      )}
    </section>
  )
}
