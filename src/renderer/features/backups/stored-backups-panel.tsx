import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { PlanView } from '../../../shared/backup-plan-types'
import type { StoredBackupView } from '../../../shared/stored-backup-types'
import { formatBytes } from '../../components/format-bytes'
import { selectBrowser, useBackupsStore } from './backups-store'
import { describeDestination } from './describe-plan'

/**
 * One destination's backups, newest first: what each is (cluster, datacenter, index when its
 * sidecar or name says), and Inspect (streamed from the store), Download, Restore and Delete;
 * "Verify backups" reads every one through the full verification and lists the damaged.
 */
export function StoredBackupsPanel({ plans }: { plans: PlanView[] }) {
  const browser = useBackupsStore(selectBrowser)
  const actions = useBackupsStore(
    useShallow((s) => ({
      closeBrowser: s.closeBrowser,
      filterCluster: s.filterCluster,
      verifyStored: s.verifyStored,
      cancelStoredWork: s.cancelStoredWork,
      setStoredKey: s.setStoredKey,
    })),
  )
  const [folder, setFolder] = useState('')
  if (browser === null) return null
  const plan = plans.find((p) => p.id === browser.planId)
  const destination = plan?.destinations[browser.destinationIndex]
  const backups = browser.list?.backups ?? []
  const clusters = [...new Set(backups.flatMap((b) => (b.cluster === null ? [] : [b.cluster])))].sort()
  const shown = browser.cluster === '' ? backups : backups.filter((b) => b.cluster === browser.cluster)
  const verifying = browser.verifying

  return (
    <section
      className="card stored-backups"
      aria-label="Stored backups"
      data-testid="stored-backups"
      data-state={browser.status}
    >
      <header className="card-header">
        <h2>
          Backups in{' '}
          <code>{browser.list?.destination ?? (destination ? describeDestination(destination) : '')}</code>
        </h2>
        <button type="button" onClick={actions.closeBrowser}>
          Close
        </button>
      </header>
      {browser.status === 'loading' && <p className="hint">Listing the destination…</p>}
      {browser.status === 'error' && browser.error && (
        <p className="notice error" role="alert" data-testid="stored-backups-error">
          {browser.error.message} {browser.error.hint}
        </p>
      )}
      {browser.status === 'ready' && (
        <>
          <div className="inline-fields stored-backups-tools">
            <label>
              Cluster{' '}
              <select
                data-testid="stored-cluster-filter"
                value={browser.cluster}
                onChange={(e) => actions.filterCluster(e.target.value)}
              >
                <option value="">all</option>
                {clusters.map((cluster) => (
                  <option key={cluster} value={cluster}>
                    {cluster}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Download to{' '}
              <input
                data-testid="stored-download-folder"
                placeholder="the default save folder"
                spellCheck={false}
                value={folder}
                onChange={(e) => setFolder(e.target.value)}
              />
            </label>
            {verifying === null ? (
              <button
                type="button"
                onClick={() => void actions.verifyStored()}
                disabled={backups.length === 0}
                data-testid="stored-verify"
              >
                Verify backups
              </button>
            ) : (
              <span data-testid="stored-verify-progress">
                Verifying {verifying.done + (verifying.name ? 1 : 0)} of {verifying.total}
                {verifying.name && (
                  <>
                    : <code>{verifying.name}</code> {formatBytes(verifying.bytes)}
                    {verifying.totalBytes !== null ? ` of ${formatBytes(verifying.totalBytes)}` : ''}
                  </>
                )}{' '}
                <button type="button" onClick={actions.cancelStoredWork}>
                  Cancel
                </button>
              </span>
            )}
          </div>
          {backups.some((b) => b.encrypted) && (
            <div className="inline-fields stored-backups-key">
              <span className="hint">
                Encrypted backups open with their age key (kept for this view only):
              </span>
              <input
                type="password"
                autoComplete="off"
                spellCheck={false}
                aria-label="Age identity"
                placeholder="AGE-SECRET-KEY-1…"
                data-testid="stored-key-identity"
                onChange={(e) =>
                  actions.setStoredKey(
                    e.target.value.trim() === '' ? null : { identitySecret: e.target.value },
                  )
                }
              />
              <input
                type="password"
                autoComplete="off"
                aria-label="Passphrase"
                placeholder="or the passphrase"
                data-testid="stored-key-passphrase"
                onChange={(e) =>
                  actions.setStoredKey(e.target.value === '' ? null : { passphrase: e.target.value })
                }
              />
            </div>
          )}
          <VerifyReport />
          {browser.downloaded && (
            <p className="notice" data-testid="stored-downloaded">
              Saved <code>{browser.downloaded.name}</code> to <code>{browser.downloaded.path}</code>.
            </p>
          )}
          {shown.length === 0 ? (
            <p className="hint" data-testid="stored-backups-empty">
              No backups here yet.
            </p>
          ) : (
            <table className="data-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Size</th>
                  <th>Taken</th>
                  <th>Cluster</th>
                  <th>Datacenter</th>
                  <th>Index</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {shown.map((backup) => (
                  <StoredBackupRow key={backup.name} backup={backup} folder={folder} busy={browser.busy} />
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  )
}

function StoredBackupRow({
  backup,
  folder,
  busy,
}: {
  backup: StoredBackupView
  folder: string
  busy: string | null
}) {
  const { inspectStored, downloadStored, restoreStored, deleteStored } = useBackupsStore(
    useShallow((s) => ({
      inspectStored: s.inspectStored,
      downloadStored: s.downloadStored,
      restoreStored: s.restoreStored,
      deleteStored: s.deleteStored,
    })),
  )
  const [confirming, setConfirming] = useState(false)
  const [typed, setTyped] = useState('')
  const taken = backup.takenAt ?? backup.modifiedAt
  return (
    <tr data-testid="stored-backup" data-name={backup.name}>
      <td>
        <code>{backup.name}</code>
        {backup.encrypted && <span className="tag">encrypted</span>}
        {backup.sidecarProblem !== null && (
          <span className="tag tag-bad" title={backup.sidecarProblem} data-testid="stored-sidecar-problem">
            sidecar refused
          </span>
        )}
      </td>
      <td>{formatBytes(backup.size)}</td>
      <td>
        <time dateTime={taken}>{new Date(taken).toLocaleString()}</time>
      </td>
      <td>{backup.cluster ?? '—'}</td>
      <td>{backup.datacenter ?? '—'}</td>
      <td>{backup.index ?? '—'}</td>
      <td className="actions">
        {confirming ? (
          <span className="stored-delete-confirm">
            <label>
              Type <code>{backup.name}</code> to delete it{' '}
              <input
                data-testid="stored-delete-confirmation"
                spellCheck={false}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
              />
            </label>
            <button
              type="button"
              className="button-danger"
              disabled={typed !== backup.name}
              data-testid="stored-delete-confirm"
              onClick={() =>
                void deleteStored(backup.name, typed).then((done) => done || setConfirming(false))
              }
            >
              Delete for good
            </button>
            <button
              type="button"
              onClick={() => {
                setConfirming(false)
                setTyped('')
              }}
            >
              Keep it
            </button>
          </span>
        ) : (
          <>
            <button type="button" data-testid="stored-inspect" onClick={() => inspectStored(backup.name)}>
              Inspect
            </button>
            <button
              type="button"
              data-testid="stored-download"
              disabled={busy !== null}
              onClick={() => void downloadStored(backup.name, folder)}
            >
              {busy === backup.name ? 'Working…' : 'Download'}
            </button>
            <button
              type="button"
              data-testid="stored-restore"
              disabled={busy !== null}
              onClick={() => void restoreStored(backup.name)}
            >
              Restore…
            </button>
            <button
              type="button"
              className="button-danger"
              data-testid="stored-delete"
              onClick={() => setConfirming(true)}
            >
              Delete
            </button>
          </>
        )}
      </td>
    </tr>
  )
}

function VerifyReport() {
  const report = useBackupsStore((s) => s.browser?.verified ?? null)
  if (report === null) return null
  return (
    <div className="verify-report" data-testid="stored-verify-report">
      <p>
        {report.sound} sound, {report.damaged} damaged.
      </p>
      <ul>
        {report.checks.map((check) => (
          <li key={check.name} data-testid="stored-verify-check" data-ok={check.ok}>
            <code>{check.name}</code>:{' '}
            {check.ok ? (
              `ok (index ${check.index ?? '?'})`
            ) : (
              <span className="error-message">damaged — {check.message ?? check.code ?? 'unreadable'}</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  )
}
