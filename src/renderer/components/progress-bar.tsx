import type { ByteProgress } from '../ports/studio-port'
import { formatBytes, formatRate } from './format-bytes'

/** A native <progress>: accessible by default, indeterminate while the total is unknown. */
export function ProgressBar({
  label,
  progress,
  onCancel,
}: {
  label: string
  progress: ByteProgress | null
  onCancel?: () => void
}) {
  const total = progress?.total ?? undefined
  const done = progress?.bytes ?? 0
  const percent =
    total !== undefined && total > 0 ? Math.min(100, Math.round((done / total) * 100)) : undefined
  return (
    <div className="progress" role="status" aria-live="polite">
      <div className="progress-row">
        <span className="progress-label">{label}</span>
        <span className="progress-figures">
          {formatBytes(done)}
          {total !== undefined ? ` of ${formatBytes(total)}` : ''}
          {percent !== undefined ? ` (${percent}%)` : ''}
          {progress?.rate !== undefined ? ` · ${formatRate(progress.rate)}` : ''}
        </span>
        {onCancel && (
          <button type="button" className="button-quiet" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {percent !== undefined ? (
        <progress max={100} value={percent} aria-label={label} />
      ) : (
        <progress aria-label={label} />
      )}
    </div>
  )
}
