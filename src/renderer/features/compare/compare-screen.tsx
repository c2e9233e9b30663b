import { useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import {
  diffKindLabels,
  diffKinds,
  type ChangeWire,
  type CompareProgress,
  type ComparisonSummaryWire,
  type FieldChangeWire,
} from '../../../shared/diff-wire-types'
import { EmptyState } from '../../components/empty-state'
import { SnapshotFilePicker } from '../../components/snapshot-file-picker'
import { formatBytes } from '../../components/format-bytes'
import {
  selectAfter,
  selectBefore,
  selectCanCompare,
  selectKind,
  selectLoaded,
  selectPrefix,
  selectProfiles,
  selectProgress,
  selectRunning,
  selectSummary,
  selectUploading,
  selectValues,
  useCompareStore,
  type Side,
} from './compare-store'
import { ValueDiff } from './value-diff'
import './compare.css'

const MARK = { added: '+', removed: '−', changed: '~' } as const

export function CompareScreen() {
  const loadProfiles = useCompareStore((s) => s.loadProfiles)
  const summary = useCompareStore(selectSummary)
  const running = useCompareStore(selectRunning)
  useEffect(() => {
    void loadProfiles()
  }, [loadProfiles])
  return (
    <section
      className="screen"
      aria-labelledby="compare-title"
      data-screen="compare"
      data-state={running ? 'running' : summary !== null ? 'done' : 'idle'}
    >
      <header className="screen-header">
        <h1 id="compare-title">Compare snapshots</h1>
      </header>
      <p className="notice">
        What changed between two snapshots, or between a snapshot and a cluster now. Raft indexes and hashes
        change without anything having changed; they are left out. Secrets are never shown, only that they
        changed.
      </p>
      <Choices />
      {summary !== null && <Result summary={summary} />}
    </section>
  )
}

function Choices() {
  const before = useCompareStore(selectBefore)
  const after = useCompareStore(selectAfter)
  const profiles = useCompareStore(selectProfiles)
  const prefix = useCompareStore(selectPrefix)
  const canCompare = useCompareStore(selectCanCompare)
  const running = useCompareStore(selectRunning)
  const progress = useCompareStore(selectProgress)
  const { chooseProfile, setPrefix, compare, cancel } = useCompareStore(
    useShallow((s) => ({
      chooseProfile: s.chooseProfile,
      setPrefix: s.setPrefix,
      compare: s.compare,
      cancel: s.cancel,
    })),
  )
  return (
    <div className="card compare-choices">
      <div className="compare-sides">
        <SidePicker side="before" label="Before" chosen={before?.name ?? null} />
        <SidePicker
          side="after"
          label="After"
          chosen={
            after === null ? null : after.type === 'file' ? after.source.name : `${after.profile.name} (live)`
          }
        >
          <label className="compare-profile">
            or the live cluster of{' '}
            <select
              value={after?.type === 'profile' ? after.profile.id : ''}
              onChange={(e) => chooseProfile(e.target.value)}
              data-testid="compare-profile"
            >
              <option value="">— a profile —</option>
              {profiles.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        </SidePicker>
      </div>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          void compare()
        }}
      >
        <label htmlFor="compare-prefix">KV prefix (optional)</label>
        <input
          id="compare-prefix"
          value={prefix}
          onChange={(e) => setPrefix(e.target.value)}
          spellCheck={false}
          placeholder="app/"
          data-testid="compare-prefix"
        />
        <button type="submit" className="button-primary" disabled={!canCompare} data-testid="compare-run">
          Compare
        </button>
      </form>
      {running && <CompareProgressView progress={progress} onCancel={cancel} />}
    </div>
  )
}

function SidePicker({
  side,
  label,
  chosen,
  children,
}: {
  side: Side
  label: string
  chosen: string | null
  children?: React.ReactNode
}) {
  const uploading = useCompareStore(selectUploading)
  const { chooseFile, chooseWithDialog, chooseHostPath } = useCompareStore(
    useShallow((s) => ({
      chooseFile: s.chooseFile,
      chooseWithDialog: s.chooseWithDialog,
      chooseHostPath: s.chooseHostPath,
    })),
  )
  return (
    <fieldset className="compare-side" data-side={side}>
      <legend>{label}</legend>
      <p className="compare-chosen" data-testid={`compare-${side}-chosen`}>
        {uploading === side ? 'Uploading…' : (chosen ?? 'Nothing chosen yet')}
      </p>
      <SnapshotFilePicker
        fileInputLabel={`${label} snapshot file`}
        fileInputTestId={`compare-${side}-input`}
        hostPathId={`compare-${side}-path`}
        onDialog={() => void chooseWithDialog(side)}
        onFile={(file) => void chooseFile(side, file)}
        onHostPath={(path) => chooseHostPath(side, path)}
      />
      {children}
    </fieldset>
  )
}

function CompareProgressView({
  progress,
  onCancel,
}: {
  progress: CompareProgress | null
  onCancel: () => void
}) {
  const total = progress?.total ?? null
  const done = progress?.done ?? 0
  const text =
    progress === null
      ? 'Starting…'
      : progress.phase === 'reading'
        ? `Reading ${formatBytes(done)}${total !== null ? ` of ${formatBytes(total)}` : ''}`
        : progress.phase === 'snapshotting'
          ? `Taking a snapshot of the cluster: ${formatBytes(done)}`
          : `Comparing keys: ${done.toLocaleString()} of ${(total ?? 0).toLocaleString()}`
  const percent = total !== null && total > 0 ? Math.min(100, Math.round((done / total) * 100)) : undefined
  return (
    <div className="progress" role="status" aria-live="polite">
      <div className="progress-row">
        <span className="progress-label">{text}</span>
        <button type="button" className="button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {percent !== undefined ? (
        <progress max={100} value={percent} aria-label="Comparison progress" />
      ) : (
        <progress aria-label="Comparison progress" />
      )}
    </div>
  )
}

