import { useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { PlanFreshness, PlanRunView, PlanView } from '../../../shared/backup-plan-types'
import { EmptyState } from '../../components/empty-state'
import { formatBytes } from '../../components/format-bytes'
import { useStudio } from '../../store/studio-context'
import {
  selectBackupProfiles,
  selectBackupsStatus,
  selectEditor,
  selectExported,
  selectHistory,
  selectPlans,
  selectRunning,
  selectSelectedPlan,
  useBackupsStore,
} from './backups-store'
import { describeDestination, describeRetention, describeSchedule } from './describe-plan'
import { PlanEditorForm } from './plan-editor'
import { SizeChart } from './size-chart'
import { StoredBackupsPanel } from './stored-backups-panel'
import './backups.css'

const FRESHNESS: Record<PlanFreshness, { label: string; className: string }> = {
  ok: { label: 'ok', className: 'tag tag-ok' },
  late: { label: 'late', className: 'tag tag-bad' },
  failing: { label: 'failing', className: 'tag tag-bad' },
  never: { label: 'not run yet', className: 'tag' },
  paused: { label: 'paused', className: 'tag' },
}

/**
 * Backup plans that run while the app is open: what each backs up, when, where and for how long,
 * its next run and last result, Run now and Pause, the history with sizes, and the editor.
 */
export function BackupsScreen() {
  const plans = useBackupsStore(selectPlans)
  const status = useBackupsStore(selectBackupsStatus)
  const editor = useBackupsStore(selectEditor)
  const selected = useBackupsStore(selectSelectedPlan)
  const profiles = useBackupsStore(selectBackupProfiles)
  const { load, edit } = useBackupsStore(useShallow((s) => ({ load: s.load, edit: s.edit })))
  const { client } = useStudio()

  useEffect(() => {
    void load()
    // A run that ends (scheduled, caught up, or from another window) updates the list.
    return client.on('plans.runFinished', () => void load())
  }, [client, load])

  return (
    <section className="screen" aria-labelledby="backups-title" data-screen="backups" data-state={status}>
      <header className="screen-header">
        <h1 id="backups-title">Backups</h1>
        <div className="actions">
          <button
            type="button"
            className="button-primary"
            onClick={() => edit(null)}
            disabled={profiles.length === 0}
            data-testid="plan-new"
          >
            New plan
          </button>
        </div>
      </header>
      {editor !== null && <PlanEditorForm />}
      {status === 'ready' && plans.length === 0 && editor === null && (
        <EmptyState title="No backup plans" testId="backups-empty">
          <p>
            A plan backs clusters up on a schedule while Snapshot Studio is open, with the snapshot
            agent&apos;s retention; export it to run the agent on your servers instead.
          </p>
        </EmptyState>
      )}
      <div className="plan-list">
        {plans.map((plan) => (
          <PlanCard key={plan.id} plan={plan} profileNames={profiles} selected={plan.id === selected} />
        ))}
      </div>
      <StoredBackupsPanel plans={plans} />
      {selected !== null && <HistoryPanel planId={selected} />}
      <ExportPanel />
    </section>
  )
}

function PlanCard({
  plan,
  profileNames,
  selected,
}: {
  plan: PlanView
  profileNames: { id: string; name: string }[]
  selected: boolean
}) {
  const running = useBackupsStore(selectRunning).includes(plan.id) || plan.running
  const { runNow, setPaused, remove, select, edit, exportPlan, browse } = useBackupsStore(
    useShallow((s) => ({
      runNow: s.runNow,
      setPaused: s.setPaused,
      remove: s.remove,
      select: s.select,
      edit: s.edit,
      exportPlan: s.exportPlan,
      browse: s.browse,
    })),
  )
  const names = plan.profileIds.map(
    (id) => profileNames.find((p) => p.id === id)?.name ?? 'deleted connection',
  )
  const freshness = FRESHNESS[plan.freshness]
  const last = plan.lastRun
  return (
    <article
      className={`card plan-card${selected ? ' selected' : ''}`}
      data-testid="plan-card"
      data-plan={plan.name}
      data-freshness={plan.freshness}
    >
      <header className="card-header">
        <h2>{plan.name}</h2>
        <span className={freshness.className} data-testid="plan-freshness">
          {freshness.label}
        </span>
      </header>
      <dl className="plan-facts">
        <dt>Clusters</dt>
        <dd>{names.join(', ')}</dd>
        <dt>Schedule</dt>
        <dd>{describeSchedule(plan.schedule)}</dd>
        <dt>Destination</dt>
        <dd>
          <ul className="plan-destinations">
            {plan.destinations.map((destination, index) => (
              <li key={index}>
                <code>{describeDestination(destination)}</code>{' '}
                <button
                  type="button"
                  className="link-button"
                  data-testid="plan-destination-browse"
                  onClick={() => void browse(plan.id, index)}
                >
                  Backups
                </button>
              </li>
            ))}
          </ul>
        </dd>
        <dt>Retention</dt>
        <dd>{describeRetention(plan.retention)}</dd>
        <dt>Next run</dt>
        <dd data-testid="plan-next-run">
          {plan.nextRunAt ? new Date(plan.nextRunAt).toLocaleString() : '—'}
        </dd>
        <dt>Last result</dt>
        <dd data-testid="plan-last-result">{last === null ? 'none yet' : <RunSummary run={last} />}</dd>
      </dl>
      <div className="actions">
        <button
          type="button"
          className="button-primary"
          onClick={() => void runNow(plan.id)}
          disabled={running}
          data-testid="plan-run-now"
        >
          {running ? 'Running…' : 'Run now'}
        </button>
        <button type="button" onClick={() => void setPaused(plan.id, !plan.paused)} data-testid="plan-pause">
          {plan.paused ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          onClick={() => void select(selected ? null : plan.id)}
          data-testid="plan-history-toggle"
        >
          {selected ? 'Hide history' : 'History'}
        </button>
        <button type="button" onClick={() => edit(plan.id)}>
          Edit
        </button>
        <button type="button" onClick={() => void exportPlan(plan.id)}>
          Export for servers
        </button>
        <button type="button" className="button-danger" onClick={() => void remove(plan.id)}>
          Delete
        </button>
      </div>
    </article>
  )
}

function RunSummary({ run }: { run: PlanRunView }) {
  const size = run.cycles.reduce((sum, c) => sum + (c.size ?? 0), 0)
  const failed = run.cycles.find((c) => !c.ok)
  return (
    <span className={run.ok ? '' : 'error-message'}>
      {run.ok ? 'saved' : 'failed'} {new Date(run.endedAt).toLocaleString()}
      {run.ok ? `, ${formatBytes(size)}` : failed?.error ? `: ${failed.error.message}` : ''}
    </span>
  )
}

function HistoryPanel({ planId }: { planId: string }) {
  const runs = useBackupsStore(selectHistory)
  return (
    <section
      className="card plan-history"
      aria-label="Run history"
      data-testid="plan-history"
      data-plan-id={planId}
    >
      <header className="card-header">
        <h2>Run history</h2>
      </header>
      {runs.length === 0 ? (
        <p className="hint">No runs yet.</p>
      ) : (
        <>
          <SizeChart runs={runs} />
          <table className="data-table">
            <thead>
              <tr>
                <th>Started</th>
                <th>Trigger</th>
                <th>Cluster</th>
                <th>Result</th>
                <th>File</th>
                <th>Size</th>
                <th>Deleted by retention</th>
              </tr>
            </thead>
            <tbody>
              {runs.flatMap((run) =>
                run.cycles.map((cycle) => (
                  <tr key={`${run.id}-${cycle.profileId}`} data-testid="plan-history-row" data-ok={cycle.ok}>
                    <td>{new Date(run.startedAt).toLocaleString()}</td>
                    <td>{run.trigger}</td>
                    <td>{cycle.profileName}</td>
                    <td>{cycle.ok ? 'ok' : (cycle.error?.message ?? 'failed')}</td>
                    <td>
                      <code>{cycle.locations[0] ?? cycle.name ?? '—'}</code>
                    </td>
                    <td>{cycle.size === null ? '—' : formatBytes(cycle.size)}</td>
                    <td>{cycle.deleted.length}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}

function ExportPanel() {
  const exported = useBackupsStore(selectExported)
  if (exported === null) return null
  return (
    <section className="card plan-export" aria-label="Export for servers" data-testid="plan-export">
      <header className="card-header">
        <h2>Export for servers</h2>
      </header>
      {exported.files.map((file) => (
        <details key={file.name}>
          <summary>
            <code>{file.name}</code> — {file.purpose}
          </summary>
          <pre>{file.content}</pre>
        </details>
      ))}
    </section>
  )
}
