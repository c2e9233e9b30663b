import type { ByteProgress } from '../../shared/progress'
import { formatBytes, formatRate } from './format-bytes'

/** A native <progress>: accessible by default, indeterminate while the total is unknown. */
export function ProgressBar({
  label,
  progress,
  onCancel,
}: {
  label: string
  /** A transfer's pace is shown when it is known. */
  progress: (ByteProgress & { bytesPerSecond?: number }) | null
  onCancel?: () => void
}) {
  const total = progress?.totalBytes ?? undefined
  const rate =
    progress?.bytesPerSecond !== undefined && progress.bytesPerSecond > 0
      ? progress.bytesPerSecond
      : undefined
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
          {rate !== undefined ? ` · ${formatRate(rate)}` : ''}
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
