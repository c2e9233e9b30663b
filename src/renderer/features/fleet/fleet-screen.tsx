import { useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { EmptyState } from '../../components/empty-state'
import { formatBytes } from '../../components/format-bytes'
import type { CheckState, FleetCluster, FleetClusterOk, FleetRun } from '../../../shared/fleet-types'
import { selectFleet, selectFleetNames, selectFleetStatus, useFleetStore } from './fleet-store'

/**
 * What runs on each cluster itself: the snapshot agents registered in Consul (ours or
 * HashiCorp's), which one saves, whether its Saving check passes, and the last runs.
 */
export function FleetScreen() {
  const fleet = useFleetStore(selectFleet)
  const status = useFleetStore(selectFleetStatus)
  const names = useFleetStore(useShallow(selectFleetNames))
  const { load, setNames } = useFleetStore(useShallow((s) => ({ load: s.load, setNames: s.setNames })))

  useEffect(() => {
    void load()
  }, [load])

  return (
    <section className="screen" aria-labelledby="fleet-title" data-screen="fleet" data-state={status}>
      <header className="screen-header">
        <h1 id="fleet-title">Fleet</h1>
        <div className="actions">
          <button
            type="button"
            className="button-primary"
            onClick={() => void load()}
            disabled={status === 'loading'}
          >
            {status === 'loading' ? 'Reading…' : 'Refresh'}
          </button>
        </div>
      </header>
      <form
        className="inline-form fleet-names"
        onSubmit={(event) => {
          event.preventDefault()
          void load()
        }}
      >
        <label>
          Agent service
          <input value={names.service} onChange={(event) => setNames({ service: event.target.value })} />
        </label>
        <label>
          Lock key
          <input value={names.lockKey} onChange={(event) => setNames({ lockKey: event.target.value })} />
        </label>
        <button type="submit">Apply</button>
      </form>
      {fleet !== null && fleet.clusters.length === 0 && (
        <EmptyState title="No connection profiles" testId="fleet-empty">
          <p>
            Add a profile under Connections; the fleet then shows the snapshot agents running on that cluster.
          </p>
        </EmptyState>
      )}
      <div className="fleet-list">
        {fleet?.clusters.map((cluster) => (
          <ClusterCard key={cluster.profileId} cluster={cluster} />
        ))}
      </div>
      {fleet !== null && <p className="hint">Read at {new Date(fleet.readAt).toLocaleString()}</p>}
    </section>
  )
}

function ClusterCard({ cluster }: { cluster: FleetCluster }) {
  if (cluster.state === 'error') {
    return (
      <article className="card fleet-card" data-profile={cluster.profileName} data-state="error">
        <header className="card-header">
          <h2>{cluster.profileName}</h2>
          <span className="tag tag-bad">cannot read</span>
        </header>
        <p className="error-message">{cluster.error.message}</p>
        {cluster.error.hint && <p className="error-hint">{cluster.error.hint}</p>}
      </article>
    )
  }
  return (
    <article
      className="card fleet-card"
      data-profile={cluster.profileName}
      data-state="ok"
      data-coverage={cluster.coverage}
      aria-label={`Cluster ${cluster.profileName}`}
    >
      <header className="card-header">
        <h2>{cluster.profileName}</h2>
        {cluster.warning === 'no-scheduled-backups' ? (
          <span className="tag tag-bad" data-testid="no-scheduled-backups">
            no scheduled backups
          </span>
        ) : (
          <SavingTag saving={cluster.saving} />
        )}
      </header>
      <ClusterFacts cluster={cluster} />
      {cluster.instances.length > 0 && (
        <table className="data-table fleet-instances">
          <caption className="visually-hidden">Instances of {cluster.service}</caption>
          <thead>
            <tr>
              <th scope="col">Instance</th>
              <th scope="col">Node</th>
              <th scope="col">Role</th>
              <th scope="col">Alive</th>
              <th scope="col">Saving Snapshots</th>
            </tr>
          </thead>
          <tbody>
            {cluster.instances.map((instance) => (
              <tr key={instance.serviceId} data-role={instance.role} data-saving={instance.saving ?? 'none'}>
                <th scope="row">
                  <code>{instance.serviceId}</code>
                </th>
                <td>
                  {instance.node}
                  {instance.address && <span className="muted"> {instance.address}</span>}
                </td>
                <td>{instance.role}</td>
                <td>
                  <CheckText state={instance.alive} />
                </td>
                <td title={instance.savingOutput || undefined}>
                  <CheckText state={instance.saving} />
                  {instance.savingOutput && <span className="muted"> {instance.savingOutput}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  )
}

function ClusterFacts({ cluster }: { cluster: FleetClusterOk }) {
  const leader = cluster.instances.find((instance) => instance.serviceId === cluster.leader)
  return (
    <dl className="facts">
      <dt>Agents</dt>
      <dd>
        {cluster.instances.length === 0
          ? `no "${cluster.service}" service registered`
          : `${cluster.instances.length} instance${cluster.instances.length === 1 ? '' : 's'} of "${cluster.service}"`}
      </dd>
      <dt>Leader</dt>
      <dd data-testid="fleet-leader">{leader ? `${leader.serviceId} on ${leader.node}` : 'none'}</dd>
      <dt>Last success</dt>
      <dd data-testid="fleet-last-success">{runText(cluster, cluster.lastSuccess)}</dd>
      <dt>Last error</dt>
      <dd data-testid="fleet-last-error">{runText(cluster, cluster.lastFailure)}</dd>
      <dt>App plans</dt>
      <dd>{cluster.plans === null ? 'not available here' : cluster.plans === 0 ? 'none' : cluster.plans}</dd>
    </dl>
  )
}

function runText(cluster: FleetClusterOk, run: FleetRun | null): string {
  if (cluster.statusError !== null) return `unknown (${cluster.statusError})`
  // HashiCorp's agent keeps no status key: say so rather than "never".
  if (!cluster.statusKnown)
    return cluster.instances.length === 0 ? '—' : 'unknown (the agent keeps no status key)'
  if (run === null) return 'none yet'
  const when = new Date(run.at).toLocaleString()
  if (run.error !== null) return `${when}: ${run.error}`
  return [when, run.name, run.size === null ? null : formatBytes(run.size)].filter(Boolean).join(' · ')
}

function SavingTag({ saving }: { saving: CheckState | 'none' }) {
  const bad = saving !== 'passing'
  return (
    <span className={`tag ${bad ? 'tag-bad' : 'tag-ok'}`} data-testid="fleet-saving">
      {saving === 'none' ? 'no leader' : `saving ${saving}`}
    </span>
  )
}

function CheckText({ state }: { state: CheckState | null }) {
  if (state === null) return <span className="muted">—</span>
  return <span className={state === 'passing' ? 'ok' : 'warn'}>{state}</span>
}
