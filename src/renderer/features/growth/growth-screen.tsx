import { useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { EmptyState } from '../../components/empty-state'
import { formatBytes, formatCount } from '../../components/format-bytes'
import { ProgressBar } from '../../components/progress-bar'
import { usePlatform } from '../../store/studio-context'
import type { GrowthMover, GrowthReport, GrowthSeries } from '../../../shared/growth-types'
import { GrowthChart } from './growth-chart'
import { selectGrowthProgress, selectGrowthReport, selectGrowthStatus, useGrowthStore } from './growth-store'

/**
 * How a cluster's backups grew: per record type and per KV prefix from backup to backup, with
 * the largest movers named first — the question behind "why did the snapshot double?".
 */
export function GrowthScreen() {
  const report = useGrowthStore(selectGrowthReport)
  const status = useGrowthStore(selectGrowthStatus)
  const progress = useGrowthStore(selectGrowthProgress)
  const platform = usePlatform()
  const form = useGrowthStore(
    useShallow((s) => ({
      folder: s.folder,
      kvDepth: s.kvDepth,
      folderError: s.folderError,
      suggestions: s.folderSuggestions,
    })),
  )
  const actions = useGrowthStore(
    useShallow((s) => ({
      load: s.load,
      setFolder: s.setFolder,
      setKvDepth: s.setKvDepth,
      chooseFolder: s.chooseFolder,
      analyse: s.analyse,
      cancel: s.cancel,
    })),
  )
  const { load } = actions

  useEffect(() => {
    void load()
  }, [load])

  const suggested = form.suggestions
    ? [
        form.suggestions.defaultFolder,
        ...form.suggestions.recentFolders.filter((f) => f !== form.suggestions?.defaultFolder),
      ]
    : []

  return (
    <section className="screen" aria-labelledby="growth-title" data-screen="growth" data-state={status}>
      <header className="screen-header">
        <h1 id="growth-title">Growth over time</h1>
      </header>
      <form
        className="card growth-form"
        onSubmit={(event) => {
          event.preventDefault()
          void actions.analyse()
        }}
      >
        <label htmlFor="growth-folder">Folder of backups</label>
        <div className="inline-fields">
          <input
            id="growth-folder"
            value={form.folder}
            onChange={(event) => actions.setFolder(event.target.value)}
            aria-invalid={form.folderError !== null}
            aria-describedby="growth-folder-hint"
          />
          {platform.nativeDialogs && (
            <button type="button" onClick={() => void actions.chooseFolder()}>
              Choose…
            </button>
          )}
        </div>
        <p id="growth-folder-hint" className={form.folderError ? 'field-error' : 'hint'}>
          {form.folderError ??
            'A folder on the host with a cluster’s .snap files (an agent’s local_storage.path, or where you save).'}
        </p>
        {suggested.length > 1 && (
          <div className="folder-choices" role="group" aria-label="Folders with backups">
            {suggested.map((folder) => (
              <button
                type="button"
                key={folder}
                aria-pressed={folder === form.folder}
                onClick={() => actions.setFolder(folder)}
              >
                {folder}
              </button>
            ))}
          </div>
        )}
        <label htmlFor="growth-depth">KV prefix depth</label>
        <select
          id="growth-depth"
          value={form.kvDepth}
          onChange={(event) => actions.setKvDepth(Number(event.target.value))}
        >
          {[1, 2, 3, 4].map((depth) => (
            <option key={depth} value={depth}>
              {depth} segment{depth === 1 ? '' : 's'}
            </option>
          ))}
        </select>
        <div className="actions">
          <button type="submit" className="button-primary" disabled={status === 'running'}>
            Analyse
          </button>
        </div>
      </form>
      {status === 'running' && (
        <ProgressBar
          label={
            progress
              ? `Reading backup ${Math.min(progress.filesDone + 1, progress.totalFiles)} of ${progress.totalFiles}${progress.file ? `: ${progress.file}` : ''}`
              : 'Listing backups'
          }
          progress={progress ? { bytes: progress.bytes, totalBytes: progress.totalBytes } : null}
          onCancel={actions.cancel}
        />
      )}
      {report !== null && <GrowthResult report={report} />}
    </section>
  )
}

function GrowthResult({ report }: { report: GrowthReport }) {
  if (report.backups.length === 0)
    return (
      <EmptyState title="No backups in this folder" testId="growth-empty">
        <p>No readable .snap file was found in {report.folder}.</p>
        <SkippedList report={report} />
      </EmptyState>
    )
  const first = report.backups[0]
  const last = report.backups[report.backups.length - 1]
  const labels = report.backups.map((backup) =>
    new Date(backup.takenAt).toLocaleString([], {
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    }),
  )
  // Lines that would lie flat on the axis next to the largest mover say nothing in a chart.
  const scale = Math.abs(report.movers[0]?.change ?? 0)
  const charted = report.movers
    .filter((mover) => Math.abs(mover.change) >= scale / 20)
    .slice(0, 5)
    .map((mover) => {
      const row = findSeries(report, mover)
      return { name: moverLabel(mover), values: row?.sums ?? [] }
    })
  return (
    <div className="growth-result" data-testid="growth-result">
      <section className="card" aria-labelledby="growth-summary-title">
        <h2 id="growth-summary-title">
          {report.backups.length} backup{report.backups.length === 1 ? '' : 's'}
        </h2>
        <p>
          From {new Date(first?.takenAt ?? '').toLocaleString()} to{' '}
          {new Date(last?.takenAt ?? '').toLocaleString()}: state {formatBytes(first?.totalSize ?? 0)} →{' '}
          {formatBytes(last?.totalSize ?? 0)}, KV {formatBytes(first?.totalSizeKV ?? 0)} →{' '}
          {formatBytes(last?.totalSizeKV ?? 0)}.
        </p>
        <p className="hint">
          Statistics of {report.cache.hits} file{report.cache.hits === 1 ? '' : 's'} came from the cache;{' '}
          {report.cache.misses} read now.
        </p>
      </section>
      <section className="card" aria-labelledby="growth-movers-title">
        <h2 id="growth-movers-title">Largest movers</h2>
        {report.movers.length === 0 ? (
          <p>Nothing changed in size between the first and the last backup.</p>
        ) : (
          <ol className="growth-movers" data-testid="growth-movers">
            {report.movers.map((mover) => (
              <li key={`${mover.kind}:${mover.name}`} data-mover={mover.name} data-kind={mover.kind}>
                <strong>{moverLabel(mover)}</strong> {mover.change > 0 ? 'grew' : 'shrank'} by{' '}
                {formatBytes(Math.abs(mover.change))} ({formatBytes(mover.fromBytes)} →{' '}
                {formatBytes(mover.toBytes)}
                {mover.ratio !== null && mover.ratio !== 1 ? `, ×${mover.ratio.toFixed(1)}` : ''})
                {mover.biggestStep && (
                  <span className="muted">
                    {' '}
                    — most between {report.backups[mover.biggestStep.from]?.name} and{' '}
                    {report.backups[mover.biggestStep.to]?.name}
                  </span>
                )}
              </li>
            ))}
          </ol>
        )}
        {charted.length > 0 && <GrowthChart series={charted} labels={labels} />}
      </section>
      <SeriesTable title="KV prefixes" rows={report.kvPrefixes} testId="growth-kv-table" />
      <SeriesTable title="Record types" rows={report.types} testId="growth-type-table" />
      <SkippedList report={report} />
    </div>
  )
}

function SeriesTable({ title, rows, testId }: { title: string; rows: GrowthSeries[]; testId: string }) {
  if (rows.length === 0) return null
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      <div className="table-scroll">
        <table className="data-table" data-testid={testId}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="num">
                First
              </th>
              <th scope="col" className="num">
                Latest
              </th>
              <th scope="col" className="num">
                Change
              </th>
              <th scope="col" className="num">
                Count now
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.name} data-series={row.name}>
                <th scope="row">{row.name === '' ? '(empty)' : row.name}</th>
                <td className="num">{bytesOrUnknown(firstKnown(row.sums))}</td>
                <td className="num">{bytesOrUnknown(lastKnown(row.sums))}</td>
                <td className="num">{signed(row.change)}</td>
                <td className="num">{countOrUnknown(lastKnown(row.counts))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

function SkippedList({ report }: { report: GrowthReport }) {
  if (report.skipped.length === 0) return null
  return (
    <section className="card" aria-label="Files left out">
      <h2>Files left out</h2>
      <ul>
        {report.skipped.map((file) => (
          <li key={file.name}>
            <code>{file.name}</code>: {file.reason}
          </li>
        ))}
      </ul>
    </section>
  )
}

function findSeries(report: GrowthReport, mover: GrowthMover): GrowthSeries | undefined {
  return (mover.kind === 'kv' ? report.kvPrefixes : report.types).find((row) => row.name === mover.name)
}

function moverLabel(mover: GrowthMover): string {
  return mover.kind === 'kv' ? `KV ${mover.name === '' ? '(empty)' : mover.name}` : mover.name
}

function firstKnown(values: Array<number | null>): number | null {
  return values.find((v) => v !== null) ?? null
}

function lastKnown(values: Array<number | null>): number | null {
  for (let i = values.length - 1; i >= 0; i--)
    if (values[i] !== null && values[i] !== undefined) return values[i] as number
  return null
}

function bytesOrUnknown(value: number | null): string {
  return value === null ? '?' : formatBytes(value)
}

function countOrUnknown(value: number | null): string {
  return value === null ? '?' : formatCount(value)
}

function signed(bytes: number): string {
  if (bytes === 0) return '0'
  return `${bytes > 0 ? '+' : '−'}${formatBytes(Math.abs(bytes))}`
}