function Result({ summary }: { summary: ComparisonSummaryWire }) {
  const kind = useCompareStore(selectKind)
  const showKind = useCompareStore((s) => s.showKind)
  if (summary.total === 0)
    return (
      <EmptyState title="No differences" testId="compare-identical">
        <p>
          {summary.left.label} and {summary.right.label} hold the same
          {summary.prefix !== '' ? ` (KV under ${summary.prefix})` : ''}.
        </p>
      </EmptyState>
    )
  return (
    <div className="compare-result" data-testid="compare-result">
      <section className="card" aria-label="Summary by kind">
        <h2>
          {summary.left.label} <small>(index {summary.left.index})</small> → {summary.right.label}{' '}
          <small>(index {summary.right.index})</small>
        </h2>
        <table className="data-table compare-summary">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col" className="num">
                Added
              </th>
              <th scope="col" className="num">
                Removed
              </th>
              <th scope="col" className="num">
                Changed
              </th>
            </tr>
          </thead>
          <tbody>
            {diffKinds.map((k) => {
              const c = summary.counts[k]
              if (c.added + c.removed + c.changed === 0) return null
              return (
                <tr key={k} aria-selected={kind === k} data-kind={k}>
                  <th scope="row">
                    <button type="button" className="link-button" onClick={() => void showKind(k)}>
                      {diffKindLabels[k]}
                    </button>
                  </th>
                  <td className="num">{c.added}</td>
                  <td className="num">{c.removed}</td>
                  <td className="num">{c.changed}</td>
                </tr>
              )
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td className="num" colSpan={3} data-testid="compare-total">
                {summary.total}
              </td>
            </tr>
          </tfoot>
        </table>
      </section>
      {kind !== null && <ChangeList />}
    </div>
  )
}

function ChangeList() {
  const kind = useCompareStore(selectKind)
  const loaded = useCompareStore(selectLoaded)
  const values = useCompareStore(selectValues)
  const { loadMore, openValues, closeValues } = useCompareStore(
    useShallow((s) => ({ loadMore: s.loadMore, openValues: s.openValues, closeValues: s.closeValues })),
  )
  if (kind === null) return null
  const page = loaded[kind]
  return (
    <section className="card" aria-label={`${diffKindLabels[kind]} changes`} data-testid="compare-changes">
      <h2>{diffKindLabels[kind]}</h2>
      <ul className="change-tree" role="tree">
        {(page?.changes ?? []).map((change) => (
          <ChangeItem
            key={change.kind === 'kv' ? change.key : change.id}
            change={change}
            onOpen={openValues}
          />
        ))}
      </ul>
      {page !== undefined && page.changes.length < page.total && (
        <button type="button" onClick={() => void loadMore()}>
          Show more ({page.total - page.changes.length} left)
        </button>
      )}
      {values !== null && <ValueDiff values={values} onClose={closeValues} />}
    </section>
  )
}

function ChangeItem({ change, onOpen }: { change: ChangeWire; onOpen: (key: string) => Promise<void> }) {
  if (change.kind === 'kv')
    return (
      <li
        role="treeitem"
        aria-selected={false}
        className={`change change-${change.op}`}
        data-change={change.key}
      >
        <span className="change-mark" aria-label={change.op}>
          {MARK[change.op]}
        </span>{' '}
        <code>{change.key}</code>
        {change.fields.length > 0 && <span className="change-fields"> {change.fields.join(', ')}</span>}
        {change.before !== null && change.after !== null && change.before.size !== change.after.size && (
          <span className="change-fields">
            {' '}
            {formatBytes(change.before.size)} → {formatBytes(change.after.size)}
          </span>
        )}{' '}
        <button type="button" className="link-button" onClick={() => void onOpen(change.key)}>
          {change.op === 'changed' ? 'Compare values' : 'Show value'}
        </button>
      </li>
    )
  return (
    <li
      role="treeitem"
      aria-selected={false}
      className={`change change-${change.op}`}
      data-change={change.id}
    >
      <span className="change-mark" aria-label={change.op}>
        {MARK[change.op]}
      </span>{' '}
      <code>{change.id}</code>
      {change.title !== change.id && change.title !== '' && (
        <span className="change-title"> {change.title}</span>
      )}
      {change.fields.length > 0 && (
        <ul role="group" className="field-changes">
          {change.fields.map((field) => (
            <li key={field.path} role="treeitem" aria-selected={false}>
              <FieldChange field={field} />
            </li>
          ))}
        </ul>
      )}
    </li>
  )
}

function shown(value: unknown): string {
  if (value === undefined) return '(absent)'
  const text = JSON.stringify(value)
  return text.length > 200 ? `${text.slice(0, 199)}…` : text
}

function FieldChange({ field }: { field: FieldChangeWire }) {
  const name = field.path === '' ? '(record)' : field.path
  if (field.secret)
    return (
      <span>
        <code>{name}</code> <span className="secret-changed">secret changed (not shown)</span>
      </span>
    )
  return (
    <span>
      <code>{name}</code>: <del>{shown(field.before)}</del> → <ins>{shown(field.after)}</ins>
    </span>
  )
}
