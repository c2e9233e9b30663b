import { useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { RestorePreflight } from '../../../shared/consul-types'
import { EmptyState } from '../../components/empty-state'
import { EnvironmentBadge } from '../../components/environment-badge'
import { ProtectionBadge } from '../../components/protection-badge'
import { formatBytes, formatCount, formatRate } from '../../components/format-bytes'
import { ProgressBar } from '../../components/progress-bar'
import { SnapshotFilePicker } from '../../components/snapshot-file-picker'
import { WizardSteps } from '../../components/wizard-steps'
import { selectGo, selectRestoreRequest, useNavigationStore } from '../../store/navigation-store'
import {
  RESTORE_STEPS,
  selectBlockedBecause,
  selectConfirmation,
  selectLossAcknowledged,
  selectPreflight,
  selectPreflightProgress,
  selectPreflightStatus,
  selectRestoreInspection,
  selectRestoreProfiles,
  selectRestoreProgress,
  selectRestoreReading,
  selectRestoreResult,
  selectRestoreSource,
  selectRestoreStep,
  selectRestoreTarget,
  selectSafetySnapshot,
  selectSafetyFolder,
  useRestoreStore,
} from './restore-store'

let handledRestoreRequest = 0

export function RestoreWizard() {
  const step = useRestoreStore(selectRestoreStep)
  const loadProfiles = useRestoreStore((s) => s.loadProfiles)
  const restoreFrom = useRestoreStore((s) => s.usePreparedCopy)
  const request = useNavigationStore(selectRestoreRequest)
  useEffect(() => {
    void loadProfiles()
  }, [loadProfiles])
  // The Backups view fetched a stored backup for a restore: the wizard's own checks start on it.
  useEffect(() => {
    if (request === null || request.seq <= handledRestoreRequest) return
    handledRestoreRequest = request.seq
    void restoreFrom(request.source)
  }, [request, restoreFrom])
  return (
    <section className="screen" aria-labelledby="restore-title" data-screen="restore" data-state={step}>
      <header className="screen-header">
        <h1 id="restore-title">Restore a snapshot</h1>
      </header>
      <p className="notice warn">
        A restore replaces everything in the target cluster — KV, catalog, ACLs, sessions — with the
        snapshot's contents. Nothing is changed until you type the target profile's name to confirm.
      </p>
      <WizardSteps steps={RESTORE_STEPS} current={step} />
      {step === 'file' && <FileStep />}
      {step === 'review' && <ReviewStep />}
      {step === 'target' && <TargetStep />}
      {step === 'confirm' && <ConfirmStep />}
      {step === 'running' && <RunningStep />}
      {step === 'done' && <DoneStep />}
    </section>
  )
}

function FileStep() {
  const reading = useRestoreStore(selectRestoreReading)
  const source = useRestoreStore(selectRestoreSource)
  const { chooseFile, chooseWithDialog, chooseHostPath, cancel } = useRestoreStore(
    useShallow((s) => ({
      chooseFile: s.chooseFile,
      chooseWithDialog: s.chooseWithDialog,
      chooseHostPath: s.chooseHostPath,
      cancel: s.cancel,
    })),
  )
  if (reading !== null)
    return (
      <ProgressBar label={`Verifying ${source?.name ?? 'the file'}`} progress={reading} onCancel={cancel} />
    )
  return (
    <div className="card wizard-body">
      <p>
        Choose the snapshot to restore. It is read in full and its checksums verified before anything else.
      </p>
      <SnapshotFilePicker
        primary
        wide
        fileInputLabel="Snapshot file to restore"
        fileInputTestId="restore-file-input"
        hostPathId="restore-host-path"
        onDialog={() => void chooseWithDialog()}
        onFile={(file) => void chooseFile(file)}
        onHostPath={(path) => void chooseHostPath(path)}
      />
    </div>
  )
}

function ReviewStep() {
  const inspection = useRestoreStore(selectRestoreInspection)
  const source = useRestoreStore(selectRestoreSource)
  const { toTarget, reset } = useRestoreStore(useShallow((s) => ({ toTarget: s.toTarget, reset: s.reset })))
  if (inspection === null) return null
  const kv = inspection.stats.find((s) => s.name === 'KVS')
  return (
    <div className="card wizard-body" data-testid="restore-review">
      <h2>{source?.name}</h2>
      <p className="ok">✓ The archive and its SHA-256 checksums verified.</p>
      <dl className="facts">
        <dt>ID</dt>
        <dd>
          <code>{inspection.meta.id}</code>
        </dd>
        <dt>Index</dt>
        <dd>{inspection.meta.index}</dd>
        <dt>Term</dt>
        <dd>{inspection.meta.term}</dd>
        <dt>State size</dt>
        <dd>{formatBytes(inspection.totalSize)}</dd>
        <dt>KV entries</dt>
        <dd>{formatCount(kv?.count ?? 0)}</dd>
        <dt>Record types</dt>
        <dd>{inspection.stats.map((s) => `${s.name} ${formatCount(s.count)}`).join(' · ')}</dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={reset}>
          Choose another file
        </button>
        <button type="button" className="button-primary" onClick={toTarget} data-testid="restore-next">
          Choose the target
        </button>
      </div>
    </div>
  )
}

const VERSION_SOURCE: Record<RestorePreflight['file']['consulVersionSource'], string> = {
  snapshot: ', as its servers recorded',
  sidecar: ', from its sidecar file',
  'file-name': ', from its file name',
  unknown: '',
}

function TargetStep() {
  const profiles = useRestoreStore(selectRestoreProfiles)
  const target = useRestoreStore(selectRestoreTarget)
  const preflight = useRestoreStore(selectPreflight)
  const status = useRestoreStore(selectPreflightStatus)
  const checking = useRestoreStore(selectPreflightProgress)
  const { chooseTarget, cancelPreflight, toConfirm, back } = useRestoreStore(
    useShallow((s) => ({
      chooseTarget: s.chooseTarget,
      cancelPreflight: s.cancelPreflight,
      toConfirm: s.toConfirm,
      back: s.back,
    })),
  )
  const go = useNavigationStore(selectGo)
  if (profiles.length === 0)
    return (
      <EmptyState title="No target clusters yet">
        <button type="button" className="button-primary" onClick={() => go('profiles')}>
          Add a profile
        </button>
      </EmptyState>
    )
  return (
    <div className="card wizard-body">
      <fieldset>
        <legend>Restore into</legend>
        <ul className="check-list">
          {profiles.map((p) => (
            <li key={p.id}>
              <label className="inline-check">
                <input
                  type="radio"
                  name="restore-target"
                  checked={target?.id === p.id}
                  onChange={() => void chooseTarget(p.id)}
                  disabled={p.protection === 'read-only'}
                  data-testid="restore-target"
                  data-profile-name={p.name}
                />
                <span>{p.name}</span> <EnvironmentBadge environment={p.environment} />{' '}
                <ProtectionBadge protection={p.protection} />{' '}
                <code className="muted">{p.connection.address}</code>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      {status === 'running' && (
        <ProgressBar
          label={
            checking === null || checking.phase === 'verifying'
              ? 'Reading the file again, then checking the target cluster'
              : 'Checking the target cluster'
          }
          progress={checking}
          onCancel={cancelPreflight}
        />
      )}
      {status === 'done' && preflight !== null && (
        <section
          className="preflight"
          aria-label="Preflight checks"
          data-testid="preflight"
          data-blocked={preflight.blockers.length > 0}
        >
          <dl className="facts">
            <dt>Leader</dt>
            <dd>{preflight.target.leader ?? <span className="warn">no leader</span>}</dd>
            <dt>Version</dt>
            <dd>{preflight.target.consulVersion ?? 'unknown'}</dd>
            <dt>Datacenter</dt>
            <dd>{preflight.target.datacenter ?? 'unknown'}</dd>
            <dt>Current index</dt>
            <dd data-testid="preflight-index">{preflight.target.currentIndex ?? 'unknown'}</dd>
            <dt>Snapshot index</dt>
            <dd>{preflight.file.index}</dd>
            <dt>Snapshot from</dt>
            <dd data-testid="preflight-file-version">
              {preflight.file.consulVersion === null
                ? 'an unknown Consul version'
                : `Consul ${preflight.file.consulVersion}${VERSION_SOURCE[preflight.file.consulVersionSource]}`}
            </dd>
          </dl>
          {preflight.blockers.map((b) => (
            <p key={b.code} className="field-error">
              ✗ {b.message}
            </p>
          ))}
          {preflight.warnings.map((w) => (
            <p key={w.code} className="warn">
              ⚠ {w.message}
            </p>
          ))}
          {preflight.blockers.length === 0 && preflight.warnings.length === 0 && (
            <p className="ok">✓ No warnings.</p>
          )}
        </section>
      )}
      <div className="actions">
        <button type="button" onClick={back}>
          Back
        </button>
        <button
          type="button"
          className="button-primary"
          disabled={status !== 'done' || (preflight?.blockers.length ?? 1) > 0}
          onClick={toConfirm}
          data-testid="restore-to-confirm"
        >
          Continue
        </button>
      </div>
    </div>
  )
}

function ConfirmStep() {
  const target = useRestoreStore(selectRestoreTarget)
  const source = useRestoreStore(selectRestoreSource)
  const safety = useRestoreStore(selectSafetySnapshot)
  const safetyFolder = useRestoreStore(selectSafetyFolder)
  const confirmation = useRestoreStore(selectConfirmation)
  const lossAcknowledged = useRestoreStore(selectLossAcknowledged)
  const preflight = useRestoreStore(selectPreflight)
  const blocked = useRestoreStore(selectBlockedBecause)
  const { setSafetySnapshot, setConfirmation, setLossAcknowledged, start, back } = useRestoreStore(
    useShallow((s) => ({
      setSafetySnapshot: s.setSafetySnapshot,
      setConfirmation: s.setConfirmation,
      setLossAcknowledged: s.setLossAcknowledged,
      start: s.start,
      back: s.back,
    })),
  )
  if (target === null) return null
  return (
    <form
      className="card wizard-body danger-zone"
      onSubmit={(e) => {
        e.preventDefault()
        void start()
      }}
    >
      <p>
        Restore <strong>{source?.name}</strong> into <strong>{target.name}</strong>{' '}
        <EnvironmentBadge environment={target.environment} />{' '}
        <ProtectionBadge protection={target.protection} />. Everything now in {target.name} is replaced.
      </p>
      <label className="inline-check">
        <input
          type="checkbox"
          checked={safety}
          disabled={target.protection === 'protected'}
          onChange={(e) => setSafetySnapshot(e.target.checked)}
          data-testid="safety-snapshot"
        />{' '}
        First save a safety snapshot of {target.name}{' '}
        {target.protection === 'protected' ? '(always, the profile is protected)' : '(recommended)'}
      </label>
      {safety && (
        <p className="hint" data-testid="safety-folder">
          It is written to <code>{safetyFolder ?? 'the default save folder'}</code> on the computer that runs
          Snapshot Studio, before anything is sent.
        </p>
      )}
      {!safety && (
        <p className="warn">Without a safety snapshot there is no way back to the cluster's current state.</p>
      )}
      <label htmlFor="restore-confirmation">
        Type the profile name <strong className="confirm-name">{target.name}</strong> exactly as shown (letter
        case and spaces count) to confirm
      </label>
      <input
        id="restore-confirmation"
        value={confirmation}
        onChange={(e) => setConfirmation(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        data-testid="restore-confirmation"
        aria-describedby="restore-blocked"
      />
      {target.protection === 'protected' && (
        <label className="inline-check warn" data-testid="restore-loss">
          <input
            type="checkbox"
            checked={lossAcknowledged}
            onChange={(e) => setLossAcknowledged(e.target.checked)}
            data-testid="restore-acknowledge-loss"
          />{' '}
          I accept that everything {target.name} holds now (datacenter{' '}
          {preflight?.target.datacenter ?? 'unknown'}, index {preflight?.target.currentIndex ?? 'unknown'}:
          KV, catalog, sessions, ACLs, intentions, config entries) is replaced by the file&apos;s state at
          index {preflight?.file.index ?? 'unknown'}, and every write made since is lost.
        </label>
      )}
      <p id="restore-blocked" className="hint" aria-live="polite">
        {blocked ?? 'Ready.'}
      </p>
      <div className="actions">
        <button type="button" onClick={back}>
          Back
        </button>
        <button
          type="submit"
          className="button-danger"
          disabled={blocked !== null}
          data-testid="restore-start"
        >
          Restore {target.name}
        </button>
      </div>
    </form>
  )
}

const PHASES: Record<string, string> = {
  verifying: 'Verifying the file',
  'safety-snapshot': 'Saving a safety snapshot of the target',
  uploading: 'Sending the snapshot',
  'waiting-for-cluster': 'Waiting for the cluster to settle',
}

function RunningStep() {
  const progress = useRestoreStore(selectRestoreProgress)
  const target = useRestoreStore(selectRestoreTarget)
  const cancel = useRestoreStore((s) => s.cancel)
  const stoppable =
    progress === null ||
    progress.phase === 'verifying' ||
    progress.phase === 'safety-snapshot' ||
    (progress.phase === 'uploading' && (progress.totalBytes === null || progress.bytes < progress.totalBytes))
  return (
    <div className="card wizard-body" aria-busy="true" data-testid="restore-running">
      <p>
        Restoring into <strong>{target?.name}</strong>. Keep this window open.
      </p>
      <ProgressBar
        label={progress ? (PHASES[progress.phase] ?? progress.phase) : 'Starting'}
        progress={progress}
      />
      {progress && progress.bytesPerSecond > 0 && (
        <p className="muted">{formatRate(progress.bytesPerSecond)}</p>
      )}
      <div className="actions">
        <button type="button" onClick={cancel} disabled={!stoppable}>
          {stoppable ? 'Cancel' : 'Cannot cancel: Consul is applying the snapshot'}
        </button>
      </div>
    </div>
  )
}

function DoneStep() {
  const result = useRestoreStore(selectRestoreResult)
  const target = useRestoreStore(selectRestoreTarget)
  const reset = useRestoreStore((s) => s.reset)
  if (result === null) return null
  const { health } = result
  return (
    <div className="card wizard-body" data-testid="restore-done" data-healthy={health.healthy}>
      <h2 className={health.healthy ? 'ok' : 'warn'}>
        {health.healthy ? '✓' : '⚠'} {target?.name}: {health.summary}
      </h2>
      <dl className="facts">
        <dt>Restored</dt>
        <dd>
          {formatBytes(result.bytes)} in {(result.durationMs / 1000).toFixed(1)} s
        </dd>
        <dt>Leader</dt>
        <dd>{health.leader ?? 'none'}</dd>
        <dt>Autopilot</dt>
        <dd>
          {health.autopilotHealthy === null
            ? 'not readable with this token'
            : health.autopilotHealthy
              ? 'healthy'
              : 'unhealthy'}
        </dd>
        <dt>Index after</dt>
        <dd>{health.readIndex ?? 'unknown'}</dd>
        <dt>Safety snapshot</dt>
        <dd data-testid="safety-snapshot-path">
          {result.safetySnapshot ? <code>{result.safetySnapshot.path}</code> : 'none taken'}
        </dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={reset}>
          Restore another
        </button>
      </div>
    </div>
  )
}
