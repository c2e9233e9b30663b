import type { ConnectionTest } from './profiles-store'

export function ConnectionTestView({ test }: { test: ConnectionTest }) {
  if (test.state === 'running')
    return (
      <p className="test-result" data-testid="connection-test" data-state="running">
        Contacting the cluster…
      </p>
    )
  if (test.state === 'failed')
    return (
      <div className="test-result test-failed" data-testid="connection-test" data-state="failed">
        <p>
          <strong>Connection failed.</strong> {test.message}
        </p>
        {test.hint && <p className="hint">{test.hint}</p>}
      </div>
    )
  const r = test.result
  const permission = r.snapshotPermission
  const healthy = r.leader !== null && r.agentError === undefined && permission.answer === 'yes'
  return (
    <div
      className={`test-result ${healthy ? 'test-passed' : 'test-warn'}`}
      data-testid="connection-test"
      data-state="passed"
    >
      <dl className="facts">
        <dt>Leader</dt>
        <dd data-testid="test-leader">
          {r.leader === null ? <span className="warn">no leader</span> : <code>{r.leader}</code>}
        </dd>
        <dt>Version</dt>
        <dd data-testid="test-version">{r.agent?.version ?? 'unknown'}</dd>
        <dt>Datacenter</dt>
        <dd data-testid="test-datacenter">{r.agent?.datacenter ?? 'unknown'}</dd>
        <dt>Node</dt>
        <dd>{r.agent?.nodeName ?? 'unknown'}</dd>
        <dt>Raft peers</dt>
        <dd>{r.raftPeers.length}</dd>
        <dt>Latency</dt>
        <dd>{Math.round(r.latencyMs)} ms</dd>
        <dt>Snapshots</dt>
        <dd
          data-testid="can-snapshot"
          data-answer={permission.answer}
          className={permission.answer === 'yes' ? 'ok' : 'warn'}
        >
          {permission.answer === 'yes'
            ? 'this token may take and restore snapshots'
            : permission.answer === 'no'
              ? 'this token may NOT take or restore snapshots'
              : 'unknown whether this token may take snapshots'}
          {' — '}
          {permission.reason}
        </dd>
      </dl>
      {r.agentError && (
        <p className="warn" data-testid="test-agent-error">
          The cluster answered, but this token could not read the agent: {r.agentError.message}
        </p>
      )}
      {r.insecureTls && <p className="warn">TLS verification is off for this connection.</p>}
    </div>
  )
}
