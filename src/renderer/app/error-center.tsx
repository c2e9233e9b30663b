import { useShallow } from 'zustand/react/shallow'
import { selectDismissError, selectErrors, useErrorStore } from '../store/error-store'

/**
 * The single place errors appear: what went wrong, while doing what, and what to do next.
 * The region is always in the DOM so screen readers announce new messages.
 */
export function ErrorCenter() {
  const errors = useErrorStore(useShallow(selectErrors))
  const dismiss = useErrorStore(selectDismissError)
  return (
    <div
      className="error-center"
      role="alert"
      aria-live="assertive"
      data-testid="error-center"
      data-count={errors.length}
    >
      {errors.map((e) => (
        <article key={e.id} className="error-item" data-code={e.code} data-testid="error-item">
          <div className="error-text">
            <p className="error-context">{e.context}</p>
            <p className="error-message">{e.message}</p>
            {e.hint && (
              <p className="error-hint">
                <strong>What to do: </strong>
                {e.hint}
              </p>
            )}
            <p className="error-code">{e.code}</p>
          </div>
          <button
            type="button"
            className="button-quiet"
            onClick={() => dismiss(e.id)}
            aria-label={`Dismiss: ${e.message}`}
          >
            Dismiss
          </button>
        </article>
      ))}
    </div>
  )
}
