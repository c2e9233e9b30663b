import { useState } from 'react'
import { reportError } from '../store/error-store'

/**
 * A secret shows as dots until the operator asks for it; the value is fetched only then, so it
 * is not sitting in the DOM (or a screenshot) by default.
 */
export function MaskedSecret({ label, reveal }: { label: string; reveal: () => Promise<string> }) {
  const [value, setValue] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  if (value !== null) {
    return (
      <span className="secret">
        <code data-testid="secret-value">{value}</code>
        <button
          type="button"
          className="button-quiet"
          onClick={() => setValue(null)}
          aria-label={`Hide ${label}`}
        >
          Hide
        </button>
      </span>
    )
  }
  return (
    <span className="secret">
      <code className="secret-mask" aria-label={`${label} (hidden)`}>
        ••••••••••••
      </code>
      <button
        type="button"
        className="button-quiet"
        disabled={busy}
        aria-label={`Reveal ${label}`}
        onClick={() => {
          setBusy(true)
          reveal()
            .then(setValue)
            .catch((error: unknown) => reportError(`Revealing ${label}`, error))
            .finally(() => setBusy(false))
        }}
      >
        Reveal
      </button>
    </span>
  )
}
